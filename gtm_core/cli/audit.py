"""``gtm audit``: sim-to-real audit of the simulator on real tool calls; ``gtm eval``: Table 1."""

from __future__ import annotations

from pathlib import Path

import typer

from gtm_core.cli.app import app, console, emit


def _model_backend(model: str | None, settings, seed: int, max_tokens: int, batch_size: int):
    from gtm_core.evaluation.runner import make_backend, parse_model

    ref = parse_model(model, settings)
    return ref, make_backend(ref, settings, seed=seed, max_tokens=max_tokens, batch_size=batch_size)


@app.command("audit")
def audit_cmd(
    tools: list[Path] = typer.Option(None, "--tools", help="tool spec JSONL (repeatable); default: the spec files of the shared real-call files"),
    calls: list[Path] = typer.Option(None, "--calls", help="real calls JSONL (repeatable); default: the visible real-call files in ../shared/data"),
    model: str | None = typer.Option(None, "--model", help="models:/gtm@champion | folder | offline | openai:<model>@<base_url>; default: @champion, else @candidate, else the offline teacher"),
    limit: int | None = typer.Option(None, help="replay at most this many calls (episodes in step order)"),
    batch_size: int = typer.Option(32, help="calls per model batch"),
    max_tokens: int = typer.Option(512, help="max new tokens per simulated output"),
    seed: int = typer.Option(0),
    lenient_types: bool = typer.Option(False, "--lenient-types", help="gate accepts numeric/boolean strings"),
    out: Path | None = typer.Option(None, help="also write one row per replayed call (JSONL)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Replay real tool calls through the simulator: error, output-schema and scalar-value agreement
    per tool, by stateful/stateless, overall."""
    import json

    from gtm_core.evaluation.real_traces import audit, shared_pairs
    from gtm_core.settings import get_settings

    s = get_settings()
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
        ref, backend = _model_backend(model, s, seed, max_tokens, batch_size)
    except (ValueError, FileNotFoundError) as e:
        console.print(f"[red]--model: {e}[/red]")
        raise typer.Exit(2) from None
    report, rows = audit(calls, tools or [], backend, model=ref.to_dict(), limit=limit, batch_size=batch_size,
                         seed=seed, lenient_types=lenient_types, progress=not as_json)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows))
    emit(report, as_json)


@app.command("eval")
def eval_cmd(
    model: str | None = typer.Option(None, "--model", help="as for gtm audit; default @champion/@candidate/offline"),
    splits: str = typer.Option("test,unseen", help="comma-separated dataset splits"),
    per_scenario: int | None = typer.Option(50, help="samples per split and scenario (None = all)"),
    batch_size: int = typer.Option(32),
    max_tokens: int = typer.Option(512),
    seed: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Paper Table 1 for one model on the CARG test/unseen splits (judge: GTM_JUDGE__*; without one
    the judged columns are n/m)."""
    from gtm_core.evaluation.runner import evaluate_model, load_eval_samples
    from gtm_core.evaluation.tables import markdown, metric_table, summary
    from gtm_core.llm import make_chat_model
    from gtm_core.settings import get_settings
    from gtm_core.storage import Store

    s = get_settings()
    try:
        samples, tools = load_eval_samples(Store(s.duckdb_path), tuple(splits.split(",")), per_scenario, seed)
        ref, backend = _model_backend(model, s, seed, max_tokens, batch_size)
    except (ValueError, FileNotFoundError) as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    judge = make_chat_model(s.judge) if s.judge else None
    res = evaluate_model(ref, samples, tools, backend=backend, judge=judge, settings=s, seed=seed,
                         batch_size=batch_size, progress=not as_json)
    long = metric_table(res)
    if as_json:
        emit({"model": ref.to_dict(), "n_samples": len(res), "metrics": summary(long)}, True)
    else:
        typer.echo(markdown(long))
