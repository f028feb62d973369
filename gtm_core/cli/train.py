"""``gtm train``: train a GTM preset on the SFT export, log it to MLflow and register @candidate."""

from __future__ import annotations

from pathlib import Path

import typer

from gtm_core.cli.app import app, console, emit


@app.command()
def train(
    preset: str = typer.Option(
        "smollm2-135m", help="smollm2-135m | tiny-cpu | qwen2.5-0.5b | qwen2.5-1.5b | qwen2.5-3b"
    ),
    method: str | None = typer.Option(None, help="scratch | lora | full (default: the preset's)"),
    base_model: str | None = typer.Option(None, help="hub id or local folder of the base model"),
    epochs: float | None = typer.Option(None),
    max_steps: int | None = typer.Option(None, help="stop after this many optimizer steps"),
    learning_rate: float | None = typer.Option(None, "--lr"),
    batch_size: int | None = typer.Option(None),
    grad_accum: int | None = typer.Option(None),
    max_length: int | None = typer.Option(None),
    packing: bool | None = typer.Option(None, "--packing/--no-packing"),
    bf16: bool | None = typer.Option(None, "--bf16/--no-bf16"),
    gradient_checkpointing: bool | None = typer.Option(
        None, "--gradient-checkpointing/--no-gradient-checkpointing"
    ),
    lora_r: int | None = typer.Option(None),
    eval_steps: int | None = typer.Option(None, help="evaluation and checkpoint interval (steps)"),
    max_train_examples: int | None = typer.Option(None),
    seed: int | None = typer.Option(None),
    sft_dir: Path | None = typer.Option(
        None, help="folder with train/val.jsonl (default: <data>/exports/sft)"
    ),
    model_name: str = typer.Option("gtm", help="registered model name"),
    register: bool = typer.Option(True, "--register/--no-register"),
    fresh: bool = typer.Option(False, help="ignore checkpoints of an earlier interrupted run"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Train (resuming an interrupted run of the same preset and data), log to MLflow, register."""
    from gtm_core.settings import get_settings
    from gtm_core.training.presets import get_preset
    from gtm_core.training.run import run_training

    try:
        cfg = get_preset(
            preset,
            method=method,
            base_model=base_model,
            epochs=epochs,
            max_steps=max_steps,
            learning_rate=learning_rate,
            batch_size=batch_size,
            grad_accum=grad_accum,
            max_length=max_length,
            packing=packing,
            bf16=bf16,
            gradient_checkpointing=gradient_checkpointing,
            lora_r=lora_r,
            eval_steps=eval_steps,
            max_train_examples=max_train_examples,
            seed=seed,
        )
    except ValueError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from e
    out = run_training(
        cfg,
        get_settings(),
        sft_folder=sft_dir,
        model_name=model_name,
        register=register,
        fresh=fresh,
        log=console.print,
    )
    emit(out, as_json)
