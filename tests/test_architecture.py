"""The layering that ``docs/architecture.md`` draws holds in the code: the doc's layer table lists
every module at the top of ``gtm_core``, imports run only down the table (or within a layer),
no module imports a private name from another package, and ``gtm_core`` never imports Dagster."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "gtm_core"
DOC = ROOT / "docs" / "architecture.md"


def top_level_units() -> set[str]:
    """Modules and packages directly under ``gtm_core`` (``__init__`` and caches aside)."""
    out = {p.stem for p in CORE.glob("*.py") if p.stem != "__init__"}
    out |= {p.name for p in CORE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return out


def doc_layers() -> dict[str, int]:
    """Top-level unit -> rank of its layer, read from the doc's layer table (first mention wins)."""
    units, ranks = top_level_units(), {}
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    start = next(i for i, line in enumerate(rows) if line.startswith("| layer |")) + 2
    for rank, row in enumerate(rows[start:]):
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("change", "---"):
            break
        for name in re.findall(r"`([\w./]+)`", cells[1]):
            unit = name.rstrip("/").removesuffix(".py")
            if unit in units:
                ranks.setdefault(unit, rank)
    return ranks


def imports(tree: ast.Module) -> Iterator[tuple[ast.AST, str, list[str]]]:
    """(node, module, imported names) of every import outside ``if TYPE_CHECKING:`` blocks."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node, a.name, []


def core_files() -> Iterator[tuple[str, Path, ast.Module]]:
    for f in sorted(CORE.rglob("*.py")):
        unit = f.relative_to(CORE).parts[0].removesuffix(".py")
        yield unit, f, ast.parse(f.read_text(encoding="utf-8"))


def test_doc_layer_table_lists_every_top_level_module():
    missing = top_level_units() - set(doc_layers())
    assert not missing, f"docs/architecture.md's layer table does not list: {sorted(missing)}"


def test_imports_run_down_the_layers_only():
    rank = doc_layers()
    upward = []
    for unit, f, tree in core_files():
        for node, module, _ in imports(tree):
            parts = module.split(".")
            if parts[0] != "gtm_core" or len(parts) < 2 or parts[1] == unit or unit == "__init__":
                continue
            if rank[parts[1]] > rank[unit]:
                upward.append(f"{f.relative_to(ROOT)}:{node.lineno} imports {module}")
    assert not upward, "imports up the data flow:\n" + "\n".join(upward)


def test_no_private_names_across_packages_and_no_dagster_in_core():
    crossing, dagster = [], []
    for unit, f, tree in core_files():
        own = f"gtm_core.{unit}"  # a package, or a module at the top
        for node, module, names in imports(tree):
            if module.split(".")[0] in ("dagster", "dagster_webserver", "dagster_pipes"):
                dagster.append(f"{f.relative_to(ROOT)}:{node.lineno}")
            if module.startswith("gtm_core.") and not (module + ".").startswith(own + "."):
                crossing += [
                    f"{f.relative_to(ROOT)}:{node.lineno} {module}.{n}"
                    for n in names
                    if n.startswith("_") and not n.startswith("__")
                ]
    assert not dagster, f"gtm_core imports Dagster: {dagster}"
    assert not crossing, "private names imported from another package:\n" + "\n".join(crossing)


def test_the_code_passes_ruff_lint_and_format_at_100_columns():
    """``ruff check`` (E501 on: lines within 100 columns) and ``ruff format --check`` pass, so the
    house style holds without anyone remembering to run them."""
    import subprocess
    import sys

    for args in (["check", "."], ["format", "--check", "."]):
        out = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert out.returncode == 0, (
            f"ruff {' '.join(args)}:\n{out.stdout[-3000:]}{out.stderr[-500:]}"
        )


def test_the_engine_reads_top_to_bottom():
    """``engine.py`` stays a short pipeline (at most 200 lines), no function of the simulator, the
    serving fronts or the LLM layer grows past 80 lines, and the LLM layer's request carries no
    simulator policy (the decode loop's only hook is the generic ``restart``)."""
    from dataclasses import fields

    from gtm_core.llm.base import ChatRequest

    assert len((CORE / "simulator" / "engine.py").read_text().splitlines()) <= 200
    long = []
    for pkg in ("simulator", "serve", "llm"):
        for path in sorted((CORE / pkg).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    n = node.end_lineno - node.lineno + 1
                    if n > 80:
                        long.append(f"{path.relative_to(ROOT)}:{node.name} ({n} lines)")
    assert long == []
    assert {f.name for f in fields(ChatRequest)} == {
        "messages", "task", "payload", "response_schema", "temperature", "max_tokens", "seed",
        "meta", "restart",
    }  # fmt: skip
