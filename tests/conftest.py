"""Shared fixtures: the real-data folder, an isolated data folder, and the Dagster resource."""

import os
from pathlib import Path

import pytest

from gtm_core.settings import get_settings

REPO = Path(__file__).resolve().parent.parent
# models on the CPU compute in float32 under test unless a test asks otherwise: the decode loop is
# compared with HF token by token, which holds exactly in float32 only. The bfloat16 path has tests
# of its own (test_slot_model, test_smollm2), and the main-job test runs the user's default (auto).
os.environ.setdefault("GTM_CPU_PRECISION", "float32")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (or GTM_SHARED_DATA_DIR). Skips when absent; fails when CI is set."""
    p = get_settings().shared_data()
    if p is None:
        msg = "real tool data (../shared/data or GTM_SHARED_DATA_DIR) is not present"
        if os.environ.get("CI"):
            pytest.fail(msg + " — required in CI")
        pytest.skip(msg)
    return p


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """An isolated data folder for this test (GTM_DATA_DIR points at it)."""
    d = tmp_path / "gtmdata"
    monkeypatch.setenv("GTM_DATA_DIR", str(d))
    return d


@pytest.fixture
def gtm_resource(data_dir):
    from gtm_assets.resources import GTMResource

    return GTMResource(data_dir=str(data_dir))


@pytest.fixture(scope="session")
def embedder():
    """The MiniLM sentence embedder shipped in its wheel (loaded once per session)."""
    from gtm_core.embed import Embedder

    return Embedder()
