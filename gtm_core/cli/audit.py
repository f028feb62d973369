"""``gtm audit``: sim-to-real audit of the simulator (and the offline teacher) on real tool
calls."""

from __future__ import annotations

from pathlib import Path

import typer

from gtm_core.cli.app import app, console, emit
from gtm_core.simulator.config import ERROR_CONFIDENCE
from gtm_core.simulator.rules import RULE_NAMES


def _stored_traces(settings):
    """The ``real_traces`` table of the data folder, if one was materialized."""
    from gtm_core.storage import Store

    if not settings.duckdb_path.exists():
        return None
    store = Store(settings.duckdb_path)
    return store.read("real_traces") if store.exists("real_traces") else None


def _print_side_by_side(reports: dict) -> None:
    """Per file and overall, one row per scored system (in the order given); fits 80 columns."""
    from rich import box
    from rich.table import Table

    from gtm_core.evaluation.real_traces import FIDELITY, side_by_side

    t = Table(title="sim-to-real agreement", box=box.SIMPLE_HEAD, padding=(0, 1))
    t.add_column("part / system", no_wrap=True, max_width=24)
    for name in ("calls", "error", "schema", "value", "text F1", "no ans."):
        t.add_column(name, justify="right", no_wrap=True)
    for row in side_by_side(reports):
        part = (
            row["part"]
            .removesuffix(".jsonl")
            .removesuffix("_calls")
            .removesuffix("_real_outputs")
            .removesuffix("_real")
        )
        t.add_row(f"[bold]{part}[/bold]", str(row["n_calls"]), *[""] * len(FIDELITY))
        for i, label in enumerate(reports):
            vals = [row[f"{label} {m}"] for m in FIDELITY]
            t.add_row(
                f"  {label[:22]}",
                "",
                *("n/m" if v is None else f"{v:.3f}" for v in vals),
                end_section=i == len(reports) - 1,
            )
    console.print(t)


