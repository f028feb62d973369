"""Load at CI size (bench/reliability.py runs 200 clients x 60 s): `gtm serve` with the tiny model
in its own process on 127.0.0.1; every request is answered (a result, or 503/429 with
Retry-After), none hangs past the client timeout, memory stays bounded, the server survives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _sim_support import real_specs, tiny_model_dir  # noqa: F401 - fixture

pytestmark = pytest.mark.reliability
HERE = Path(__file__).parent


def test_bounded_load_every_request_answered(tiny_model_dir, tmp_path):  # noqa: F811
    specs = [s for s in real_specs("seal_tools_tools.jsonl", 100) if s.response_schema][:20]
    tools = tmp_path / "tools.jsonl"
    tools.write_text("\n".join(json.dumps(s.to_public()) for s in specs) + "\n")
    clients, duration = (
        int(os.environ.get("GTM_LOAD_CLIENTS", "40")),
        float(os.environ.get("GTM_LOAD_SECONDS", "10")),
    )
    r = subprocess.run(
        [
            sys.executable,
            str(HERE / "load.py"),
            "--model",
            str(tiny_model_dir),
            "--tools",
            str(tools),
            "--clients",
            str(clients),
            "--duration",
            str(duration),
            "--timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 300,
        env={**os.environ, "GTM_DATA_DIR": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr[-3000:]
    fig = json.loads(r.stdout.strip().splitlines()[-1])
    print(fig)
    assert fig["requests"] >= clients and fig["answered"] > 0
    assert fig["hung"] == 0 and fig["transport_errors"] == 0 and fig["other_status"] == {}, fig
    assert fig["rejected_without_retry_after"] == 0
    assert fig["server_alive"] and fig["rss_peak_mb"] < fig["rss_start_mb"] + 2048, fig
