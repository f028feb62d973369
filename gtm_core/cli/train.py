"""``gtm train``: train a GTM preset on the SFT export, log it to MLflow and register @candidate.

Its hyper-parameter options are ``TrainConfig``'s fields and its run switch ``--fresh`` is
``TrainRun``'s (``gtm_core.cli.options``): unset options keep the preset's values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from gtm_core.cli.app import app, console, emit
from gtm_core.cli.options import model_options, opt
from gtm_core.training.presets import TrainConfig, TrainRun

# where ``gtm train`` spells a TrainConfig field its own way (the names the README and scripts use)
TRAIN_CLI = {"preset": opt(default="smollm2-135m"), "learning_rate": opt("--lr")}


@app.command()
@model_options(TrainRun, param="run")
@model_options(TrainConfig, param="overrides", overrides=True, cli=TRAIN_CLI)
def train(
    overrides: dict[str, Any],
    sft_dir: Path | None = typer.Option(
        None, help="folder with train/val.jsonl (default: <data>/exports/sft)"
    ),
    model_name: str = typer.Option("gtm", help="registered model name"),
    register: bool = typer.Option(True, "--register/--no-register"),
    run: TrainRun = TrainRun(),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Train (resuming an interrupted run of the same preset and data), log to MLflow, register."""
    from gtm_core.settings import get_settings
    from gtm_core.training.presets import get_preset
    from gtm_core.training.run import run_training

    try:
        cfg = get_preset(overrides.pop("preset"), **overrides)
    except ValueError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from e
    out = run_training(
        cfg,
        get_settings(),
        sft_folder=sft_dir,
        model_name=model_name,
        register=register,
        fresh=run.fresh,
        log=console.print,
    )
    emit(out, as_json)
