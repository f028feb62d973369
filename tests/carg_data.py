"""Shared helpers of the CARG tests: real specs from ../shared/data
(skip when absent, fail on CI)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from gtm_core.settings import get_settings
from gtm_core.spec import ToolSpec, parse_specs
from gtm_core.storage import Store


def shared_data() -> Path:
    p = get_settings().shared_data()
    if p is None and Path("/work/shared/data").is_dir():
        p = Path("/work/shared/data")
    if p is None:
        if os.environ.get("CI"):
            pytest.fail("../shared/data is required on CI (set GTM_SHARED_DATA_DIR)")
        pytest.skip("../shared/data not present (set GTM_SHARED_DATA_DIR)")
    return p


def seal_specs(fields: dict[str, int]) -> list[ToolSpec]:
    """Seal-Tools specs of the given top-level domains (at most n each), field = the domain."""
    want = dict(fields)
    raws = []
    for line in (shared_data() / "seal_tools_tools.jsonl").open():
        r = json.loads(line)
        f = (r.get("domain") or "").split("/")[0]
        if want.get(f, 0) > 0:
            want[f] -= 1
            raws.append({**r, "field": f, "subfield": (r.get("domain") or "").split("/")[-1]})
    specs, _ = parse_specs(raws, source="seal")
    return specs


def write_tools(store: Store, specs: list[ToolSpec]) -> None:
    """The stand-in for the lead's tool_repository asset: the DuckDB table ``tools``."""
    store.replace("tools", pd.DataFrame([s.to_row() for s in specs]))


def kill_after_commits(cmd: list[str], env: dict, commits: int = 5):
    """Start ``gtm carg generate`` (``cmd``), SIGKILL it once it printed ``commits`` COMMIT lines;
    returns the finished process (its returncode is -SIGKILL when the kill landed)."""
    import os
    import signal
    import subprocess

    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = 0
    for line in p.stdout:
        if line.startswith("COMMIT"):
            seen += 1
            if seen == commits:
                os.kill(p.pid, signal.SIGKILL)
                break
    p.wait(timeout=60)
    return p
