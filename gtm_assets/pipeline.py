"""Run the whole asset graph in dependency order on the embedded instance (what `gtm run` does).

Unpartitioned assets upstream of the field-partitioned ones run first, then every partitioned asset
over all field partitions in one run (single-run backfill), then everything downstream.
"""

from collections.abc import Callable

import dagster as dg

from gtm_assets.partitions import fields_partitions
from gtm_assets.resources import GTMResource

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def _phases(defs: dg.Definitions, selection: dg.AssetSelection | None) -> list[tuple[str, list[dg.AssetKey]]]:
    graph = defs.resolve_asset_graph()
    keys = (selection or dg.AssetSelection.all()).resolve(graph)
    parted = {k for k in keys if graph.get(k).partitions_def is not None}
    downstream_of_parted = dg.AssetSelection.assets(*parted).downstream().resolve(graph) if parted else set()
    before = [k for k in keys if k not in parted and k not in downstream_of_parted]
    after = [k for k in keys if k not in parted and k in downstream_of_parted]
    return [("upstream", before), ("partitioned", sorted(parted)), ("downstream", after)]


def run_pipeline(defs: dg.Definitions, instance: dg.DagsterInstance, gtm: GTMResource,
                 selection: dg.AssetSelection | None = None, log: Callable[[str], None] = print) -> list:
    """Materialize ``selection`` (default: every asset) in three phases; raises on a failed run."""
    assets = list(defs.assets or [])
    checks = list(defs.asset_checks or [])
    results = []
    for name, keys in _phases(defs, selection):
        if not keys:
            continue
        tags = {}
        if name == "partitioned":
            parts = instance.get_dynamic_partitions(fields_partitions.name)
            if not parts:
                log("no field partitions yet: skipping partitioned assets")
                continue
            tags = {RANGE_START: parts[0], RANGE_END: parts[-1]}
        log(f"materializing {name} assets: {', '.join(k.to_user_string() for k in keys)}")
        res = dg.materialize([*assets, *checks], selection=keys, instance=instance, resources={"gtm": gtm}, tags=tags)
        results.append(res)
    return results
