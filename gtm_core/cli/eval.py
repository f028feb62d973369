"""``gtm eval``: paper Table 1 for one model on the CARG test/unseen splits."""

from __future__ import annotations

import typer

from gtm_core.cli.app import app, console, emit


@app.command("eval")
def eval_cmd(
    model: str | None = typer.Option(
        None, "--model", help="as for gtm audit; default @champion/@candidate/offline"
    ),
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
    from gtm_core.simulator.models import backend_for
    from gtm_core.storage import Store

    s = get_settings()
    try:
        samples, tools = load_eval_samples(
            Store(s.duckdb_path), tuple(splits.split(",")), per_scenario, seed
        )
        ref, backend = backend_for(
            model, s, seed=seed, max_tokens=max_tokens, batch_size=batch_size
        )
    except (ValueError, FileNotFoundError) as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    judge = make_chat_model(s.judge) if s.judge else None
    res = evaluate_model(
        ref,
        samples,
        tools,
        backend=backend,
        judge=judge,
        settings=s,
        seed=seed,
        batch_size=batch_size,
        progress=not as_json,
    )
    long = metric_table(res)
    if as_json:
        emit({"model": ref.to_dict(), "n_samples": len(res), "metrics": summary(long)}, True)
    else:
        typer.echo(markdown(long))
