"""The README's main job end to end at the smallest sizes that still run every asset, check and the
promotion: `gtm run` on a fresh data folder materializes the whole graph (tool repository → CARG →
splits → SFT → model → registry → evaluation → champion), after which nothing is unsynced but what a
withheld promotion guards, the registered model resolves and simulates, and the notebook runs. The
full-size job (SmolLM2 LoRA, the default sizes) is timed by ``bench/main_job.py``; the real SmolLM2
load-convert-train-generate path is ``tests/test_smollm2.py``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# About 9 minutes on the slowest 2-core machine measured; machines of this kind differ about 2x in
# speed, so the job (run in the first test's setup) gets its own limit well above the global 900 s.
JOB_LIMIT_S = 2400
# the graph at its smallest: a tiny model from scratch, a few fields and
# imported tools, few real calls
SMALL = {
    "GTM_TRAIN_PRESET": "tiny-cpu",
    "GTM_TARGET_FIELDS": "6",
    "GTM_SUBFIELDS_PER_FIELD": "2",
    "GTM_TOOLS_PER_SUBFIELD": "2",
    "GTM_IMPORT_LIMIT_PER_SOURCE": "20",
    "GTM_FIDELITY_LIMIT": "12",
    "GTM_AUDIT_LIMIT": "24",
}
pytestmark = pytest.mark.timeout(JOB_LIMIT_S + 300)


@pytest.fixture(scope="session")
def main_job(tmp_path_factory, shared_data):
    data = tmp_path_factory.mktemp("mainjob")
    env = {
        **os.environ,
        "GTM_DATA_DIR": str(data),
        "GTM_SHARED_DATA_DIR": str(shared_data),
        "GTM_CPU_PRECISION": "auto",
        **SMALL,
    }  # precision as a user runs it (conftest pins float32)
    out = subprocess.run(
        [sys.executable, "-m", "gtm_assets.cli", "run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=JOB_LIMIT_S,
    )
    (data / "main_job.log").write_text(out.stdout + out.stderr)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    return data, env


GATE = ("eval_table", "candidate_not_worse_than_champion")


def _status(env) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "gtm_assets.cli", "status", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def _promoted(env) -> bool:
    """Whether the promotion gate passed (it may withhold a candidate that is worse than the
    offline teacher on the held-out real traces; the job still completes and says so)."""
    rows = {r["asset"]: r for r in _status(env)["assets"]}
    return rows[GATE[0]]["checks"].get(GATE[1]) == "succeeded"


def test_main_job_leaves_nothing_unsynced(main_job):
    data, env = main_job
    status = _status(env)
    failed = {
        (r["asset"], c): v
        for r in status["assets"]
        for c, v in r["checks"].items()
        if v != "succeeded"
    }
    if _promoted(env):
        assert status["unsynced"] == [], status["unsynced"]
        assert failed == {}
    else:
        # only the promotion was withheld: what the gate guards (downstream of eval_table)
        # is missing
        assert set(status["unsynced"]) <= {"champion", "sim_to_real_report"}, status["unsynced"]
        assert set(failed) == {GATE}, failed
        assert "candidate_not_worse_than_champion failed" in (data / "main_job.log").read_text()
    assets = {r["asset"] for r in status["assets"]}
    assert {
        "tool_repository",
        "sft_dataset",
        "gtm_model",
        "registered_model",
        "eval_table",
        "champion",
    } <= assets


def test_fidelity_is_drawn_against_training_tokens(main_job):
    data, _ = main_job
    from gtm_core import model_registry as registry
    from gtm_core.settings import get_settings

    s = get_settings(data_dir=data)
    runs = registry.run_metrics(["train_tokens", "eval_heldout_schema_agreement"], settings=s)
    assert runs and all(r["train_tokens"] > 0 for r in runs)
    assert (s.plots_dir / "fidelity_vs_tokens.png").stat().st_size > 0


def test_champion_resolves_and_simulates(main_job):
    data, env = main_job
    from gtm_core import model_registry as registry
    from gtm_core.settings import get_settings
    from gtm_core.simulator import Simulator, load_tools
    from gtm_core.simulator.models import BackendOptions, make_backend
    from gtm_core.synth import ValueSynth

    s = get_settings(data_dir=data)
    path = registry.resolve_model(
        "models:/gtm@champion" if _promoted(env) else "models:/gtm@candidate", s
    )
    meta = json.loads((path / "gtm_model.json").read_text())
    assert meta["preset"] == SMALL["GTM_TRAIN_PRESET"]  # the settings' preset trained the model
    specs, _ = load_tools(duckdb_path=s.duckdb_path)
    spec = next(t for t in specs if t.response_schema and t.required)
    sim = Simulator(
        specs, make_backend("transformers", str(path), options=BackendOptions(max_tokens=96))
    )
    ok = sim.simulate(spec.name, ValueSynth(1).arguments(spec.parameters))
    assert ok.source in ("model", "rules", "error")  # a tiny model may say nothing or fail
    bad = sim.simulate(spec.name, {})
    assert bad.output["error"]["type"] == "missing_required" and bad.source == "gate"


def test_notebook_executes(main_job, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    data, env = main_job
    monkeypatch.setenv("GTM_DATA_DIR", str(data))
    nb = nbformat.read(REPO / "notebooks" / "gtm_tour.ipynb", as_version=4)
    # a loaded 2-core machine can take more than nbclient's default 60 s to start a kernel
    NotebookClient(
        nb,
        timeout=900,
        startup_timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO)}},
    ).execute()
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert ("models:/gtm@champion ->" if _promoted(env) else "models:/gtm@candidate ->") in text
    assert "missing arguments -> {'error'" in text
    assert "eval_table not materialized yet" not in text
