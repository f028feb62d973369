"""``gtm models list|show|resolve|promote``: the MLflow model registry."""

from __future__ import annotations

import typer

from gtm_core.cli.app import app, console, emit

models = typer.Typer(no_args_is_help=True, help="Registered GTM models (MLflow registry, aliases).")
app.add_typer(models, name="models")


@models.command("list")
def list_(
    name: str | None = typer.Option(None, help="only this registered model"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Every registered version (``name/version``) with its aliases, newest first."""
    from gtm_core import model_registry as registry

    rows = registry.list_models(name)
    if as_json:
        emit(rows, True)
        return
    from gtm_core.cli.app import table

    t = table("model", "aliases", "kind", "preset", "dataset")  # the run: `gtm models show`
    for r in rows:
        tags = r["tags"]
        t.add_row(
            f"{r['name']}/{r['version']}",
            ",".join(r["aliases"]),
            tags.get("kind", ""),
            tags.get("preset", ""),
            tags.get("dataset_hash", "")[:8],
        )
    console.print(t)


@models.command()
def show(
    ref: str = typer.Argument(..., help="gtm@champion | gtm/3 | models:/gtm@candidate"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One version: aliases, tags, source, and its training run's params and metrics."""
    from gtm_core import model_registry as registry

    emit(registry.show(ref), as_json)


@models.command()
def resolve(
    ref: str = typer.Argument(
        ..., help="models:/gtm@champion | models:/gtm/3 | runs:/... | folder"
    ),
) -> None:
    """Print the local folder of a model reference (downloaded if the store is remote)."""
    from gtm_core import model_registry as registry

    typer.echo(str(registry.resolve_model(ref)))


@models.command()
def promote(
    name: str = typer.Argument("gtm"),
    version: str = typer.Argument(...),
    alias: str = typer.Option("champion"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Point an alias (default @champion) at a version."""
    from gtm_core import model_registry as registry

    emit(registry.promote(name, version, alias), as_json)
