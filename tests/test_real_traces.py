"""Real traces as training signal: the deterministic split by tool and episode (hand-made calls and
the visible real files), and the real_traces -> sft_dataset assets materialized on real data,
proving that held-out tools and episodes never reach the SFT files."""

from __future__ import annotations

import json
import random
import re
import warnings

import dagster as dg
import pytest
from carg_data import seal_specs, write_tools

from gtm_core.evaluation.real_split import HELDOUT, TRAIN, RealSplitConfig, build_split, split_calls
from gtm_core.evaluation.real_traces import (
    REAL_ERROR_TYPE,
    RealCall,
    episode_key,
    shared_pairs,
    target_output,
    with_history,
)
from gtm_core.spec import ToolSpec
from gtm_core.tool_errors import is_error_payload

warnings.filterwarnings("ignore", category=dg.BetaWarning)


def _calls() -> list[RealCall]:
    out, line = [], 0
    for e in range(40):
        for step, tool in enumerate([f"t{e % 7}", f"u{e % 5}", "login"][: 1 + e % 3]):
            line += 1
            out.append(
                RealCall(
                    tool,
                    {"x": e},
                    {"ok": e},
                    False,
                    True,
                    f"ep{e}",
                    step,
                    None,
                    False,
                    "a.jsonl",
                    line,
                )
            )
    for i in range(30):  # calls without an episode stand alone
        out.append(
            RealCall(
                f"s{i % 9}",
                {"q": i},
                "text",
                i % 4 == 0,
                False,
                None,
                0,
                None,
                False,
                "b.jsonl",
                i + 1,
            )
        )
    return out


def test_split_holds_out_whole_tools_and_episodes_deterministically():
    calls = _calls()
    cfg = RealSplitConfig(tool_frac=0.2, episode_frac=0.2, max_heldout=None)
    split = split_calls(calls, cfg)
    shuffled = calls[:]
    random.Random(3).shuffle(shuffled)
    assert split_calls(shuffled, cfg) == split  # content hashes, not order or RNG state
    held = [c for c in calls if split[(c.file, c.line)][0] == HELDOUT]
    train = [c for c in calls if split[(c.file, c.line)][0] == TRAIN]
    unseen = {c.tool for c in calls if split[(c.file, c.line)][1] == "unseen_tool"}
    assert unseen and held and train
    assert not unseen & {c.tool for c in train}  # a held-out tool is never in train
    held_eps = {episode_key(c) for c in held}
    assert not held_eps & {episode_key(c) for c in train}  # episodes are held out whole
    assert {c.file for c in held} == {"a.jsonl", "b.jsonl"}
    assert 0.2 * len(calls) <= len(held) <= 0.45 * len(calls)
    capped = split_calls(calls, RealSplitConfig(tool_frac=0.2, episode_frac=0.2, max_heldout=10))
    assert 0 < sum(p == HELDOUT for p, _ in capped.values()) <= 10
    assert split_calls(calls, RealSplitConfig(salt="other")) != split_calls(
        calls, RealSplitConfig()
    )


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"tool_frac": 1.5}, "tool_frac"),
        ({"tool_frac": 0.6, "episode_frac": 0.6}, "tool_frac + episode_frac"),
        ({"max_heldout": -1}, "max_heldout"),
    ],
)
def test_split_config_names_the_bad_field(kw, field):
    with pytest.raises(ValueError, match=re.escape(field)):
        RealSplitConfig(**kw)


def test_real_error_targets_are_error_payloads():
    c = RealCall(
        "t",
        {},
        "{'statusCode': 400, 'message': 'Invalid request query input'}",
        True,
        False,
        None,
        0,
        None,
        False,
        "f",
        1,
    )
    assert target_output(c) == {
        "error": {"type": REAL_ERROR_TYPE, "message": "Invalid request query input", "field": None}
    }
    empty = RealCall("t", {}, "", True, False, None, 0, None, False, "f", 2)
    assert target_output(empty)["error"]["message"] == "The tool call failed."
    recorded = RealCall(
        "t",
        {},
        "",
        True,
        False,
        None,
        0,
        None,
        False,
        "f",
        4,
        error="request invalid, data error. status_code=500",
    )  # ToolBench keeps it beside the output
    assert (
        target_output(recorded)["error"]["message"]
        == "request invalid, data error. status_code=500"
    )
    ok = RealCall("t", {}, '{"a": 1}', False, False, None, 0, None, False, "f", 3)
    assert target_output(ok) == {"a": 1}


def test_history_shows_earlier_failures_as_error_payloads():
    """An earlier failure reads in the history as the simulator answers it (the canonical error
    payload), as a simulated session records it, not as its raw text (which reads as an answer)."""
    fail = RealCall(
        "cep",
        {"cep": "1"},
        "Timeout error...Read timed out.",
        True,
        False,
        "e",
        0,
        None,
        False,
        "f",
        1,
    )
    ok = RealCall(
        "cep", {"cep": "2"}, '{"city": "Lima"}', False, False, "e", 1, None, False, "f", 2
    )
    last = RealCall("cep", {"cep": "3"}, "x", False, False, "e", 2, None, False, "f", 3)
    (_, h0), (_, h1), (_, h2) = with_history([last, ok, fail])
    assert h0 == [] and h1 == [
        {"tool": "cep", "arguments": {"cep": "1"}, "output": target_output(fail)}
    ]
    assert (
        is_error_payload(h2[0]["output"])
        and h2[0]["output"]["error"]["message"] == "Timeout error...Read timed out."
    )
    assert h2[1]["output"] == {"city": "Lima"}


