"""Dagster entry point: every module under ``gtm_assets/defs`` contributes the assets, asset
checks, jobs, schedules and sensors it defines at module level; the GTM resource is bound here."""

from __future__ import annotations

import importlib
import os
import pkgutil

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from gtm_assets import defs as defs_pkg
from gtm_assets.resources import GTMResource
from gtm_core.settings import get_settings

_KINDS = {
    "assets": (dg.AssetsDefinition, dg.SourceAsset),
    "asset_checks": (dg.AssetChecksDefinition,),
    "jobs": (dg.JobDefinition, UnresolvedAssetJobDefinition),
    "schedules": (dg.ScheduleDefinition,),
    "sensors": (dg.SensorDefinition,),
}


def collect(package=defs_pkg) -> dict[str, list]:
    """Module-level Dagster objects of every module in ``package``, by kind, without repeats."""
    found: dict[str, list] = {k: [] for k in _KINDS}
    seen: set[int] = set()
    for m in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{package.__name__}.{m.name}")
        for obj in vars(mod).values():
            for kind, types in _KINDS.items():
                # asset checks are AssetsDefinition subclasses: test the most specific kind first
                if (
                    isinstance(obj, types)
                    and id(obj) not in seen
                    and not (kind == "assets" and isinstance(obj, dg.AssetChecksDefinition))
                ):
                    seen.add(id(obj))
                    found[kind].append(obj)
    return found


def build_defs() -> dg.Definitions:
    parts = collect()
    executor = (
        dg.multiprocess_executor
        if get_settings().executor == "multiprocess"
        else dg.in_process_executor
    )
    return dg.Definitions(
        **parts,
        resources={
            "gtm": GTMResource(
                profile=os.environ.get("GTM_PROFILE", "local"),
                data_dir=os.environ.get("GTM_DATA_DIR"),
            )
        },
        executor=executor,
    )


defs = build_defs()
