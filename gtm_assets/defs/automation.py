"""Jobs, schedules, sensors and declarative automation.

- ``carg_weekly``: regenerates the CARG samples of every field weekly (cron and timezone from
  settings ``carg_cron`` / ``schedule_tz``, env ``GTM_CARG_CRON`` / ``GTM_SCHEDULE_TZ``).
- ``gtm_automation``: an automation-condition sensor; an asset whose code version changed (a prompt
  or code edit) or whose upstream was re-materialized is rebuilt — once every dependency's blocking
  checks passed — so a prompt edit reruns exactly the stale assets downstream of it.
- ``new_tool_sources``: when a tool-spec file appears or changes in the watched folders, re-import.
"""

import json
from pathlib import Path

import dagster as dg

from gtm_assets.partitions import fields_partitions
from gtm_core.settings import get_settings

REBUILD_WHEN_STALE = (
    (
        dg.AutomationCondition.code_version_changed() | dg.AutomationCondition.any_deps_updated()
    ).since_last_handled()
    & ~dg.AutomationCondition.missing()
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
    & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label(
    "rebuild when stale (code version changed or upstream updated), blocking checks passed"
)


carg_job = dg.define_asset_job(
    "carg_job",
    selection=dg.AssetSelection.groups("carg"),
    partitions_def=fields_partitions,
    description="Regenerate CARG samples (single-turn, multi-turn, errors) of the selected fields.",
)


@dg.schedule(
    job=carg_job,
    cron_schedule=get_settings().carg_cron,
    execution_timezone=get_settings().schedule_tz,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def carg_weekly(context: dg.ScheduleEvaluationContext):
    """Weekly: one run request per field partition (each field regenerates on its own)."""
    fields = context.instance.get_dynamic_partitions(fields_partitions.name)
    if not fields:
        return dg.SkipReason("no field partitions yet: materialize the taxonomy first")
    stamp = context.scheduled_execution_time.strftime("%Y%m%d")
    return [dg.RunRequest(run_key=f"{stamp}-{f}", partition_key=f) for f in fields]


gtm_automation = dg.AutomationConditionSensorDefinition(
    "gtm_automation",
    target=dg.AssetSelection.all(),
    default_condition=REBUILD_WHEN_STALE,
    default_status=dg.DefaultSensorStatus.RUNNING
    if get_settings().automation
    else dg.DefaultSensorStatus.STOPPED,
    minimum_interval_seconds=60,
    use_user_code_server=True,
    description=(
        "Rebuild assets made stale by a prompt/code change or an upstream update (checks gate)."
    ),
)


def watched_source_files() -> dict[str, float]:
    """Tool-spec files in the shared data folder and GTM_TOOL_SOURCES_DIR, with their mtimes."""
    s = get_settings()
    dirs = [d for d in (s.shared_data(), s.tool_sources_dir) if d]
    out = {}
    for d in dirs:
        for p in sorted(Path(d).glob("*tools*.json*")):
            out[str(p)] = p.stat().st_mtime
    return out


@dg.sensor(
    target=dg.AssetSelection.assets("imported_tools"),
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.STOPPED,
)
def new_tool_sources(context: dg.SensorEvaluationContext):
    """Re-import when a tool-spec file is added or modified (automation
    then rebuilds downstream)."""
    now = watched_source_files()
    before = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(p for p, m in now.items() if before.get(p) != m)
    context.update_cursor(json.dumps(now))
    if not before:
        return dg.SkipReason(f"watching {len(now)} source files")
    if not changed:
        return dg.SkipReason("no new or changed tool sources")
    return dg.RunRequest(
        run_key=f"sources-{hash(tuple(changed)) & 0xFFFFFFFF:x}",
        tags={"gtm/changed_sources": ",".join(Path(p).name for p in changed)[:200]},
    )
