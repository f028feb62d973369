"""Dagster Pipes workers: training runs in its own process so CUDA and the orchestrator never share
one. ``python -m gtm_assets.pipes_workers train`` (the ``gtm_model`` asset) or
``... cuda`` (the ``cuda_validator_model`` asset). Imports only ``dagster_pipes`` (the light
protocol package), not dagster.
"""

from __future__ import annotations

import json
import os
import sys


def summary_metadata(out: dict) -> dict:
    """Pipes materialization metadata (raw_value/type form) of a ``run_training`` summary."""
    m = out["metrics"]
    md = {
        "final_loss": {"raw_value": m.get("final_loss", m["train_loss"]), "type": "float"},
        "train_loss": {"raw_value": m["train_loss"], "type": "float"},
        "eval_loss": {"raw_value": m.get("eval_loss"), "type": "float"}
        if "eval_loss" in m
        else None,
        "eval_token_accuracy": {"raw_value": m.get("eval_token_accuracy"), "type": "float"}
        if "eval_token_accuracy" in m
        else None,
        "tokens_per_s": {"raw_value": round(out["tokens_per_s"], 1), "type": "float"},
        "global_step": {"raw_value": out["global_step"], "type": "int"},
        "train_examples": {"raw_value": out["train_examples"], "type": "int"},
        "skipped_too_long": {"raw_value": out["skipped_too_long"], "type": "int"},
        "dataset_hash": {"raw_value": out["dataset_hash"], "type": "text"},
        "mlflow_run_id": {"raw_value": out["mlflow_run_id"], "type": "text"},
        "mlflow_run_link": {"raw_value": out["mlflow_run_link"], "type": "url"},
        "model_uri": {"raw_value": out["model_uri"], "type": "text"},
        "model_kind": {"raw_value": out["model_kind"], "type": "text"},
        "model_dir": {"raw_value": out["model_dir"], "type": "path"},
        "resumed_from": {"raw_value": out["resumed_from"] or "", "type": "text"},
        "train_pid": {"raw_value": os.getpid(), "type": "int"},
        "summary": {"raw_value": json.loads(json.dumps(out, default=str)), "type": "json"},
    }
    if out.get("loss_plot"):
        md["loss_plot"] = {"raw_value": out["loss_plot"], "type": "path"}
        md["loss_curve"] = {"raw_value": f"![loss]({out['loss_plot']})", "type": "md"}
    return {k: v for k, v in md.items() if v is not None}


def train_main() -> None:
    """Pipes entry of ``gtm_model``: extras ``config`` (TrainConfig fields incl. ``preset``),
    ``data_dir``, ``profile``, ``fresh``; reports one materialization."""
    from dagster_pipes import open_dagster_pipes

    with open_dagster_pipes() as pipes:
        extras = pipes.extras
        conf = dict(extras.get("config") or {})
        threads = int(conf.get("torch_threads") or 2)
        for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(k, str(threads))
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

        from gtm_core.settings import get_settings
        from gtm_core.training.presets import get_preset
        from gtm_core.training.run import run_training

        overrides = {"data_dir": extras["data_dir"]} if extras.get("data_dir") else {}
        settings = get_settings(profile=extras.get("profile") or None, **overrides)
        cfg = get_preset(conf.pop("preset", "smollm2-135m"), **conf)
        pipes.log.info(f"training preset {cfg.preset} ({cfg.method}) in pid {os.getpid()}")
        out = run_training(
            cfg,
            settings,
            register=False,
            dagster_run_id=pipes.run_id,
            fresh=bool(extras.get("fresh")),
            progress=True,
            log=pipes.log.info,
        )
        pipes.report_asset_materialization(metadata=summary_metadata(out))


def cuda_main() -> None:
    """Pipes entry of the ``cuda_validator_model`` asset: extras ``config`` (TrainConfig overrides
    + ``init_from`` refs), ``data_dir``, ``profile``, ``fresh``, ``alias``."""
    from dagster_pipes import open_dagster_pipes

    with open_dagster_pipes() as pipes:
        extras = pipes.extras
        conf = dict(extras.get("config") or {})
        for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(k, str(int(conf.get("torch_threads") or 2)))
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

        from gtm_core.domains.cuda_model import train_domain_model
        from gtm_core.settings import get_settings

        overrides = {"data_dir": extras["data_dir"]} if extras.get("data_dir") else {}
        settings = get_settings(profile=extras.get("profile") or None, **overrides)
        out = train_domain_model(
            settings,
            init_from=conf.pop("init_from", None) or None,
            alias=extras.get("alias") or "candidate",
            dagster_run_id=pipes.run_id,
            fresh=bool(extras.get("fresh")),
            log=pipes.log.info,
            **conf,
        )
        md = summary_metadata(out)
        reg = out.get("registered") or {}
        md.update(
            {
                "registered_version": {"raw_value": reg.get("uri", ""), "type": "text"},
                "registry_uri": {
                    "raw_value": f"models:/{reg.get('name')}@{reg.get('alias')}",
                    "type": "text",
                },
                "init_from": {"raw_value": out.get("init_from") or "", "type": "text"},
                "learning_rate": {"raw_value": out["learning_rate"], "type": "float"},
                "max_length": {"raw_value": out["max_length"], "type": "int"},
            }
        )
        pipes.report_asset_materialization(metadata=md)


WORKERS = {"train": train_main, "cuda": cuda_main}

if __name__ == "__main__":
    WORKERS[sys.argv[1] if len(sys.argv) > 1 else "train"]()
