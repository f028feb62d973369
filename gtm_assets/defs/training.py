"""Training stage (paper §4.3): ``gtm_model`` trains the GTM on the SFT export in a subprocess
(Dagster Pipes; pool ``gpu``), and ``registered_model`` registers it in MLflow with
``@candidate``."""

import sys

import dagster as dg
from pydantic import create_model

from gtm_assets.resources import GTMResource
from gtm_assets.versions import VERSIONS
from gtm_core.training.config_fields import config_fields
from gtm_core.training.presets import TrainConfig, TrainRun

TrainingConfig = create_model(
    "TrainingConfig",
    __base__=dg.Config,
    __module__=__name__,
    __doc__="Hyper-parameters of ``gtm_model`` (``TrainConfig``'s fields, each None = the preset's "
    "value; preset None = settings.train_preset) and the run switch ``fresh`` (``TrainRun``).",
    **config_fields(TrainConfig, overrides=True),
    **config_fields(TrainRun),
)


class RegisterConfig(dg.Config):
    model_name: str = "gtm"
    alias: str = "candidate"


@dg.asset(
    deps=[dg.AssetKey("sft_dataset")],
    pool="gpu",
    group_name="training",
    kinds={"pytorch", "mlflow"},
    code_version=VERSIONS["gtm_model"],
    description="The GTM trained on the SFT export (SmolLM2-135M LoRA by default, tiny-cpu from "
    "scratch, or a Qwen2.5 LoRA/full fine-tune), run in a subprocess via Dagster Pipes; logged to "
    "MLflow.",
)
def gtm_model(
    context: dg.AssetExecutionContext, config: TrainingConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from gtm_core.training.presets import get_preset

    conf = {
        "preset": gtm.settings.train_preset,
        **config.model_dump(exclude=set(TrainRun.model_fields), exclude_none=True),
    }
    get_preset(
        conf["preset"], **{k: v for k, v in conf.items() if k != "preset"}
    )  # fail fast: field + reason
    extras = {
        "config": conf,
        "data_dir": str(gtm.settings.root),
        "profile": gtm.profile,
        "fresh": config.fresh,
    }
    client = dg.PipesSubprocessClient(env={"PYTHONUNBUFFERED": "1"})
    return client.run(
        command=[sys.executable, "-m", "gtm_assets.pipes_workers", "train"],
        context=context,
        extras=extras,
    ).get_materialize_result()


@dg.asset_check(asset=gtm_model, description="The training loss fell (last logged < first logged).")
def gtm_model_loss_fell(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    ev = context.instance.get_latest_materialization_event(dg.AssetKey("gtm_model"))
    summary = ev.asset_materialization.metadata["summary"].value if ev else {}
    m = summary.get("metrics", {})
    first, last = m.get("first_loss"), m.get("final_loss")
    ok = first is not None and last is not None and last < first
    return dg.AssetCheckResult(
        passed=bool(ok), metadata={"first_loss": first or 0.0, "final_loss": last or 0.0}
    )


@dg.asset(
    deps=[gtm_model],
    group_name="training",
    kinds={"mlflow"},
    code_version=VERSIONS["registered_model"],
    description="The MLflow registered-model version of the latest gtm_model, aliased @candidate.",
)
def registered_model(
    context: dg.AssetExecutionContext, config: RegisterConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from gtm_core import model_registry as registry

    ev = context.instance.get_latest_materialization_event(dg.AssetKey("gtm_model"))
    if ev is None or ev.asset_materialization is None:
        raise dg.Failure("gtm_model has no materialization: materialize it first")
    md = ev.asset_materialization.metadata
    model_uri, run_id = md["model_uri"].value, md["mlflow_run_id"].value
    summary = md["summary"].value if "summary" in md else {}
    info = registry.register(
        model_uri,
        run_id,
        name=config.model_name,
        alias=config.alias,
        settings=gtm.settings,
        tags={
            "dataset_hash": summary.get("dataset_hash", ""),
            "preset": summary.get("preset", ""),
            "kind": summary.get("model_kind", ""),
            "base_model": summary.get("base_model") or "",
            "dagster_run_id": context.run.run_id,
        },
    )
    context.log.info(f"registered {info['uri']} as {config.model_name}@{config.alias}")
    return dg.MaterializeResult(
        metadata={
            "model_name": info["name"],
            "version": info["version"],
            "alias": info["alias"],
            "registry_uri": dg.MetadataValue.text(f"models:/{info['name']}@{info['alias']}"),
            "version_uri": dg.MetadataValue.text(info["uri"]),
            "source": dg.MetadataValue.text(info["source"]),
            "mlflow_run_id": run_id,
            "already_registered": bool(info.get("existing")),
        }
    )
