"""A full materialization of the CARG assets for two fields on the embedded default (real DuckDB,
real Dagster instance, offline teacher, real MiniLM embeddings)."""

from __future__ import annotations

import json
import warnings

import dagster as dg
import pandas as pd
import pytest
from carg_data import seal_specs, write_tools

from gtm_assets.defs.carg import (
    carg_dataset,
    carg_no_duplicates,
    carg_pass_rate,
    carg_tools_exist,
    error_samples,
    multi_turn_samples,
    single_turn_samples,
)
from gtm_assets.defs.splits import dataset_splits, sft_dataset, splits_no_tool_leak
from gtm_assets.resources import GTMResource
from gtm_core.storage import Store
from gtm_core.tool_errors import structural_claim
from gtm_core.tools.taxonomy import field_key

warnings.filterwarnings("ignore", category=dg.BetaWarning)
GEN = [single_turn_samples, multi_turn_samples, error_samples]
FIELDS = {"Healthcare": 14, "Gaming": 12}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("carg")
    res = GTMResource(data_dir=str(tmp))
    store = Store(res.settings.duckdb_path)
    write_tools(store, seal_specs(FIELDS))
    inst = dg.DagsterInstance.ephemeral()
    keys = [field_key(f) for f in FIELDS]
    inst.add_dynamic_partitions("fields", keys)
    return tmp, res, store, inst, keys


def _meta(result, key: str) -> dict:
    mats = [
        e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == key
    ]
    return {k: v.value for k, v in mats[-1].materialization.metadata.items()}


def test_full_materialization_two_fields(env):
    tmp, res, store, inst, (k1, k2) = env
    # one field alone, then both in one run (BackfillPolicy.single_run: the teacher loads once)
    r1 = dg.materialize(GEN, partition_key=k1, instance=inst, resources={"gtm": res})
    assert r1.success
    n1 = store.query("select count(*) as n from carg_samples where field_key = ?", [k1])["n"][0]
    assert n1 > 0
    r2 = dg.materialize(
        GEN,
        instance=inst,
        resources={"gtm": res},
        tags={"dagster/asset_partition_range_start": k1, "dagster/asset_partition_range_end": k2},
    )
    assert r2.success
    m = _meta(r2, "single_turn_samples")
    assert m["generated"] > 0 and "healthcare" in m["per_field"] and "gaming" in m["per_field"]
    # the already-done field resumed: nothing regenerated or duplicated for it
    assert (
        store.query("select count(*) as n from carg_samples where field_key = ?", [k1])["n"][0]
        == n1
    )
    per = store.query("select scenario, field_key, count(*) as n from carg_samples group by 1, 2")
    assert {(r.scenario, r.field_key) for r in per.itertuples()} == {
        (s, k) for s in ("single", "multi", "error") for k in (k1, k2)
    }
    # every rejected sample keeps its reasons
    rej = store.read("carg_rejects")
    assert all(json.loads(r) for r in rej["reasons"])

    r3 = dg.materialize(
        [
            carg_dataset,
            carg_pass_rate,
            carg_no_duplicates,
            carg_tools_exist,
            dataset_splits,
            splits_no_tool_leak,
            sft_dataset,
        ],
        instance=inst,
        resources={"gtm": res},
    )
    assert r3.success
    assert (res.settings.plots_dir / "carg_pass_rates.png").stat().st_size > 1000
    evals = {e.check_name: e.passed for e in r3.get_asset_check_evaluations()}
    assert evals == {
        "carg_pass_rate": True,
        "carg_no_duplicates": True,
        "carg_tools_exist": True,
        "splits_no_tool_leak": True,
    }
    sft_dir = res.settings.exports_dir / "sft"
    total = 0
    for split in ("train", "val", "test", "unseen"):
        lines = (sft_dir / f"{split}.jsonl").read_text().splitlines()
        pq = pd.read_parquet(sft_dir / f"{split}.parquet")
        assert list(pq.columns) == ["messages"] and len(pq) == len(lines)
        for line in lines:
            msgs = json.loads(line)["messages"]
            assert [x["role"] for x in msgs] == ["system", "user", "assistant"] and all(
                x["content"] for x in msgs
            )
        total += len(lines)
    assert total == store.count("sft_examples") > 0
    # structural errors are the gate's: reported in the mix, never a model target in any file
    mix = _meta(r3, "sft_dataset")["mix"]
    n_err = store.query(
        "select count(*) as n from carg_dataset join dataset_splits using (sample_id) "
        "where carg_dataset.scenario = 'error'"
    )["n"][0]
    assert sum(v.get("structural_error", 0) for v in mix.values()) == n_err > 0
    assert (
        sum(
            n
            for v in mix.values()
            for k, n in v.items()
            if k not in ("structural_error", "gated_call")
        )
        == total
    )
    targets = [
        json.loads(json.loads(line)["messages"][-1]["content"])
        for split in ("train", "val", "test", "unseen")
        for line in (sft_dir / f"{split}.jsonl").read_text().splitlines()
    ]
    assert len(targets) == total and not any(structural_claim(t) for t in targets)
    assert len(pd.read_parquet(sft_dir / "train.parquet")) > 0
    info = json.loads((sft_dir / "dataset_info.json").read_text())
    assert info["gtm_train"]["formatting"] == "sharegpt"
    # no tool in two splits, every sample's tool split is its tool's split
    joined = store.query(
        "select s.tool_uid, count(distinct s.split) as n from sft_examples s group by 1"
    )
    assert (joined["n"] == 1).all()


def test_rematerialize_resumes_or_replaces(env):
    tmp, res, store, inst, (k1, _) = env
    if not store.exists("carg_samples"):
        pytest.skip("needs the full materialization test first")
    before = store.query(
        "select sample_id from carg_samples where field_key = ? and scenario = 'single' order by 1",
        [k1],
    )
    r = dg.materialize(
        [single_turn_samples], partition_key=k1, instance=inst, resources={"gtm": res}
    )
    assert _meta(r, "single_turn_samples")["generated"] == 0  # resumed: all units were committed
    cfg = {"ops": {"single_turn_samples": {"config": {"resume": False}}}}
    r = dg.materialize(
        [single_turn_samples],
        partition_key=k1,
        instance=inst,
        resources={"gtm": res},
        run_config=cfg,
    )
    assert _meta(r, "single_turn_samples")["generated"] > 0  # replaced: regenerated from scratch
    after = store.query(
        "select sample_id from carg_samples where field_key = ? and scenario = 'single' order by 1",
        [k1],
    )
    assert before["sample_id"].tolist() == after["sample_id"].tolist()
    # another config is another generation: the partition's old rows are replaced, not mixed
    cfg = {"ops": {"single_turn_samples": {"config": {"samples_per_tool": 1}}}}
    dg.materialize(
        [single_turn_samples],
        partition_key=k1,
        instance=inst,
        resources={"gtm": res},
        run_config=cfg,
    )
    g = store.query(
        "select count(distinct generation) as g, count(*) as n from carg_samples "
        "where field_key = ? and scenario = 'single'",
        [k1],
    )
    assert g["g"][0] == 1 and g["n"][0] < len(before)
