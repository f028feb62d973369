"""The model registry on MLflow: tracking setup, logging a trained GTM (transformers flavour for
full models; adapter folder + base reference for LoRA), registered versions with aliases, and
resolving ``models:/gtm@champion`` / ``models:/gtm/3`` / ``runs:/...`` / a folder to a local path.

Aliases only (stages are deprecated): a new version gets ``@candidate``; ``promote`` moves
``@champion`` (the evaluation stage calls it after its checks pass).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from gtm_core.settings import Settings, get_settings

DEFAULT_MODEL_NAME = "gtm"
DEFAULT_EXPERIMENT = "gtm-training"
PIP_REQUIREMENTS = ["torch", "transformers", "peft", "tokenizers", "accelerate"]


def client(settings: Settings | None = None):
    """An ``MlflowClient`` on the settings' tracking URI (sqlite under the data folder); also sets
    the global tracking/registry URI so ``mlflow.*`` helpers use the same store."""
    import mlflow
    from mlflow import MlflowClient

    s = settings or get_settings()
    mlflow.set_tracking_uri(s.mlflow_tracking_uri)
    mlflow.set_registry_uri(s.mlflow_tracking_uri)
    return MlflowClient(tracking_uri=s.mlflow_tracking_uri, registry_uri=s.mlflow_tracking_uri)


def ensure_experiment(name: str = DEFAULT_EXPERIMENT, settings: Settings | None = None) -> str:
    """The experiment's id, created with its artifact location under
    settings.mlflow_artifact_root."""
    s = settings or get_settings()
    c = client(s)
    exp = c.get_experiment_by_name(name)
    if exp is not None:
        return exp.experiment_id
    loc = s.mlflow_artifact_root / name
    loc.mkdir(parents=True, exist_ok=True)
    return c.create_experiment(name, artifact_location=loc.as_uri())


def start_run(
    params: dict[str, Any],
    tags: dict[str, str],
    *,
    experiment: str = DEFAULT_EXPERIMENT,
    run_name: str | None = None,
    resume_run_id: str | None = None,
    settings: Settings | None = None,
) -> str:
    """Create (or reopen, after an interruption) a run with its params and tags; returns its id."""
    s = settings or get_settings()
    c = client(s)
    if resume_run_id:
        try:
            run = c.get_run(resume_run_id)
            c.update_run(resume_run_id, status="RUNNING")
            return run.info.run_id
        except Exception:  # the run is gone (new data folder): start a fresh one
            pass
    exp_id = ensure_experiment(experiment, s)
    run = c.create_run(exp_id, run_name=run_name, tags=tags)
    from mlflow.entities import Param

    c.log_batch(run.info.run_id, params=[Param(k, str(v)[:6000]) for k, v in params.items()])
    return run.info.run_id


def finish_run(
    run_id: str,
    metrics: dict[str, float],
    artifacts: list[Path] = (),
    status: str = "FINISHED",
    settings: Settings | None = None,
) -> None:
    import time

    from mlflow.entities import Metric

    c = client(settings)
    now = int(time.time() * 1000)
    step = int(metrics.get("global_step", 0))
    c.log_batch(run_id, metrics=[Metric(k, float(v), now, step) for k, v in metrics.items()])
    for a in artifacts:
        if a and Path(a).exists():
            c.log_artifact(run_id, str(a))
    c.set_terminated(run_id, status)


def log_run(
    experiment: str,
    run_name: str,
    *,
    metrics: dict[str, float],
    params: dict[str, Any],
    artifacts: list[str | Path] = (),
    summary: dict[str, Any] | None = None,
    settings: Settings | None = None,
) -> str:
    """One finished run of a non-training step (maps, reports) in the data folder's tracking store:
    params, metrics, artifact files and an optional ``summary.json``; returns its id."""
    s = settings or get_settings()
    run_id = start_run(params, {}, experiment=experiment, run_name=run_name, settings=s)
    if summary is not None:
        client(s).log_dict(run_id, summary, "summary.json")
    finish_run(
        run_id, {k: v for k, v in metrics.items() if v is not None}, list(artifacts), settings=s
    )
    return run_id


def log_to_run(
    run_id: str,
    metrics: dict[str, float | None],
    files: list[str | Path] = (),
    artifact_path: str | None = None,
    settings: Settings | None = None,
) -> None:
    """Add metrics (``None`` values skipped) and artifact files to an existing run (e.g. the
    evaluation figures of the training run that made the model)."""
    import time

    from mlflow.entities import Metric

    c = client(settings)
    now = int(time.time() * 1000)
    c.log_batch(
        run_id, metrics=[Metric(k, float(v), now, 0) for k, v in metrics.items() if v is not None]
    )
    for f in files:
        c.log_artifact(run_id, str(f), artifact_path=artifact_path)


def run_metrics(
    required: list[str],
    experiment: str = DEFAULT_EXPERIMENT,
    settings: Settings | None = None,
) -> list[dict[str, float]]:
    """The latest metrics of every run of ``experiment`` that logged all of ``required`` (oldest
    run first); empty when the experiment does not exist."""
    c = client(settings)
    exp = c.get_experiment_by_name(experiment)
    if exp is None:
        return []
    runs = c.search_runs(
        [exp.experiment_id],
        filter_string=" and ".join(f"metrics.{m} >= 0" for m in required),
        order_by=["attributes.start_time ASC"],
        max_results=10_000,
    )
    return [dict(r.data.metrics) for r in runs]


def run_link(run_id: str, settings: Settings | None = None) -> str:
    """A link to the run in the MLflow UI (``mlflow ui --backend-store-uri <tracking uri>``)."""
    c = client(settings)
    run = c.get_run(run_id)
    return f"http://127.0.0.1:5000/#/experiments/{run.info.experiment_id}/runs/{run_id}"


def log_model(run_id: str, model_dir: Path, settings: Settings | None = None) -> dict[str, str]:
    """Log a trained model folder to ``run_id``; returns {model_uri, kind, base_model}.

    Full models use the MLflow transformers flavour (``text-generation``, a logged model
    ``models:/m-...``); LoRA adapters are logged as their folder (adapter weights, tokenizer and
    ``gtm_model.json`` naming the base model) under ``runs:/<run>/adapter``."""
    import mlflow

    from gtm_core.llm.loading import base_of, is_adapter

    s = settings or get_settings()
    c = client(s)
    model_dir = Path(model_dir)
    if is_adapter(model_dir):
        c.log_artifacts(run_id, str(model_dir), artifact_path="adapter/model")
        return {
            "model_uri": f"runs:/{run_id}/adapter",
            "kind": "lora-adapter",
            "base_model": base_of(model_dir) or "",
        }
    with mlflow.start_run(run_id=run_id):
        info = mlflow.transformers.log_model(
            transformers_model=str(model_dir),
            name="model",
            task="text-generation",
            pip_requirements=PIP_REQUIREMENTS,
        )
    c.update_run(run_id, status="RUNNING")  # start_run(run_id) ended it; the caller finishes it
    return {"model_uri": info.model_uri, "kind": "transformers", "base_model": ""}


def register(
    model_uri: str,
    run_id: str | None,
    *,
    name: str = DEFAULT_MODEL_NAME,
    alias: str | None = "candidate",
    tags: dict[str, str] | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Register ``model_uri`` (from ``log_model``) as a new version of ``name`` and point ``alias``
    (default ``@candidate``) at it. Returns {name, version, uri, alias, run_id, source}."""
    c = client(settings)
    try:
        c.get_registered_model(name)
    except Exception:
        c.create_registered_model(name, description="Generalist Tool Model (tool-output simulator)")
    vtags = {k: str(v) for k, v in (tags or {}).items()}
    vtags["model_uri"] = model_uri
    for mv in c.search_model_versions(f"name='{name}'"):  # idempotent: one version per logged model
        if (mv.tags or {}).get("model_uri") == model_uri:
            if alias:
                c.set_registered_model_alias(name, alias, mv.version)
            return {
                "name": name,
                "version": str(mv.version),
                "uri": f"models:/{name}/{mv.version}",
                "alias": alias,
                "run_id": mv.run_id,
                "source": mv.source,
                "existing": True,
            }
    if model_uri.startswith("models:/"):
        import mlflow

        mv = mlflow.register_model(model_uri, name, tags=vtags)
    else:
        rid, _, sub = model_uri[len("runs:/") :].partition("/")
        source = f"{c.get_run(rid).info.artifact_uri}/{sub}"
        mv = c.create_model_version(name, source=source, run_id=run_id, tags=vtags)
    if alias:
        c.set_registered_model_alias(name, alias, mv.version)
    return {
        "name": name,
        "version": str(mv.version),
        "uri": f"models:/{name}/{mv.version}",
        "alias": alias,
        "run_id": run_id,
        "source": mv.source,
        "existing": False,
    }


