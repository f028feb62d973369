"""CARG assets (paper §4.2): per-field single-turn, multi-turn and error samples (resumable, one
run for many partitions), the validated dataset, splits by tool and the SFT export."""

import json
from collections import Counter

import dagster as dg
import pandas as pd

from gtm_assets.metadata import md_table
from gtm_assets.partitions import fields_partitions
from gtm_assets.resources import GTMResource
from gtm_core.carg.config import CargConfig, CargRun
from gtm_core.carg.records import REJECTS_TABLE, SAMPLES_TABLE
from gtm_core.carg.versions import code_versions
from gtm_core.tools.taxonomy import field_key

VERSIONS = code_versions()
GROUP = "carg"
TOOLS = dg.AssetKey("tool_repository")
PASS_BOUND = 0.5


class CargGenConfig(CargConfig, CargRun, dg.Config):
    """Generation knobs (``CargConfig``'s fields); ``resume`` (``CargRun``) keeps committed rows of
    the same generation (code version + config + teacher) and continues; ``resume=False``
    regenerates the partitions from scratch."""


def _generate(
    context: dg.AssetExecutionContext,
    gtm: GTMResource,
    config: CargGenConfig,
    scenario: str,
    asset: str,
) -> dg.MaterializeResult:
    from gtm_core.carg.generate import Generator, load_tools

    store = gtm.store()
    cfg = CargConfig(**config.model_dump(exclude=set(CargRun.model_fields)))
    chat = gtm.chat(
        "teacher"
    )  # loaded once for every partition of this run (BackfillPolicy.single_run)
    judge_model = gtm.chat("judge")
    gen = Generator(
        store,
        chat,
        cfg=cfg,
        judge_model=judge_model,
        code_version=VERSIONS[asset],
        on_commit=lambda s: context.log.info(
            f"{s.scenario}/{s.field_key}: batch {s.batches} committed, "
            f"{s.accepted} accepted, {s.rejected} rejected"
        ),
    )
    keys = (
        context.partition_keys
        if context.has_partition_key or context.has_partition_key_range
        else []
    )
    rows = []
    for pk in keys:
        specs = load_tools(store, pk, field_key)
        field = specs[0].field if specs else pk
        st = gen.run(
            scenario,
            pk,
            field,
            specs,
            resume=config.resume,
            embedder=gtm.embedder() if scenario == "multi" else None,
        )
        rows.append(
            {
                "field": pk,
                "tools": len(specs),
                "generated": st.generated,
                "accepted": st.accepted,
                "rejected": st.rejected,
                "resumed_units": st.skipped_units,
                "not_applicable": st.not_applicable,
                "top_reasons": ", ".join(f"{k}:{v}" for k, v in Counter(st.reasons).most_common(3)),
            }
        )
    df = pd.DataFrame(rows)
    per_tool = (
        store.query(
            f"select tool_name, count(*) filter (where passed) as accepted, count(*) as total from "
            f"(select tool_name, passed, field_key, generation from {SAMPLES_TABLE} union all "
            f"select tool_name, passed, field_key, generation from {REJECTS_TABLE}) "
            f"where field_key in (select unnest(?)) and generation = ? "
            f"group by 1 order by accepted::double / total, 1 limit 15",
            [keys, gen.generation],
        )
        if store.exists(REJECTS_TABLE)
        else pd.DataFrame()
    )
    if not per_tool.empty:
        per_tool["pass_rate"] = per_tool["accepted"] / per_tool["total"]
    total = int(df["generated"].sum()) if not df.empty else 0
    acc = int(df["accepted"].sum()) if not df.empty else 0
    return dg.MaterializeResult(
        metadata={
            "generation": gen.generation,
            "teacher": gen.teacher,
            "judge": getattr(judge_model, "name", "none"),
            "generated": total,
            "accepted": acc,
            "rejected": total - acc,
            "pass_rate": float(acc / total) if total else 0.0,
            "per_field": md_table(df),
            "lowest_pass_rate_tools": md_table(per_tool),
        }
    )


_PARTITIONED = dict(
    partitions_def=fields_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
)


