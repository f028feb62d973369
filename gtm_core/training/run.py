"""One training run end to end: the run folder (resumable), the MLflow run (params, dataset hash,
Dagster run id, metric curves, loss plot, the model), and optionally the registered version."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gtm_core.settings import Settings
from gtm_core.training.data import dataset_hash, sft_dir
from gtm_core.training.presets import TrainConfig

RUN_ID_FILE = "mlflow_run_id"


def run_training(
    cfg: TrainConfig,
    settings: Settings,
    *,
    sft_folder: Path | None = None,
    model_name: str = "gtm",
    register: bool = True,
    alias: str = "candidate",
    dagster_run_id: str | None = None,
    fresh: bool = False,
    callbacks: list | None = None,
    progress: bool = True,
    log: Callable[[str], None] = print,
    extra_tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Train ``cfg`` on the SFT export, log everything to MLflow and (if ``register``) register
    a new version of ``model_name`` with ``@alias``. Returns a JSON-able summary.

    ``cfg.init_from`` may be a registry ref (``models:/gtm@champion``): it is resolved to its
    folder here (the run folder then follows the resolved version) and kept as tag ``init_from``."""
    from gtm_core import model_registry as registry
    from gtm_core.training.train import run_dir_for, train

    init_ref = cfg.init_from
    if init_ref:
        cfg = cfg.model_copy(
            update={"init_from": str(registry.resolve_model(init_ref, settings=settings))}
        )

    sft = Path(sft_folder) if sft_folder else sft_dir(settings.exports_dir)
    if not (sft / "train.jsonl").exists():
        raise FileNotFoundError(f"no SFT export at {sft} (materialize the sft_dataset asset first)")
    data_hash = dataset_hash(sft)
    run_dir = run_dir_for(settings.models_dir, cfg, data_hash)
    if fresh and run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    id_file = run_dir / RUN_ID_FILE
    tags = {
        "dataset_hash": data_hash,
        "preset": cfg.preset,
        "method": cfg.method,
        "dagster_run_id": dagster_run_id or "",
        "sft_folder": str(sft),
        **(extra_tags or {}),
    }
    if init_ref:
        tags["init_from"] = str(init_ref)
    params = {**cfg.to_dict(), "dataset_hash": data_hash, "dagster_run_id": dagster_run_id or ""}
    run_id = registry.start_run(
        params,
        tags,
        run_name=f"{cfg.preset}-{data_hash[:8]}",
        resume_run_id=id_file.read_text().strip() if id_file.exists() else None,
        settings=settings,
    )
    id_file.write_text(run_id)
    client = registry.client(settings)
    try:
        res = train(
            cfg,
            sft,
            run_dir,
            mlflow_client=client,
            mlflow_run_id=run_id,
            callbacks=callbacks,
            progress=progress,
            log=log,
        )
        logged = registry.log_model(run_id, res.model_dir, settings=settings)
    except BaseException:
        client.set_terminated(run_id, "FAILED")  # re-opened as RUNNING when the run resumes
        raise
    plot = None
    if res.loss_plot:
        settings.plots_dir.mkdir(parents=True, exist_ok=True)
        plot = settings.plots_dir / (
            "gtm_model_loss.png" if model_name == "gtm" else f"{model_name}_loss.png"
        )
        shutil.copyfile(res.loss_plot, plot)
    registry.finish_run(
        run_id,
        {
            **res.metrics,
            "train_examples": res.train_examples,
            "eval_examples": res.eval_examples,
            "skipped_too_long": res.skipped_too_long,
        },
        artifacts=[res.loss_plot, res.model_dir / "gtm_model.json"],
        settings=settings,
    )
    out: dict[str, Any] = {
        "preset": cfg.preset,
        "method": cfg.method,
        "base_model": cfg.base_model,
        "init_from": init_ref,
        "model_dir": str(res.model_dir),
        "run_dir": str(res.run_dir),
        "metrics": res.metrics,
        "tokens_per_s": res.tokens_per_s,
        "train_examples": res.train_examples,
        "eval_examples": res.eval_examples,
        "skipped_too_long": res.skipped_too_long,
        "global_step": res.global_step,
        "resumed_from": res.resumed_from,
        "dataset_hash": data_hash,
        "loss_plot": str(plot) if plot else None,
        "mlflow_run_id": run_id,
        "mlflow_run_link": registry.run_link(run_id, settings),
        "model_uri": logged["model_uri"],
        "model_kind": logged["kind"],
    }
    if register:
        out["registered"] = registry.register(
            logged["model_uri"],
            run_id,
            name=model_name,
            alias=alias,
            settings=settings,
            tags={
                "dataset_hash": data_hash,
                "preset": cfg.preset,
                "kind": logged["kind"],
                "base_model": logged["base_model"],
                "dagster_run_id": dagster_run_id or "",
                **({"init_from": str(init_ref)} if init_ref else {}),
                **(extra_tags or {}),
            },
        )
    return out
