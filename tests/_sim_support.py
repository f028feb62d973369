"""Fixtures shared by the simulator tests (imported by each test_sim_* module)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gtm_core.settings import get_settings
from gtm_core.spec import ToolSpec, parse_specs

SHARED = get_settings().shared_data() or Path("../shared/data").resolve()
if not SHARED.is_dir():
    SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def need_shared() -> Path:
    """The real-data folder; skip when absent, FAIL when env CI is set."""
    if SHARED.is_dir():
        return SHARED
    if os.environ.get("CI"):
        pytest.fail(f"shared data folder {SHARED} is missing (required in CI)")
    pytest.skip(f"shared data folder {SHARED} not present")


def real_specs(filename: str, limit: int | None = None) -> list[ToolSpec]:
    d = need_shared()
    raws = [json.loads(line) for line in (d / filename).read_text().splitlines() if line.strip()]
    specs, _ = parse_specs(raws[:limit] if limit else raws, source=filename)
    seen, out = set(), []
    for s in specs:
        if s.name not in seen:
            seen.add(s.name)
            out.append(s)
    return out


class CountingBackend:
    """A real offline backend that counts the requests it is asked to answer."""

    constrains = False

    def __init__(self, seed: int = 0):
        from gtm_core.simulator.backends import OfflineSimBackend

        self.inner = OfflineSimBackend(seed)
        self.name = "counting-offline"
        self.requests = 0
        self.batches: list[int] = []

    def generate(self, requests, *, attempt: int = 0):
        self.requests += len(requests)
        self.batches.append(len(requests))
        return self.inner.generate(requests, attempt=attempt)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny untrained Qwen2 model + BPE tokenizer trained on real spec JSON."""
    from gtm_core.training.tiny_model import build_tiny_model

    specs = real_specs("seal_tools_tools.jsonl", 400)
    corpus = [json.dumps(s.to_public()) for s in specs]
    return build_tiny_model(tmp_path_factory.mktemp("tiny"), corpus)
