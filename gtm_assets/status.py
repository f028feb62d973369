"""`gtm status`: every asset's last materialization, whether it is unsynced and why, and its latest
check results — computed by Dagster's own staleness resolver, so it agrees with the UI."""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._time import get_current_datetime

_WHY = {
    "CODE": "code version changed",
    "DATA": "upstream data changed",
    "DEPENDENCIES": "dependencies changed",
}


def _when(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def asset_status(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[dict[str, Any]]:
    """One row per materializable asset: key, group, last_materialized, status (fresh / unsynced /
    never materialized), reasons, partitions (materialized / total) and latest check results.
    Staleness is Dagster's own (code version changed, new upstream data), propagated downstream."""
    graph = defs.resolve_asset_graph()
    view = AssetGraphView(
        temporal_context=TemporalContext(effective_dt=get_current_datetime(), last_event_id=None),
        instance=instance,
        asset_graph=graph,
    )
    resolver = CachingStaleStatusResolver(
        instance=instance, asset_graph=graph, loading_context=view
    )
    rows = []
    for key in sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        node = graph.get(key)
        ev = instance.get_latest_materialization_event(key)
        row: dict[str, Any] = {
            "asset": key.to_user_string(),
            "group": node.group_name,
            "last_materialized": _when(ev.timestamp if ev else None),
            "reasons": [],
        }
        pdef = node.partitions_def
        if pdef is None:
            st = resolver.get_status(key)
            causes = resolver.get_stale_root_causes(key) if st == StaleStatus.STALE else []
        else:
            keys = pdef.get_partition_keys(dynamic_partitions_store=instance)
            done = instance.get_materialized_partitions(key)
            row["partitions"] = {"materialized": len(done & set(keys)), "total": len(keys)}
            stale = [
                k for k in keys if k in done and resolver.get_status(key, k) == StaleStatus.STALE
            ]
            st = (
                StaleStatus.MISSING
                if not (done & set(keys))
                else (StaleStatus.STALE if stale else StaleStatus.FRESH)
            )
            causes = [c for k in stale[:3] for c in resolver.get_stale_root_causes(key, k)]
            if stale:
                row["partitions"]["unsynced"] = len(stale)
        row["status"] = {
            StaleStatus.FRESH: "fresh",
            StaleStatus.STALE: "unsynced",
            StaleStatus.MISSING: "never materialized",
        }[st]
        if st == StaleStatus.MISSING:
            row["reasons"] = ["never materialized"]
        for c in causes:
            what = _WHY.get(c.category.name, c.category.name.lower())
            on = c.key.asset_key.to_user_string()
            text = f"{what}: {on}" + (f" ({c.reason})" if c.reason else "")
            if text not in row["reasons"]:
                row["reasons"].append(text)
        checks = {}
        if node.check_keys:
            latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(
                list(node.check_keys)
            )
            for ck in node.check_keys:
                rec = latest.get(ck)
                checks[ck.name] = None if rec is None else rec.status.value.lower()
        row["checks"] = checks
        rows.append(row)
    return _propagate(graph, rows)


def _propagate(graph, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dagster marks an asset stale only against its own inputs; a materialized asset whose upstream
    is unsynced will be rebuilt too (the automation sensor does so once the upstream reruns), so it
    is reported unsynced with the upstream named."""
    by_key = {r["asset"]: r for r in rows}
    for key in graph.toposorted_asset_keys:
        row = by_key.get(key.to_user_string())
        if row is None or row["status"] == "never materialized":
            continue
        for parent in sorted(graph.get(key).parent_keys, key=lambda k: k.to_user_string()):
            up = by_key.get(parent.to_user_string())
            if up is not None and up["status"] == "unsynced":
                row["status"] = "unsynced"
                reason = f"upstream unsynced: {up['asset']}"
                if reason not in row["reasons"]:
                    row["reasons"].append(reason)
    return rows
