"""``gtm domain cuda train|eval``: the CUDA Code Validator model (paper §5.4, Table 4)."""

from __future__ import annotations

import typer

from gtm_core.cli.app import app, console, emit

domain = typer.Typer(no_args_is_help=True, help="Domain-adapted GTMs (paper §5.4).")
cuda = typer.Typer(
    no_args_is_help=True, help="CUDA Code Validator: fine-tune from the registered GTM, Table 4."
)
domain.add_typer(cuda, name="cuda")
app.add_typer(domain, name="domain")


@cuda.command("train")
def cuda_train(
    init_from: list[str] = typer.Option(
        [],
        "--init-from",
        help="GTM ref(s) to continue, first that resolves "
        "(default models:/gtm@champion, then @candidate)",
    ),
    epochs: float | None = typer.Option(None),
    max_steps: int | None = typer.Option(None),
    learning_rate: float | None = typer.Option(None, "--lr"),
    batch_size: int | None = typer.Option(None),
    max_length: int | None = typer.Option(None),
    eval_steps: int | None = typer.Option(None),
    device: str | None = typer.Option(None, help="auto | cpu | cuda"),
    alias: str = typer.Option("candidate", help="alias of the new gtm-cuda-validator version"),
    fresh: bool = typer.Option(False, help="ignore checkpoints of an earlier interrupted run"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Fine-tune the registered GTM on exports/cuda (cuda_validator_dataset) and register it."""
    from gtm_core.domains.cuda_model import BaseModelMissing, train_domain_model
    from gtm_core.settings import get_settings

    try:
        out = train_domain_model(
            get_settings(),
            init_from=init_from or None,
            alias=alias,
            fresh=fresh,
            log=console.print,
            epochs=epochs,
            max_steps=max_steps,
            learning_rate=learning_rate,
            batch_size=batch_size,
            max_length=max_length,
            eval_steps=eval_steps,
            device=device,
        )
    except (BaseModelMissing, FileNotFoundError, ValueError) as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from e
    emit(out, as_json)


@cuda.command("eval")
def cuda_eval(
    model: str | None = typer.Option(
        None, help="domain model ref (default models:/gtm-cuda-validator@candidate)"
    ),
    base: list[str] = typer.Option(
        [], "--base", help="baseline GTM ref(s) (default @champion, then @candidate)"
    ),
    include_base: bool = typer.Option(True, "--base-row/--no-base", help="also score the base GTM"),
    limit: int | None = typer.Option(200, help="test records (seeded sample); 0 = all"),
    batch_size: int = typer.Option(8),
    runtime_tol_ms: float = typer.Option(1.0, help="runtime counts as right within this many ms"),
    device: str | None = typer.Option(None),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Paper Table 4 on the domain test split; stored in DuckDB cuda_validator_eval, logged to MLflow."""
    from gtm_core.domains.cuda_model import BaseModelMissing, evaluate
    from gtm_core.settings import get_settings

    try:
        res = evaluate(
            get_settings(),
            model_ref=model,
            base_ref=base or None,
            include_base=include_base,
            limit=limit or None,
            batch_size=batch_size,
            runtime_tol_ms=runtime_tol_ms,
            device=device,
            log=console.print,
        )
    except (BaseModelMissing, FileNotFoundError, ValueError) as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from e
    if as_json:
        emit({k: res[k] for k in ("n", "rows", "mlflow_run_id", "report")}, True)
    else:
        console.print(res["markdown"])
