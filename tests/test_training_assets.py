"""The training assets materialize on the embedded default: gtm_model trains in a Pipes subprocess
(pool ``gpu``), its loss check passes, and registered_model registers @candidate in MLflow."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from gtm_assets.defs.training import (
    TrainingConfig,
    gtm_model,
    gtm_model_loss_fell,
    registered_model,
)
from gtm_assets.resources import GTMResource
from gtm_core.settings import get_settings
from gtm_core.training.sample_data import real_or_hand_written_specs, write_sft

SHARED = get_settings().shared_data() or Path("../shared/data").resolve()
REPO = Path(__file__).resolve().parents[1]


def test_dagster_yaml_limits_pools_to_one(tmp_path, monkeypatch):
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    instance = dg.DagsterInstance.get()
    try:
        pools = instance.get_concurrency_config().pool_config
        assert pools.default_pool_limit == 1 and pools.pool_granularity.value == "op"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    finally:
        instance.dispose()
    assert gtm_model.op.pool == "gpu"


@pytest.mark.slow
def test_training_assets_materialize(tmp_path):
    shared = SHARED if SHARED.is_dir() else None
    if shared is None and os.environ.get("CI"):
        pytest.fail(f"shared data folder {SHARED} missing in CI")
    settings = get_settings(data_dir=tmp_path)
    specs, _ = real_or_hand_written_specs(shared, limit=200)
    write_sft(settings.exports_dir / "sft", specs, n=200)  # what the sft_dataset asset writes
    instance = dg.DagsterInstance.ephemeral()
    res = dg.materialize(
        [gtm_model, gtm_model_loss_fell, registered_model],
        resources={"gtm": GTMResource(data_dir=str(tmp_path))},
        run_config=dg.RunConfig(
            {
                "gtm_model": TrainingConfig(
                    preset="tiny-cpu", epochs=2, max_train_examples=80, eval_steps=10
                )
            }
        ),
        instance=instance,
    )
    assert res.success
    md = res.asset_materializations_for_node("gtm_model")[0].metadata
    assert md["train_pid"].value != os.getpid()  # trained in its own process
    summary = md["summary"].value
    assert md["final_loss"].value < summary["metrics"]["first_loss"]
    assert md["tokens_per_s"].value > 0
    assert Path(md["loss_plot"].value).exists()
    assert md["model_uri"].value.startswith("models:/m-")
    assert md["mlflow_run_link"].value.startswith("http://")
    checks = res.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    reg = res.asset_materializations_for_node("registered_model")[0].metadata
    assert reg["version"].value == "1" and reg["alias"].value == "candidate"

    from gtm_core import model_registry as registry
    from gtm_core.llm.loading import load_model

    path = registry.resolve_model("models:/gtm@candidate", settings=settings)
    model, tok = load_model(path)
    assert model.config.model_type == "qwen2"
    run = registry.client(settings).get_run(md["mlflow_run_id"].value)
    assert run.data.tags["dagster_run_id"] == res.run_id
