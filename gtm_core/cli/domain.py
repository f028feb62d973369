"""``gtm domain cuda train|eval``: the CUDA Code Validator model (paper §5.4, Table 4)."""

from __future__ import annotations

from typing import Any

import typer

from gtm_core.cli.app import app, console, emit
from gtm_core.cli.options import model_options, opt
from gtm_core.training.presets import DOMAIN_OVERRIDES, DomainRun, TrainConfig

# ``gtm domain cuda train``'s options: ``DomainRun`` (where from, alias, --fresh) and the
# ``TrainConfig`` fields a domain fine-tune may override (``DOMAIN_OVERRIDES``); --lr as in
# ``gtm train``
DOMAIN_CLI = {"learning_rate": opt("--lr")}

domain = typer.Typer(no_args_is_help=True, help="Domain-adapted GTMs (paper §5.4).")
cuda = typer.Typer(
    no_args_is_help=True, help="CUDA Code Validator: fine-tune from the registered GTM, Table 4."
)
domain.add_typer(cuda, name="cuda")
app.add_typer(domain, name="domain")


@cuda.command("train")
@model_options(DomainRun, param="run", cli={"init_from": opt("--init-from")})
@model_options(
    TrainConfig, param="overrides", overrides=True, only=DOMAIN_OVERRIDES, cli=DOMAIN_CLI
)
def cuda_train(
    run: DomainRun,
    overrides: dict[str, Any],
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Fine-tune the registered GTM on exports/cuda (cuda_validator_dataset) and register it."""
    from gtm_core.domains.cuda_model import BaseModelMissing, train_domain_model
    from gtm_core.settings import get_settings

    try:
        out = train_domain_model(
            get_settings(),
            init_from=run.init_from or None,
            alias=run.alias,
            fresh=run.fresh,
            log=console.print,
            **overrides,
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
    """Paper Table 4 on the domain test split; stored in DuckDB cuda_validator_eval, logged to
    MLflow."""
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
