"""Dataset splits by tool (train/val/test + unseen-tool hold-out) and the SFT export."""

import json

import dagster as dg
import pandas as pd

from gtm_assets.defs.carg import GROUP, VERSIONS, carg_dataset
from gtm_assets.metadata import md_table
from gtm_assets.resources import GTMResource


class SplitsConfig(dg.Config):
    val_frac: float = 0.1
    test_frac: float = 0.1
    unseen_frac: float = 0.05
    unseen_threshold: float = 0.7
    seed: int = 0


@dg.asset(
    deps=[carg_dataset, dg.AssetKey("tool_repository")],
    code_version=VERSIONS["dataset_splits"],
    group_name=GROUP,
    kinds={"duckdb"},
)
def dataset_splits(config: SplitsConfig, gtm: GTMResource) -> dg.MaterializeResult:
    """Tables ``split_tools`` (uid -> split) and ``dataset_splits`` (sample -> split): no
    tool in two splits; unseen targets per field, training tools with description
    similarity > threshold removed."""
    from gtm_core.carg.embeddings import embed_cached
    from gtm_core.splits import SplitConfig, assign_samples, split_tools

    store = gtm.store()
    tools = store.query("select uid, field, description, name from tools order by uid")
    emb = embed_cached(
        store,
        gtm.embedder(),
        [d or n for d, n in zip(tools["description"], tools["name"], strict=True)],
    )
    ts = split_tools(tools, emb, SplitConfig(**config.model_dump()))
    store.replace("split_tools", ts)
    samples = store.query("select sample_id, tool_uid, scenario, field_key from carg_dataset")
    ss = assign_samples(samples, ts)
    store.replace("dataset_splits", ss)
    table = (
        ss.groupby(["split", "scenario"]).size().unstack(fill_value=0).reset_index()
        if len(ss)
        else pd.DataFrame()
    )
    return dg.MaterializeResult(
        metadata={
            "tools_by_split": json.dumps(
                {k: int(v) for k, v in ts["split"].value_counts().items()}
            ),
            "samples_by_split": md_table(table),
            "samples": len(ss),
            "seed": config.seed,
        }
    )


@dg.asset_check(asset=dataset_splits, blocking=True, description="No tool appears in two splits.")
def splits_no_tool_leak(gtm: GTMResource) -> dg.AssetCheckResult:
    from gtm_core.splits import leaks

    store = gtm.store()
    bad = leaks(store.read("split_tools"), store.read("dataset_splits"))
    return dg.AssetCheckResult(passed=not bad, metadata={"leaking_tools": len(bad)})


class SftConfig(dg.Config):
    """``real``: add the train part of ``real_traces`` as scenario ``real``; ``real_val_frac``:
    share of its episodes that goes to val instead of train."""

    real: bool = True
    real_val_frac: float = 0.05


@dg.asset(
    deps=[dataset_splits, dg.AssetKey("real_traces")],
    code_version=VERSIONS["sft_dataset"],
    group_name=GROUP,
    kinds={"duckdb", "parquet"},
)
def sft_dataset(config: SftConfig, gtm: GTMResource) -> dg.MaterializeResult:
    """Chat-format SFT files ``exports/sft/{train,val,test,unseen}.{jsonl,parquet}`` (+
    LLaMA-Factory dataset_info.json) and table ``sft_examples``, rendered through
    ``chat_format.sft_example``; the real train calls join train/val as scenario ``real``; CARG
    train/val samples that name a held-out real tool are left out (held-out real tools are never
    trained on); samples the gate answers (structural errors) are not model targets and are left
    out, the mix says how many."""
    from gtm_core.carg.export import example, model_targets, sample_kind, training_order, write_sft
    from gtm_core.carg.records import Sample
    from gtm_core.evaluation.real_split import real_sft_rows, touches_tools, unseen_tools
    from gtm_core.spec import ToolSpec

    store = gtm.store()
    df = store.query(
        "select d.*, s.split from carg_dataset d join dataset_splits s using (sample_id) "
        "order by s.split, d.sample_id"
    )
    tools = {r["uid"]: ToolSpec.from_row(r) for r in store.read("tools").to_dict("records")}
    traces = (
        store.read("real_traces")
        if store.exists("real_traces")
        else pd.DataFrame(columns=["tool", "reason"])
    )
    unseen = unseen_tools(traces)
    recs = [(r, Sample.from_row(r)) for r in df.to_dict("records")]
    keep = [not (r["split"] in ("train", "val") and touches_tools(smp, unseen)) for r, smp in recs]
    df = df[keep].reset_index(drop=True)
    msgs = [
        example(tools[r["tool_uid"]], smp)["messages"]
        for (r, smp), k in zip(recs, keep, strict=True)
        if k
    ]
    rows = pd.DataFrame(
        {
            "sample_id": df["sample_id"],
            "split": df["split"],
            "scenario": df["scenario"],
            "tool_uid": df["tool_uid"],
            "field_key": df["field_key"],
            "messages": msgs,
            "kind": [
                sample_kind(tools[r["tool_uid"]], smp)
                for (r, smp), k in zip(recs, keep, strict=True)
                if k
            ],
        }
    )
    real = (
        store.read("real_examples")
        if config.real and store.exists("real_examples")
        else pd.DataFrame()
    )
    try:
        real_rows = real_sft_rows(real, config.real_val_frac)
    except ValueError as e:
        raise dg.Failure(str(e)) from None
    if len(real_rows):
        rows = pd.concat(
            [rows, real_rows if "kind" in real_rows else real_rows.assign(kind="real")],
            ignore_index=True,
        )
    rows, mix = model_targets(rows)  # structural errors are the gate's: not model targets
    rows = training_order(rows)  # any prefix of train.jsonl is a balanced mix
    out = gtm.settings.exports_dir / "sft"
    stats = write_sft(rows, out)
    store.replace(
        "sft_examples",
        rows.assign(messages=[json.dumps(m, ensure_ascii=False) for m in rows["messages"]]),
    )
    return dg.MaterializeResult(
        metadata={
            "dir": dg.MetadataValue.path(str(out)),
            "examples": len(rows),
            "real_examples": len(real_rows),
            "carg_left_out_unseen_real_tools": keep.count(False),
            "stats": dg.MetadataValue.json(stats),
            "mix": dg.MetadataValue.json(mix),
            "mix_table": md_table(
                pd.DataFrame([{"split": k, **v} for k, v in mix.items()]).fillna(0)
            ),
            "by_split": md_table(
                pd.DataFrame(
                    [
                        {"split": k, **{kk: vv for kk, vv in v.items() if kk != "by_scenario"}}
                        for k, v in stats.items()
                    ]
                )
            ),
        }
    )
