"""Loading a tool repository: a JSONL of raw specs or the DuckDB ``tools`` table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gtm_core.spec import Reject, ToolSpec, parse_specs


def load_tools(
    tools_file: str | Path | None = None,
    *,
    duckdb_path: str | Path | None = None,
    names: Iterable[str] | None = None,
) -> tuple[list[ToolSpec], list[Reject]]:
    """Tools from a JSONL of raw specs (validated; rejects returned with reasons) or from the
    DuckDB ``tools`` table; ``names`` picks a subset. Later duplicates of a name are rejected."""
    rejects: list[Reject] = []
    if tools_file is not None:
        raws: list[Any] = []
        for n, line in enumerate(Path(tools_file).read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                raws.append(json.loads(line))
            except json.JSONDecodeError as e:
                rejects.append(
                    Reject(
                        str(tools_file),
                        f"<line {n}>",
                        "<json>",
                        f"invalid JSON: {e.msg}",
                        line[:200],
                        "load",
                    )
                )
        specs, bad = parse_specs(raws, source=str(tools_file))
        rejects += bad
    else:
        from gtm_core.storage import Store

        if duckdb_path is None:
            from gtm_core.settings import get_settings

            duckdb_path = get_settings().duckdb_path
        store = Store(duckdb_path)
        if not store.exists("tools"):
            raise FileNotFoundError(
                f"{duckdb_path}: no 'tools' table (materialize tool_repository or pass --tools "
                "FILE)"
            )
        specs = [ToolSpec.from_row(r) for r in store.read("tools").to_dict("records")]
    want = set(names) if names else None
    out: dict[str, ToolSpec] = {}
    for s in specs:
        if want is not None and s.name not in want:
            continue
        if s.name in out:
            rejects.append(
                Reject(s.source, s.name, "name", "duplicate tool name (first kept)", None, "load")
            )
            continue
        out[s.name] = s
    if want is not None:
        for n in sorted(want - set(out)):
            rejects.append(
                Reject("", n, "name", "requested tool not found in the repository", None, "load")
            )
    return list(out.values()), rejects
