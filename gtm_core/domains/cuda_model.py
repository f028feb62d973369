"""The CUDA Code Validator model (paper §5.4, Table 4).

``train_domain_model`` continues the registered GTM (``models:/gtm@champion``, else ``@candidate``)
on the domain train split with the ``cuda-validator`` preset (the base model's own preset, few
epochs, lower learning rate; ``DOMAIN_PRESET``) through ``training.run.run_training`` and registers
``gtm-cuda-validator@candidate``. ``evaluate`` answers the test split through the simulator engine
(schema-constrained JSON of the ``validate_cuda_kernel`` response), parses the predictions and
scores them with ``table4_metrics`` for the domain model and the base GTM (baseline row); results go
to DuckDB (``cuda_validator_eval``, ``cuda_validator_predictions``) and an MLflow run.
The Dagster Pipes worker that runs it in its own process is ``gtm_assets.pipes_workers``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gtm_core.domains.cuda import (
    DOMAIN_PRESET,
    TOOL_NAME,
    VALIDATOR_SPEC,
    parse_prediction,
    split_of,
    table4_metrics,
)
from gtm_core.settings import Settings

EVAL_EXPERIMENT = "gtm-domain-eval"
EVAL_TABLE, PRED_TABLE = "cuda_validator_eval", "cuda_validator_predictions"


class BaseModelMissing(LookupError):
    """No registered GTM to start the domain model from."""


def domain_dir(settings: Settings) -> Path:
    return settings.exports_dir / "cuda"


def default_model_ref(alias: str = "candidate") -> str:
    return f"models:/{DOMAIN_PRESET['model_name']}@{alias}"


def resolve_base(settings: Settings, refs: Sequence[str] | str | None = None) -> tuple[str, Path]:
    """(ref, folder) of the first of ``refs`` (default ``@champion`` then ``@candidate`` of ``gtm``)
    that resolves; BaseModelMissing naming every ref and why otherwise."""
    from gtm_core import model_registry as registry

    refs = [refs] if isinstance(refs, str) else list(refs or DOMAIN_PRESET["init_from"])
    why = []
    for ref in refs:
        try:
            return ref, registry.resolve_model(ref, settings=settings)
        except Exception as e:  # noqa: BLE001 - MLflow raises its own exception types
            why.append(f"{ref}: {str(e).splitlines()[0][:160]}")
    raise BaseModelMissing(
        "init_from: no registered GTM to fine-tune from (" + "; ".join(why) + "); train and "
        "register one first (`gtm train` or materialize gtm_model + registered_model)"
    )


def domain_train_config(
    base_folder: Path, init_from: str, *, device: str | None = None, **overrides: Any
):
    """The ``cuda-validator`` TrainConfig: the base model's preset (its
    ``gtm_model.json``), continued from ``init_from`` (full weights, or the LoRA adapter
    trained further), ``DOMAIN_PRESET``'s epochs, ``lr_scale`` x the base learning rate and
    a context long enough for kernel sources."""
    import torch

    from gtm_core.llm.loading import base_of, is_adapter
    from gtm_core.model_registry import model_info
    from gtm_core.training.presets import TrainConfig, derive_preset

    base = dict(model_info(base_folder).get("config") or TrainConfig().to_dict())
    adapter = is_adapter(base_folder)
    dev = device or base.get("device") or "auto"
    if dev == "cuda" and not torch.cuda.is_available():
        dev = "cpu"  # a GPU preset continued on a CPU machine (slow, but honest)
    on_gpu = dev == "cuda" or (dev == "auto" and torch.cuda.is_available())
    p = DOMAIN_PRESET
    values: dict[str, Any] = {
        "method": "lora" if adapter else "full",
        "init_from": init_from,
        "base_model": base_of(base_folder) if adapter else base.get("base_model"),
        "epochs": p["epochs"],
        "max_steps": -1,
        "learning_rate": float(base.get("learning_rate") or 2e-4) * p["lr_scale"],
        "warmup_ratio": p["warmup_ratio"],
        "max_train_examples": p["max_train_examples"],
        "max_length": max(
            int(base.get("max_length") or 0), p["max_length"] if on_gpu else p["max_length_cpu"]
        ),
        "device": dev,
    }
    if not on_gpu:  # the embedded default stays a few minutes on 2 cores
        values.update(
            bf16=False, max_train_examples=p["max_train_examples_cpu"], epochs=p["epochs_cpu"]
        )
    values.update({k: v for k, v in overrides.items() if v is not None})
    return derive_preset(base, p["name"], **values)


def write_domain_sft(settings: Settings, val_fraction: float = 0.1, seed: int = 0) -> Path:
    """``exports/cuda/sft/{train,val}.jsonl`` (chat records only) from the domain train split, with
    a validation slice held out by problem (at least one problem when there are two or more)."""
    src = domain_dir(settings) / "train.jsonl"
    if not src.exists():
        raise FileNotFoundError(
            f"no domain train split at {src} (materialize cuda_validator_dataset first)"
        )
    recs = [json.loads(x) for x in src.read_text(encoding="utf-8").splitlines() if x.strip()]
    if not recs:
        raise ValueError(f"{src}: the domain train split is empty")
    keys = sorted({f"{r['level']}/{r['problem_id']}" for r in recs})
    val_keys = {k for k in keys if split_of(k, val_fraction, seed + 1) == "test"}
    if not val_keys and len(keys) > 1:
        val_keys = {keys[-1]}
    if len(val_keys) == len(keys):
        val_keys = set(keys[1:])
    out = domain_dir(settings) / "sft"
    out.mkdir(parents=True, exist_ok=True)
    for split, want in (("train", False), ("val", True)):
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for r in recs:
                if (f"{r['level']}/{r['problem_id']}" in val_keys) == want:
                    fh.write(json.dumps({"messages": r["messages"]}, ensure_ascii=False) + "\n")
    return out


def train_domain_model(
    settings: Settings,
    *,
    init_from: Sequence[str] | str | None = None,
    register: bool = True,
    alias: str = "candidate",
    dagster_run_id: str | None = None,
    fresh: bool = False,
    progress: bool = True,
    log: Callable[[str], None] = print,
    **overrides: Any,
) -> dict[str, Any]:
    """Fine-tune the registered GTM on the domain set and register ``gtm-cuda-validator@alias``."""
    from gtm_core.training.run import run_training

    ref, folder = resolve_base(settings, init_from)
    cfg = domain_train_config(folder, ref, **overrides)
    sft = write_domain_sft(settings, seed=cfg.seed)
    log(
        f"cuda-validator: continuing {ref} ({cfg.method}, lr {cfg.learning_rate:g}, "
        f"{cfg.epochs:g} epochs, max_length {cfg.max_length})"
    )
    out = run_training(
        cfg,
        settings,
        sft_folder=sft,
        model_name=DOMAIN_PRESET["model_name"],
        register=register,
        alias=alias,
        dagster_run_id=dagster_run_id,
        fresh=fresh,
        progress=progress,
        log=log,
        extra_tags={"domain": "cuda"},
    )
    out.update(
        base_version_dir=str(folder), learning_rate=cfg.learning_rate, max_length=cfg.max_length
    )
    return out


# ---- evaluation ---------------------------------------------------------------------------------
def load_test(settings: Settings, limit: int | None = None, seed: int = 0) -> list[dict]:
    """Test records (with ``arguments`` and labels); a seeded sample of ``limit`` when given."""
    path = domain_dir(settings) / "test.jsonl"
    if not path.exists():
        raise FileNotFoundError(
            f"no domain test split at {path} (materialize cuda_validator_dataset first)"
        )
    recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for i, r in enumerate(recs, 1):
        if not isinstance(r.get("arguments"), dict):
            raise ValueError(
                f"{path}:{i}: field 'arguments': missing (re-materialize cuda_validator_dataset)"
            )
    if limit is not None and 0 < limit < len(recs):
        recs = random.Random(seed).sample(recs, limit)
    return recs


def predict(
    model_ref: str | Path,
    records: Sequence[dict],
    settings: Settings,
    *,
    device: str | None = None,
    batch_size: int = 8,
    max_tokens: int = 96,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """The model's validator answers through the simulator engine (grammar of the response schema,
    no error payloads): one {prediction, source, output, attempts} per record."""
    import torch
    from tqdm.auto import tqdm

    from gtm_core import model_registry as registry
    from gtm_core.llm.loading import load_model
    from gtm_core.llm.precision import model_dtype
    from gtm_core.llm.transformers_chat import TransformersChat
    from gtm_core.simulator.backends import TransformersSimBackend
    from gtm_core.simulator.engine import SimCall, SimOptions, Simulator

    path = registry.resolve_model(model_ref, settings=settings)
    dev = device or ("cuda" if torch.cuda.is_available() else "cpu")
    model, tok = load_model(path, device=dev, dtype=model_dtype(dev))
    chat = TransformersChat(
        str(path),
        device=dev,
        max_tokens=max_tokens,
        batch_size=batch_size,
        model=model,
        tokenizer=tok,
    )
    sim = Simulator(
        [VALIDATOR_SPEC],
        TransformersSimBackend(path, chat=chat),
        max_retries=1,
        max_tokens=max_tokens,
    )
    opts = SimOptions(seed=0, use_cache=False, allow_errors=False)
    out: list[dict[str, Any]] = []
    for start in tqdm(
        range(0, len(records), batch_size), desc=f"predict {model_ref}", disable=not progress
    ):
        calls = [
            SimCall(TOOL_NAME, r["arguments"], options=opts)
            for r in records[start : start + batch_size]
        ]
        for res in sim.simulate_batch(calls):
            text = json.dumps(res.output)
            pred = parse_prediction(text) if res.source == "model" else None
            out.append(
                {"prediction": pred, "source": res.source, "output": text, "attempts": res.attempts}
            )
    return out


def _flat(label: str, ref: str, m: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"model": label, "ref": ref, "n": m["n"], "n_unparsed": m["n_unparsed"]}
    for k in ("compiled", "correct"):
        for f in ("accuracy", "precision", "recall", "f1"):
            row[f"{k}_{f}"] = m[k][f]
    rt = m["runtime"]
    row.update(
        {
            "runtime_n": rt["n"],
            "runtime_missing": rt["missing"],
            "runtime_accuracy": rt["accuracy"],
            "runtime_mean_abs_error_ms": rt["mean_abs_error_ms"],
            "runtime_median_abs_error_ms": rt["median_abs_error_ms"],
            "runtime_tol_ms": m["runtime_tol_ms"],
            "positive": m["positive"],
        }
    )
    return row


def compare_markdown(rows: Sequence[dict[str, Any]]) -> str:
    """Table 4 for several models (one row each)."""

    def pct(v: float) -> str:
        return f"{v:.2%}"

    def ms(v: float | None) -> str:
        return "–" if v is None else f"{v:.3f}"

    tol = rows[0]["runtime_tol_ms"] if rows else 1.0
    head = (
        "| model | n | compiled acc | P | R | F1 | correct acc | P | R | F1 | "
        f"runtime acc (≤{tol:g} ms) | mean err ms | median err ms |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['n']} | "
            + " | ".join(
                pct(r[f"{k}_{f}"])
                for k in ("compiled", "correct")
                for f in ("accuracy", "precision", "recall", "f1")
            )
            + f" | {pct(r['runtime_accuracy'])} | {ms(r['runtime_mean_abs_error_ms'])} | "
            f"{ms(r['runtime_median_abs_error_ms'])} |"
        )
    return "\n".join(lines)


def evaluate(
    settings: Settings,
    *,
    model_ref: str | None = None,
    base_ref: Sequence[str] | str | None = None,
    include_base: bool = True,
    limit: int | None = 200,
    seed: int = 0,
    batch_size: int = 8,
    device: str | None = None,
    runtime_tol_ms: float = 1.0,
    dagster_run_id: str | None = None,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Table 4 of the domain model (and the base GTM as baseline) on the test split; stored in
    DuckDB, logged to MLflow. Returns {rows, markdown, metrics, mlflow_run_id, n}."""
    import time

    import pandas as pd

    from gtm_core import model_registry as registry
    from gtm_core.storage import Store

    recs = load_test(settings, limit, seed)
    if not recs:
        raise ValueError(f"{domain_dir(settings) / 'test.jsonl'}: the domain test split is empty")
    truths = [
        {"compiled": r["compiled"], "correct": r["correct"], "runtime_ms": r["runtime_ms"]}
        for r in recs
    ]
    models = [(DOMAIN_PRESET["model_name"], model_ref or default_model_ref())]
    if include_base:
        models.append(("gtm (base)", resolve_base(settings, base_ref)[0]))
    rows, metrics, pred_rows = [], {}, []
    now = pd.Timestamp.now(tz="UTC").isoformat()
    for label, ref in models:
        t0 = time.perf_counter()
        preds = predict(
            ref, recs, settings, device=device, batch_size=batch_size, progress=progress
        )
        m = table4_metrics([p["prediction"] for p in preds], truths, runtime_tol_ms=runtime_tol_ms)
        metrics[label] = m
        row = _flat(label, ref, m)
        row.update(
            {
                "seconds": time.perf_counter() - t0,
                "evaluated_at": now,
                "dagster_run_id": dagster_run_id or "",
            }
        )
        rows.append(row)
        log(
            f"{label} ({ref}): compiled acc {m['compiled']['accuracy']:.2%}, correct acc "
            f"{m['correct']['accuracy']:.2%}, runtime acc {m['runtime']['accuracy']:.2%}"
        )
        for r, p in zip(recs, preds, strict=True):
            pr = p["prediction"] or {}
            pred_rows.append(
                {
                    "model": label,
                    "ref": ref,
                    "level": r["level"],
                    "problem_id": r["problem_id"],
                    "variant": r["variant"],
                    "gpu": r["gpu"],
                    "compiled": r["compiled"],
                    "correct": r["correct"],
                    "runtime_ms": r["runtime_ms"],
                    "pred_compiled": pr.get("compiled"),
                    "pred_correct": pr.get("correct"),
                    "pred_runtime_ms": pr.get("runtime_ms"),
                    "source": p["source"],
                    "output": p["output"],
                    "attempts": p["attempts"],
                }
            )
    md = compare_markdown(rows)
    store = Store(settings.duckdb_path)
    store.replace(EVAL_TABLE, pd.DataFrame(rows))
    store.replace(PRED_TABLE, pd.DataFrame(pred_rows))
    run_id = registry.start_run(
        {
            "model_ref": models[0][1],
            "base_ref": models[1][1] if include_base else "",
            "n": len(recs),
            "limit": limit,
            "seed": seed,
            "runtime_tol_ms": runtime_tol_ms,
        },
        {"domain": "cuda", "dagster_run_id": dagster_run_id or ""},
        experiment=EVAL_EXPERIMENT,
        run_name="cuda-validator-table4",
        settings=settings,
    )
    flat = {}
    for row in rows:
        key = "domain" if row["model"] == DOMAIN_PRESET["model_name"] else "base"
        flat.update(
            {
                f"{key}.{k}": float(v)
                for k, v in row.items()
                if isinstance(v, int | float) and not isinstance(v, bool) and k not in ("n",)
            }
        )
    art = settings.root / "reports"
    art.mkdir(parents=True, exist_ok=True)
    md_path = art / "cuda_validator_table4.md"
    md_path.write_text(md + "\n", encoding="utf-8")
    registry.finish_run(run_id, flat, artifacts=[md_path], settings=settings)
    return {
        "rows": rows,
        "markdown": md,
        "metrics": metrics,
        "mlflow_run_id": run_id,
        "n": len(recs),
        "report": str(md_path),
    }
