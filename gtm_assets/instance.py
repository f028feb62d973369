"""The embedded Dagster instance: DAGSTER_HOME under the data folder,
with the repo's dagster.yaml."""

import os
import shutil
from pathlib import Path

import dagster as dg

from gtm_core.settings import Settings

REPO_DAGSTER_YAML = Path(__file__).resolve().parent.parent / "dagster.yaml"


def ensure_dagster_home(settings: Settings) -> Path:
    """Create <data>/dagster with the project's dagster.yaml and point DAGSTER_HOME at it."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if REPO_DAGSTER_YAML.is_file() and (
        not target.exists() or target.read_bytes() != REPO_DAGSTER_YAML.read_bytes()
    ):
        shutil.copyfile(REPO_DAGSTER_YAML, target)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ.setdefault("GTM_DATA_DIR", str(settings.root))
    return home


def get_instance(settings: Settings) -> dg.DagsterInstance:
    ensure_dagster_home(settings)
    return dg.DagsterInstance.get()