def promote(
    name: str, version: str | int, alias: str = "champion", settings: Settings | None = None
) -> dict:
    """Point ``alias`` (default ``@champion``) at ``version`` of ``name``."""
    c = client(settings)
    mv = c.get_model_version(name, str(version))  # raises when the version does not exist
    c.set_registered_model_alias(name, alias, mv.version)
    return {"name": name, "version": str(mv.version), "alias": alias}


def _version_row(mv, aliases: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "name": mv.name,
        "version": str(mv.version),
        "aliases": aliases.get(str(mv.version), []),
        "run_id": mv.run_id,
        "source": mv.source,
        "status": mv.status,
        "created": mv.creation_timestamp,
        "tags": dict(mv.tags or {}),
    }


def list_models(name: str | None = None, settings: Settings | None = None) -> list[dict[str, Any]]:
    """Every registered version (of ``name`` or of all models), newest first, with its aliases."""
    c = client(settings)
    rows: list[dict[str, Any]] = []
    models = [c.get_registered_model(name)] if name else c.search_registered_models()
    for rm in models:
        aliases: dict[str, list[str]] = {}
        for a, v in (rm.aliases or {}).items():
            aliases.setdefault(str(v), []).append(a)
        for mv in c.search_model_versions(f"name='{rm.name}'"):
            rows.append(_version_row(mv, aliases))
    rows.sort(key=lambda r: (r["name"], -int(r["version"])))
    return rows