def test_split_of_the_visible_real_files(shared_data):
    calls, tools = shared_pairs(shared_data)
    s = build_split(calls, tools)
    assert len(s.traces) > 1000 and 200 <= len(s.heldout) <= RealSplitConfig().max_heldout
    held_files = {t.file for t in s.traces if t.split == HELDOUT}
    assert held_files == {c.name for c in calls}  # spread across all four files
    assert {t.file for t in s.traces if t.reason == "unseen_tool"} == held_files
    train_tools = {t.tool for t in s.traces if t.split == TRAIN}
    assert s.heldout_tools and not s.heldout_tools & train_tools
    ex = s.examples[0]["messages"]
    assert [m["role"] for m in ex] == ["system", "user", "assistant"] and "CALL: " in ex[1][
        "content"
    ]
    assert any(
        "HISTORY[0]" in e["messages"][1]["content"] for e in s.examples
    )  # episodes keep their history
    assert build_split(calls, tools).rows() == s.rows()


def _names(content: str) -> set[str]:
    """Tool names in a user turn: the TOOL line's spec name and every HISTORY item's tool."""
    names = set(re.findall(r'^TOOL: \{"name": "([^"]+)"', content, re.M))
    return names | set(re.findall(r'^HISTORY\[\d+\]: \{"tool": "([^"]+)"', content, re.M))


def test_heldout_tools_and_episodes_never_reach_the_sft_files(shared_data, gtm_resource):
    """CARG on Seal-Tools specs plus API-Bank specs of held-out and trained real tools, then
    real_traces and sft_dataset for real: no SFT train/val example names a held-out tool (target or
    history), and no real row comes from a held-out episode."""
    from gtm_assets.defs.carg import (
        carg_dataset,
        error_samples,
        multi_turn_samples,
        single_turn_samples,
    )
    from gtm_assets.defs.real import real_traces
    from gtm_assets.defs.splits import dataset_splits, sft_dataset
    from gtm_core.evaluation.real_split import split_config, unseen_tools
    from gtm_core.storage import Store
    from gtm_core.tools.taxonomy import field_key

    calls, tools = shared_pairs(shared_data)
    split = build_split(calls, tools, split_config(gtm_resource.settings))
    assert {t.file for t in split.traces if t.reason == "unseen_source"} == {
        "mcp_livemcpbench_real_calls.jsonl"
    }
    api = {t.tool for t in split.traces if t.file == "api_bank_calls.jsonl"}
    unseen = sorted(split.heldout_tools & api)[:4]
    seen = sorted(api - split.heldout_tools)[:4]
    raws = [
        json.loads(x)
        for x in (shared_data / "api_bank_tools.jsonl").read_text().splitlines()
        if x.strip()
    ]
    bank = [
        ToolSpec.parse({**r, "field": "Healthcare", "subfield": "api", "source": "api_bank"})
        for r in raws
        if r.get("name") in {*unseen, *seen}
    ]
    bank = list({s.name: s for s in bank}.values())
    assert {s.name for s in bank} & set(unseen)
    write_tools(Store(gtm_resource.settings.duckdb_path), seal_specs({"Healthcare": 6}) + bank)
    inst = dg.DagsterInstance.ephemeral()
    inst.add_dynamic_partitions("fields", [field_key("Healthcare")])
    res = {"gtm": gtm_resource}
    assert dg.materialize(
        [single_turn_samples, multi_turn_samples, error_samples],
        partition_key=field_key("Healthcare"),
        instance=inst,
        resources=res,
    ).success
    r = dg.materialize(
        [carg_dataset, dataset_splits, real_traces, sft_dataset], instance=inst, resources=res
    )
    assert r.success
    rt = r.asset_materializations_for_node("real_traces")[0]
    assert rt.metadata["heldout"].value == len(split.heldout) and rt.metadata["calls"].value == len(
        split.traces
    )
    assert rt.tags["dagster/data_version"]  # the files' hash
    md = r.asset_materializations_for_node("sft_dataset")[0].metadata
    assert md["real_examples"].value > 500 and md["carg_left_out_unseen_real_tools"].value > 0

    store = gtm_resource.store()
    traces = store.read("real_traces")
    held_tools = unseen_tools(traces)
    assert (
        set(traces.loc[traces["file"] == "mcp_livemcpbench_real_calls.jsonl", "tool"]) <= held_tools
    )
    held_keys = {
        f"real:{f}:{n}"
        for f, n in traces.loc[traces["split"] == HELDOUT, ["file", "line"]].itertuples(index=False)
    }
    held_eps = {
        (f, e)
        for f, e in traces.loc[
            (traces["split"] == HELDOUT) & (traces["episode"] != ""), ["file", "episode"]
        ].itertuples(index=False)
    }
    sft = store.read("sft_examples")
    real = sft[sft["scenario"] == "real"]
    assert set(real["split"]) <= {"train", "val"} and (real["split"] == "train").sum() > 500
    assert not held_keys & set(real["sample_id"])
    ex = store.read("real_examples")
    assert not held_eps & set(zip(ex["file"], ex["episode"], strict=True))
    gated = ex["kind"] == "gated_call"  # calls the gate answers are not model targets
    assert gated.any() and set(ex.loc[~gated, "sample_id"]) == set(real["sample_id"])
    out = gtm_resource.settings.exports_dir / "sft"
    named: set[str] = set()
    for part in ("train", "val"):
        for line in (out / f"{part}.jsonl").read_text().splitlines():
            named |= _names(json.loads(line)["messages"][1]["content"])
    assert named & set(seen)  # the trained real tools are there (CARG and real rows) ...
    assert not named & held_tools  # ... the held-out ones never
