"""Run the whole asset graph in dependency order on the embedded instance (what `gtm run` does).

Unpartitioned assets upstream of the field-partitioned ones run first, then every partitioned asset
over all field partitions in one run (single-run backfill), then everything downstream.
"""

import threading
import time
from collections.abc import Callable

import dagster as dg

from gtm_assets.partitions import fields_partitions
from gtm_assets.resources import GTMResource

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def _phases(
    defs: dg.Definitions, selection: dg.AssetSelection | None
) -> list[tuple[str, list[dg.AssetKey]]]:
    graph = defs.resolve_asset_graph()
    keys = (selection or dg.AssetSelection.all()).resolve(graph)
    parted = {k for k in keys if graph.get(k).partitions_def is not None}
    downstream_of_parted = (
        dg.AssetSelection.assets(*parted).downstream().resolve(graph) if parted else set()
    )
    before = [k for k in keys if k not in parted and k not in downstream_of_parted]
    after = [k for k in keys if k not in parted and k in downstream_of_parted]
    return [("upstream", before), ("partitioned", sorted(parted)), ("downstream", after)]


class Progress:
    """Overall progress of the main job: a line ``[k/n mm:ss] step`` whenever a step
    starts, read from the instance's event log by a background thread
    (``dg.materialize`` runs in this process)."""

    def __init__(
        self,
        instance: dg.DagsterInstance,
        total: int,
        log: Callable[[str], None],
        poll_s: float = 1.0,
    ):
        self.instance, self.total, self.log, self.poll_s = instance, total, log, poll_s
        self.t0 = time.monotonic()
        self.done = 0  # steps finished in earlier phases
        self._seen: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._run_id: str | None = None

    def elapsed(self) -> str:
        m, s = divmod(int(time.monotonic() - self.t0), 60)
        return f"{m:02d}:{s:02d}"

    def watch(self, since: float) -> None:
        """Follow the run created after ``since`` (epoch seconds) until ``stop``."""
        self._stop.clear()
        self._seen = set()
        self._thread = threading.Thread(target=self._loop, args=(since,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._run_id:  # steps that started after the last poll
            self._poll_once(self._run_id)
        self.done += len(self._seen)

    def _loop(self, since: float) -> None:
        self._run_id = None
        while not self._stop.wait(self.poll_s):
            try:
                if self._run_id is None:
                    runs = self.instance.get_runs(
                        filters=dg.RunsFilter(created_after=_utc(since)), limit=1
                    )
                    self._run_id = runs[0].run_id if runs else None
                if self._run_id:
                    self._poll_once(self._run_id)
            except Exception:  # noqa: BLE001 - progress display must never break the run
                continue

    def _poll_once(self, run_id: str) -> None:
        recs = self.instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.STEP_START
        ).records
        for r in recs:
            step = r.event_log_entry.step_key or "?"
            if step not in self._seen:
                self._seen.add(step)
                self.log(f"[{self.done + len(self._seen)}/{self.total} {self.elapsed()}] {step}")


def _utc(epoch: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, tz=UTC)


def _steps(defs: dg.Definitions, keys: list[dg.AssetKey]) -> int:
    """Steps of a run over ``keys``: one per asset, plus one per check definition on them."""
    want = set(keys)
    return len(keys) + sum(
        1 for c in (defs.asset_checks or []) if any(k.asset_key in want for k in c.check_keys)
    )


def blocked_checks(res: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation] | None:
    """The failed blocking checks of a run that failed only because of them (a withheld promotion is
    an outcome of the job, not a crash); None when some other step failed."""
    failures = [e for e in res.all_events if e.is_step_failure]
    if any(
        e.step_failure_data.error is None
        or e.step_failure_data.error.cls_name != "DagsterAssetCheckFailedError"
        for e in failures
    ):
        return None
    return [c for c in res.get_asset_check_evaluations() if not c.passed]


def run_pipeline(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    gtm: GTMResource,
    selection: dg.AssetSelection | None = None,
    log: Callable[[str], None] = print,
) -> list:
    """Materialize ``selection`` (default: every asset) in three phases. A phase whose only failures
    are blocking checks goes on (what they gate is skipped, and said); any other failure stops."""
    assets = list(defs.assets or [])
    checks = list(defs.asset_checks or [])
    results = []
    phases = [(n, k) for n, k in _phases(defs, selection) if k]
    progress = Progress(instance, sum(_steps(defs, k) for _, k in phases), log)
    for name, keys in phases:
        tags = {}
        if name == "partitioned":
            parts = instance.get_dynamic_partitions(fields_partitions.name)
            if not parts:
                log("no field partitions yet: skipping partitioned assets")
                continue
            tags = {RANGE_START: parts[0], RANGE_END: parts[-1]}
        log(f"materializing {name} assets: {', '.join(k.to_user_string() for k in keys)}")
        progress.watch(time.time() - 1)
        try:
            res = dg.materialize(
                [*assets, *checks],
                selection=keys,
                instance=instance,
                resources={"gtm": gtm},
                tags=tags,
                raise_on_error=False,
            )
        finally:
            progress.stop()
        results.append(res)
        if not res.success:
            blocked = blocked_checks(res)
            if blocked is None:
                break
            for c in blocked:
                why = "; ".join(f"{k}={str(v.value)[:120]}" for k, v in c.metadata.items())
                log(
                    f"blocking check {c.asset_key.to_user_string()}:{c.check_name} failed, so "
                    f"what it gates was not materialized ({why})"
                )
    log(f"main job: {progress.done} step(s) in {progress.elapsed()}")
    return results