@app.command("audit")
def audit_cmd(
    tools: list[Path] = typer.Option(
        None,
        "--tools",
        help="tool spec JSONL (repeatable); default: the spec files of the shared real-call files",
    ),
    calls: list[Path] = typer.Option(
        None,
        "--calls",
        help=(
            "real calls JSONL (repeatable); default: the visible real-call files in ../shared/data"
        ),
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        help=(
            "models:/gtm@champion | folder | offline | openai:<model>@<base_url>; default: "
            "@champion, else @candidate, else the offline teacher"
        ),
    ),
    split: str | None = typer.Option(
        None,
        "--split",
        help=(
            "heldout | unseen_source | train | all calls of the real-trace split (heldout: "
            "held-out calls of the trained sources; unseen_source: the source held out whole); "
            "default: heldout for the shared files, all for --calls"
        ),
    ),
    holdout_source: str | None = typer.Option(
        None,
        "--holdout-source",
        help=(
            "audit every call of one visible source (api_bank | toolbench | livemcpbench | "
            "bfcl): no record of it is shown or used as evidence"
        ),
    ),
    baselines: bool = typer.Option(
        True,
        "--baselines/--no-baselines",
        help=(
            "also score rules-only, record copy and the offline teacher on the same calls (side "
            "by side)"
        ),
    ),
    without: list[str] = typer.Option(
        None, "--without", help="switch an engine rule off (repeatable): " + ", ".join(RULE_NAMES)
    ),
    limit: int | None = typer.Option(
        None, help="replay at most this many calls (episodes in step order)"
    ),
    batch_size: int = typer.Option(32, help="calls per model batch"),
    max_tokens: int = typer.Option(512, help="max new tokens per simulated output"),
    seed: int = typer.Option(0),
    lenient_types: bool = typer.Option(
        True,
        "--lenient-types/--strict-types",
        help=(
            'gate reads parameters as coercing tools do ("3" for an integer, JSON text for a '
            "list); --strict-types: strict JSON types"
        ),
    ),
    error_confidence: float = typer.Option(
        ERROR_CONFIDENCE,
        "--error-confidence",
        min=0.0,
        max=1.0,
        help=(
            "a model-written error stands only above this opening-token probability (0: no "
            "threshold; --any-error too: greedy as is)"
        ),
    ),
    error_evidence: bool = typer.Option(
        True,
        "--error-evidence/--any-error",
        help=(
            "a model-written error stands only where the prompt gives it grounds (the tool seen "
            "failing, an earlier state-changing call); --any-error: wherever its probability "
            "reaches --error-confidence"
        ),
    ),
    examples: int | None = typer.Option(
        None,
        "--examples",
        help=(
            "recorded real calls (train part of the split) shown per call; 0: none; default: "
            "settings real_examples_k"
        ),
    ),
    out: Path | None = typer.Option(
        None, help="also write one row per replayed call of the model (JSONL)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Replay real tool calls through the simulator and, on the same calls, rules-only (the engine
    with the offline teacher), record copy and the bare teacher: error, output-schema, scalar-value
    agreement, text F1 and no-answer rate per file and overall (per tool and by statefulness in
    --json)."""
    import json

    from gtm_core.evaluation.baselines import audit_systems
    from gtm_core.evaluation.real_split import selection, split_config
    from gtm_core.evaluation.real_traces import REAL_CALL_FILES, shared_pairs, source_file
    from gtm_core.settings import get_settings
    from gtm_core.simulator.models import backend_for
    from gtm_core.simulator.rules import check_rules

    s = get_settings()

    def fail(msg: str) -> None:
        console.print(f"[red]{msg}[/red]")
        raise typer.Exit(2)

    try:
        off = check_rules(without or ())
    except ValueError as e:
        fail(f"--{e}")
    if examples is not None and examples < 0:
        fail(f"--examples: must be >= 0 (got {examples})")
    held_file = None
    if holdout_source is not None:
        try:
            held_file = source_file(holdout_source)
        except ValueError as e:
            fail(f"--holdout-{e}")
        if calls:
            fail(
                "--holdout-source: audits a visible source of the shared data folder; not with "
                "--calls"
            )
    default_files = not calls
    if not calls:
        calls, default_tools = shared_pairs(s.shared_data(), [held_file] if held_file else None)
        if not calls:
            fail("--calls: no file given and no real-call files in the shared data folder")
        tools = tools or default_tools
    for p in [*calls, *(tools or [])]:
        if not p.exists():
            fail(f"{p}: no such file")
    part = "all" if held_file else (split or ("heldout" if default_files else "all"))
    traces = _stored_traces(s)
    try:
        select = selection(calls, part, traces, split_config(s))
    except ValueError as e:
        fail(f"--{e}")
    try:
        ref, backend = backend_for(
            model, s, seed=seed, max_tokens=max_tokens, batch_size=batch_size
        )
    except (ValueError, FileNotFoundError) as e:
        fail(f"--model: {e}")
    kw = {
        "limit": limit,
        "batch_size": batch_size,
        "progress": not as_json,
        "select": select,
        "error_confidence": error_confidence,
        "error_evidence": error_evidence,
    }
    shots = None
    k = s.real_examples_k if examples is None else examples
    if ref.kind != "offline" or baselines:  # records: shown to the model, evidence for the rules
        from gtm_core.evaluation.real_split import shared_example_index

        shots = shared_example_index(
            s.model_copy(update={"real_examples_k": k or 1}),
            traces,
            exclude=[held_file] if held_file else (),
        )
        if shots is not None and not k:
            shots.k = 0  # evidence for the rules and record copy, no example in the prompt
    if baselines:
        runs = audit_systems(
            calls,
            tools or [],
            ref,
            backend,
            shots,
            seed=seed,
            lenient_types=lenient_types,
            without=off,
            **kw,
        )
    else:
        from gtm_core.evaluation.real_traces import audit

        runs = {
            ref.label: audit(
                calls,
                tools or [],
                backend,
                model=ref.to_dict(),
                seed=seed,
                lenient_types=lenient_types,
                examples=shots if ref.kind != "offline" else None,
                without=off,
                **kw,
            )
        }
    label = next(iter(runs))
    report, rows = runs[label]
    report["split"] = f"source:{held_file}" if held_file else part
    if (
        held_file
        and traces is not None
        and held_file in set(traces["file"])
        and not (traces.loc[traces["file"] == held_file, "reason"] == "unseen_source").all()
    ):
        report["note"] = (
            f"{held_file} is not the unseen source of the stored split: a model of this data "
            "folder may have trained on it"
        )
    report["baselines"] = {
        lab: {k2: v for k2, v in r.items() if k2 not in ("call_rejects", "per_tool")}
        for lab, (r, _) in list(runs.items())[1:]
    }
    if "offline-teacher" in runs and label != "offline-teacher":
        report["offline_teacher"] = report["baselines"]["offline-teacher"]
    report["sources"] = sorted(f for f in REAL_CALL_FILES if any(p.name == f for p in calls))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows))
    if as_json:
        emit(report, True)
    else:
        _print_side_by_side({lab: r for lab, (r, _) in runs.items()})
        if report.get("note"):
            console.print(f"[yellow]{report['note']}[/yellow]")