def show(ref: str, settings: Settings | None = None) -> dict[str, Any]:
    """One version by ``name@alias``, ``name/version``, or
    ``models:/...``; with its run's metrics."""
    c = client(settings)
    name, version = _parse_models_uri(ref, c)
    mv = c.get_model_version(name, version)
    rm = c.get_registered_model(name)
    aliases: dict[str, list[str]] = {}
    for a, v in (rm.aliases or {}).items():
        aliases.setdefault(str(v), []).append(a)
    row = _version_row(mv, aliases)
    if mv.run_id:
        run = c.get_run(mv.run_id)
        row["metrics"] = dict(run.data.metrics)
        row["params"] = dict(run.data.params)
        row["run_tags"] = {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}
    return row


def _parse_models_uri(ref: str, c) -> tuple[str, str]:
    body = ref[len("models:/") :] if ref.startswith("models:/") else ref
    if "@" in body:
        name, alias = body.split("@", 1)
        return name, str(c.get_model_version_by_alias(name, alias).version)
    if "/" in body:
        name, version = body.rsplit("/", 1)
        if version == "latest":
            vs = c.search_model_versions(f"name='{name}'")
            if not vs:
                raise ValueError(f"model ref {ref!r}: field 'version': {name!r} has no versions")
            return name, str(max(int(v.version) for v in vs))
        return name, version
    raise ValueError(f"model ref {ref!r}: expected name@alias, name/version or models:/...")


def _find_model_folder(root: Path) -> Path:
    """The folder inside a downloaded artifact that holds the HF model (config or adapter)."""
    for cand in [
        root / "model",
        root,
        *sorted(p.parent for p in root.rglob("config.json")),
        *sorted(p.parent for p in root.rglob("adapter_config.json")),
    ]:
        if (cand / "config.json").exists() or (cand / "adapter_config.json").exists():
            return cand
    raise FileNotFoundError(f"no model (config.json / adapter_config.json) under {root}")


def resolve_model(ref: str | Path, settings: Settings | None = None) -> Path:
    """A local folder loadable by transformers (or peft) for ``ref``: a local folder, a model URI
    (``models:/gtm@champion``, ``models:/gtm/3``, ``models:/gtm/latest``, a logged model
    ``models:/m-<id>``) or ``runs:/<id>/<path>``.
    Local-file artifact stores are used in place; remote ones are downloaded once into
    ``settings.models_dir/cache``."""
    import mlflow

    s = settings or get_settings()
    p = Path(str(ref)).expanduser()
    if not str(ref).startswith(("models:/", "runs:/")) and p.exists():
        return _find_model_folder(p.resolve())
    c = client(s)
    body = str(ref)[len("models:/") :] if str(ref).startswith("models:/") else ""
    if str(ref).startswith("runs:/"):
        uri, key = str(ref), str(ref)[len("runs:/") :].replace("/", "_")
    elif body.startswith("m-") and "/" not in body and "@" not in body:  # a logged model id
        uri, key = c.get_logged_model(body).artifact_location, body
    else:
        name, version = _parse_models_uri(str(ref), c)
        uri, key = c.get_model_version_download_uri(name, version), f"{name}_v{version}"
    if uri.startswith("file://") or uri.startswith("/"):
        from urllib.parse import unquote, urlparse

        local = Path(unquote(urlparse(uri).path)) if uri.startswith("file://") else Path(uri)
        if local.exists():
            return _find_model_folder(local)
    cache = s.models_dir / "cache" / key
    if not cache.exists():
        tmp = cache.with_suffix(".part")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        mlflow.artifacts.download_artifacts(
            artifact_uri=uri, dst_path=str(tmp), tracking_uri=s.mlflow_tracking_uri
        )
        tmp.rename(cache)
    return _find_model_folder(cache)


def model_info(path: Path) -> dict[str, Any]:
    """The ``gtm_model.json`` of a resolved folder (preset, base model, dataset hash, metrics)."""
    f = Path(path) / "gtm_model.json"
    return json.loads(f.read_text()) if f.exists() else {}