@dg.asset(
    deps=[TOOLS], code_version=VERSIONS["single_turn_samples"], kinds={"duckdb"}, **_PARTITIONED
)
def single_turn_samples(
    context: dg.AssetExecutionContext, config: CargGenConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    """Single-turn (context, arguments, output) per tool, validated (format, contradiction,
    coherence; LLM judge when configured), low-pass tools retried with refined prompts."""
    return _generate(context, gtm, config, "single", "single_turn_samples")


@dg.asset(
    deps=[TOOLS], code_version=VERSIONS["multi_turn_samples"], kinds={"duckdb"}, **_PARTITIONED
)
def multi_turn_samples(
    context: dg.AssetExecutionContext, config: CargGenConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    """Multi-turn dialogues over greedy similarity groups; the final call validated by the
    single-turn checks plus history consistency."""
    return _generate(context, gtm, config, "multi", "multi_turn_samples")


@dg.asset(
    deps=[TOOLS, single_turn_samples],
    code_version=VERSIONS["error_samples"],
    kinds={"duckdb"},
    **_PARTITIONED,
)
def error_samples(
    context: dg.AssetExecutionContext, config: CargGenConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    """Four error generators over accepted single-turn samples; format, existence and message
    checks."""
    return _generate(context, gtm, config, "error", "error_samples")


@dg.asset(
    deps=[single_turn_samples, multi_turn_samples, error_samples],
    code_version=VERSIONS["carg_dataset"],
    group_name=GROUP,
    kinds={"duckdb"},
)
def carg_dataset(gtm: GTMResource) -> dg.MaterializeResult:
    """All accepted samples of every field (content duplicates dropped) -> table ``carg_dataset``;
    pass rates per scenario, field and check as metadata."""
    store = gtm.store()
    acc = store.read(SAMPLES_TABLE)
    rej = store.read(REJECTS_TABLE)
    n_before = len(acc)
    if not acc.empty:
        acc = acc.sort_values("sample_id")
        acc = acc[
            ~acc.duplicated(subset=["scenario", "tool_uid", "arguments", "history", "output"])
        ]
    store.replace("carg_dataset", acc.reset_index(drop=True))
    both = (
        pd.concat([acc.assign(passed=True), rej.assign(passed=False)], ignore_index=True)
        if len(acc) or len(rej)
        else pd.DataFrame()
    )
    by_scen = (
        both.groupby("scenario")["passed"].agg(["sum", "count"]).reset_index()
        if len(both)
        else pd.DataFrame()
    )
    if len(by_scen):
        by_scen["pass_rate"] = by_scen["sum"] / by_scen["count"]
    by_field = (
        both.groupby(["field_key", "scenario"])["passed"]
        .mean()
        .unstack(fill_value=0.0)
        .reset_index()
        if len(both)
        else pd.DataFrame()
    )
    checks: Counter = Counter()
    fails: Counter = Counter()
    for c in both.get("checks", pd.Series(dtype=str)):
        for k, v in json.loads(c).items():
            checks[k] += 1
            fails[k] += not v
    by_check = pd.DataFrame(
        [
            {"check": k, "evaluated": n, "failed": fails[k], "pass_rate": 1 - fails[k] / n}
            for k, n in sorted(checks.items())
        ]
    )
    plot = (
        _plot_pass_rates(by_field, gtm.settings.plots_dir / "carg_pass_rates.png")
        if len(by_field)
        else None
    )
    return dg.MaterializeResult(
        metadata={
            **({"pass_rate_plot": dg.MetadataValue.path(str(plot))} if plot else {}),
            "samples": len(acc),
            "content_duplicates_dropped": n_before - len(acc),
            "rejected": len(rej),
            "by_scenario": md_table(by_scen),
            "by_field": md_table(by_field),
            "by_check": md_table(by_check),
            "tools": int(acc["tool_uid"].nunique()) if len(acc) else 0,
        }
    )


def _plot_pass_rates(by_field: pd.DataFrame, path):
    """Grouped bars: pass rate per field and scenario (PNG under settings.plots_dir)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = by_field.set_index("field_key")
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(df) + 3), 4))
    df.plot.bar(ax=ax, ylim=(0, 1.05), rot=45)
    ax.axhline(PASS_BOUND, color="grey", ls="--", lw=1)
    ax.set_ylabel("validation pass rate")
    ax.set_title("CARG pass rate by field and scenario")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


@dg.asset_check(
    asset=carg_dataset,
    blocking=True,
    description=f"Validation pass rate of every scenario is at least {PASS_BOUND}.",
)
def carg_pass_rate(gtm: GTMResource) -> dg.AssetCheckResult:
    store = gtm.store()
    q = (
        (
            f"select scenario, sum(p) as accepted, count(*) as total from "
            f"(select scenario, 1 as p from carg_dataset "
            f"union all select scenario, 0 as p from {REJECTS_TABLE}) group by 1 order by 1"
        )
        if store.exists(REJECTS_TABLE)
        else "select scenario, count(*) as accepted, count(*) as total from carg_dataset group by 1"
    )
    df = store.query(q)
    rates = {r.scenario: float(r.accepted / r.total) for r in df.itertuples()}
    low = {k: v for k, v in rates.items() if v < PASS_BOUND}
    return dg.AssetCheckResult(
        passed=bool(rates) and not low,
        metadata={"pass_rates": json.dumps(rates), "below_bound": json.dumps(low)},
    )


@dg.asset_check(
    asset=carg_dataset,
    blocking=True,
    description="No duplicate sample ids and no duplicate sample contents.",
)
def carg_no_duplicates(gtm: GTMResource) -> dg.AssetCheckResult:
    df = gtm.store().query(
        "select count(*) - count(distinct sample_id) as dup_ids, count(*) - count(distinct "
        "(scenario, tool_uid, arguments, history, output)) as dup_contents from carg_dataset"
    )
    d = {k: int(v) for k, v in df.iloc[0].items()}
    return dg.AssetCheckResult(passed=d["dup_ids"] == 0 and d["dup_contents"] == 0, metadata=d)


@dg.asset_check(
    asset=carg_dataset,
    blocking=True,
    description="Every sample's tool exists in the tool repository.",
)
def carg_tools_exist(gtm: GTMResource) -> dg.AssetCheckResult:
    df = gtm.store().query(
        "select distinct d.tool_name from carg_dataset d anti join tools t on d.tool_uid = t.uid"
    )
    return dg.AssetCheckResult(
        passed=df.empty,
        metadata={"unknown_tools": len(df), "examples": ", ".join(df["tool_name"].head(10))},
    )
