"""``gtm audit``: sim-to-real audit of the simulator (and the offline teacher) on real tool calls."""

from __future__ import annotations

from pathlib import Path

import typer

from gtm_core.cli.app import app, console, emit
from gtm_core.simulator.engine import ERROR_CONFIDENCE


def _stored_traces(settings):
    """The ``real_traces`` table of the data folder, if one was materialized."""
    from gtm_core.storage import Store

    if not settings.duckdb_path.exists():
        return None
    store = Store(settings.duckdb_path)
    return store.read("real_traces") if store.exists("real_traces") else None


def _print_side_by_side(reports: dict) -> None:
    """Per file and overall, one row per scored model (in the order given)."""
    from rich import box
    from rich.table import Table

    from gtm_core.evaluation.real_traces import FIDELITY, side_by_side

    t = Table(title="sim-to-real agreement", box=box.SIMPLE_HEAD)
    for name, justify in (("part", "left"), ("model", "left"), ("calls", "right"), ("error", "right"),
                          ("schema", "right"), ("value", "right"), ("text F1", "right")):
        t.add_column(name, justify=justify, overflow="fold")
    for row in side_by_side(reports):
        part = row["part"].removesuffix(".jsonl").removesuffix("_calls").removesuffix("_real_outputs").removesuffix("_real")
        for i, label in enumerate(reports):
            vals = [row[f"{label} {m}"] for m in FIDELITY]
            t.add_row(part if i == 0 else "", label[:16], str(row["n_calls"]) if i == 0 else "",
                      *("n/m" if v is None else f"{v:.3f}" for v in vals), end_section=i == len(reports) - 1)
    console.print(t)


@app.command("audit")
def audit_cmd(
    tools: list[Path] = typer.Option(None, "--tools", help="tool spec JSONL (repeatable); default: the spec files of the shared real-call files"),
    calls: list[Path] = typer.Option(None, "--calls", help="real calls JSONL (repeatable); default: the visible real-call files in ../shared/data"),
    model: str | None = typer.Option(None, "--model", help="models:/gtm@champion | folder | offline | openai:<model>@<base_url>; default: @champion, else @candidate, else the offline teacher"),
    split: str | None = typer.Option(None, "--split", help="heldout | train | all calls of the real-trace split; default: heldout for the shared files, all for --calls"),
    offline: bool = typer.Option(True, "--offline/--no-offline", help="also score the offline teacher in the same run (side by side)"),
    limit: int | None = typer.Option(None, help="replay at most this many calls (episodes in step order)"),
    batch_size: int = typer.Option(32, help="calls per model batch"),
    max_tokens: int = typer.Option(512, help="max new tokens per simulated output"),
    seed: int = typer.Option(0),
    lenient_types: bool = typer.Option(True, "--lenient-types/--strict-types", help="gate reads parameters as coercing tools do (\"3\" for an integer, JSON text for a list); --strict-types: strict JSON types"),
    error_confidence: float = typer.Option(ERROR_CONFIDENCE, "--error-confidence", min=0.0, max=1.0, help="a model-written error stands only above this opening-token probability (0: greedy as is)"),
    error_evidence: bool = typer.Option(True, "--error-evidence/--any-error", help="a model-written error stands only where the prompt gives it grounds (the tool seen failing, an earlier state-changing call); --any-error: wherever its probability reaches --error-confidence"),
    examples: int | None = typer.Option(None, "--examples", help="recorded real calls (train part of the split) shown per call; 0: none; default: settings real_examples_k"),
    out: Path | None = typer.Option(None, help="also write one row per replayed call (JSONL)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Replay real tool calls through the simulator and the offline teacher: error, output-schema,
    scalar-value agreement and text F1 per tool, per file, by stateful/stateless, overall."""
    import json

    from gtm_core.evaluation.real_split import selection
    from gtm_core.evaluation.real_traces import audit, shared_pairs
    from gtm_core.settings import get_settings
    from gtm_core.simulator.models import backend_for, make_backend, parse_model

    s = get_settings()
    default_files = not calls
    if not calls:
        calls, default_tools = shared_pairs(s.shared_data())
        if not calls:
            console.print("[red]--calls: no file given and no real-call files in the shared data folder[/red]")
            raise typer.Exit(2)
        tools = tools or default_tools
    for p in [*calls, *(tools or [])]:
        if not p.exists():
            console.print(f"[red]{p}: no such file[/red]")
            raise typer.Exit(2)
    try:
        select = selection(calls, split or ("heldout" if default_files else "all"), _stored_traces(s))
    except ValueError as e:
        console.print(f"[red]--{e}[/red]")
        raise typer.Exit(2) from None
    try:
        ref, backend = backend_for(model, s, seed=seed, max_tokens=max_tokens, batch_size=batch_size)
    except (ValueError, FileNotFoundError) as e:
        console.print(f"[red]--model: {e}[/red]")
        raise typer.Exit(2) from None
    kw = {"limit": limit, "batch_size": batch_size, "seed": seed, "lenient_types": lenient_types,
          "progress": not as_json, "select": select, "error_confidence": error_confidence, "error_evidence": error_evidence}
    if examples is not None and examples < 0:
        console.print(f"[red]--examples: must be >= 0 (got {examples})[/red]")
        raise typer.Exit(2)
    shots = None
    if ref.kind != "offline":  # the offline teacher reads no prompt
        from gtm_core.evaluation.real_split import shared_example_index

        shots = shared_example_index(s.model_copy(update={"real_examples_k": s.real_examples_k if examples is None else examples}),
                                     _stored_traces(s))
    report, rows = audit(calls, tools or [], backend, model=ref.to_dict(), examples=shots, **kw)
    report["split"] = split or ("heldout" if default_files else "all")
    reports = {ref.label: report}
    if offline and ref.kind != "offline":
        off = parse_model("offline", s)
        off_report, _ = audit(calls, tools or [], make_backend(off, s, seed=seed, max_tokens=max_tokens,
                                                              batch_size=batch_size), model=off.to_dict(), **kw)
        report["offline_teacher"] = {k: v for k, v in off_report.items() if k not in ("call_rejects",)}
        reports[off.label] = off_report
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows))
    if as_json:
        emit(report, True)
    else:
        _print_side_by_side(reports)
