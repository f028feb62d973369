"""Baselines beside the simulator on the same real calls: no-answer outputs, record copy
with argument substitution, rules switched off by name, leave-one-source-out (split and
``gtm audit --holdout-source``)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gtm_core.evaluation.baselines import RecordCopy, audit_systems, substitute
from gtm_core.evaluation.real_split import HELDOUT, TRAIN, RealSplitConfig, split_calls
from gtm_core.evaluation.real_traces import RealCall, shared_pairs
from gtm_core.simulator.engine import SimCall, Simulator
from gtm_core.simulator.examples import ExampleIndex, RealExample
from gtm_core.simulator.models import ModelRef
from gtm_core.simulator.rules import RULE_NAMES
from gtm_core.simulator.silence import no_answer, says_nothing
from gtm_core.spec import ToolSpec
from gtm_core.tool_errors import is_error_payload


def _spec(name: str, description: str = "", required=()) -> ToolSpec:
    return ToolSpec.parse(
        {
            "name": name,
            "description": description or name,
            "parameters": {
                "type": "object",
                "properties": {"user_id": {"type": "string"}, "limit": {"type": "integer"}},
                "required": list(required),
            },
        }
    )


def test_no_answer_names_outputs_that_say_nothing():
    args = {"path": "/tmp/notes.txt", "n": 3}
    for out in (
        "",
        "  ",
        "{",
        "]",
        '"',
        "null",
        "read_file",
        "READ_FILE",
        "/tmp/notes.txt",
        "3",
        None,
    ):
        assert no_answer(out, "read_file", args), out
    for out in (
        "Wrote 3 lines",
        {"path": "/tmp/notes.txt"},
        [],
        3,
        {"error": {"type": "not_found"}},
        "4",
    ):
        assert not no_answer(out, "read_file", args), out


def test_record_copy_substitutes_the_call_s_arguments():
    recorded = {"user_id": "u-17", "limit": 2}
    out = {
        "user_id": "u-17",
        "items": [{"owner": "u-17", "user_id": "u-17"}],
        "note": "orders of u-17",
        "n": 2,
    }
    new = {"user_id": "ab-9", "limit": 5}
    assert substitute(out, recorded, new) == {
        "user_id": "ab-9",
        "items": [{"owner": "ab-9", "user_id": "ab-9"}],
        "note": "orders of ab-9",
        "n": 2,
    }
    assert substitute("x", {"user_id": "x"}, new) == "x"  # too short to stand for an argument


def test_record_copy_answers_from_own_then_nearest_records_after_the_gate(embedder):
    orders = _spec("get_orders", "List the orders of a user", required=["user_id"])
    records = [
        RealExample(
            "get_orders",
            orders.description,
            {"user_id": "u-1"},
            {"user_id": "u-1", "orders": []},
            "e1",
        ),
        RealExample(
            "get_invoices",
            "List the invoices of a user",
            {"user_id": "u-2"},
            "2 invoices for u-2",
            "e2",
        ),
    ]
    ix = ExampleIndex(records, k=2, embedder=embedder)
    copy = RecordCopy(ix)
    invoices_like = _spec("list_bills", "List the bills of a customer")
    gated, own, other_episode, nearest = copy.answer(
        [
            (orders, SimCall("get_orders", {})),  # missing required: the gate answers
            (orders, SimCall("get_orders", {"user_id": "z-5"})),
            (
                orders,
                SimCall("get_orders", {"user_id": "z-5"}, episode="e1"),
            ),  # its own episode is never copied
            (invoices_like, SimCall("list_bills", {"user_id": "c-3"})),
        ]
    )
    assert gated.source == "gate" and gated.is_error
    assert (own.source, own.output) == ("copy", {"user_id": "z-5", "orders": []})
    assert other_episode.source == "copy" and other_episode.output == "2 invoices for z-5"
    assert nearest.output == "2 invoices for c-3"  # the nearest recorded tool, however far
    assert (
        RecordCopy(ExampleIndex([], k=2, embedder=embedder))
        .answer([(orders, SimCall("get_orders", {"user_id": "a"}))])[0]
        .output
        == ""
    )


def test_rules_switch_off_by_name(embedder):
    spec = _spec("get_orders", "List the orders of a user", required=["user_id"])
    users = _spec("find_user", "Find a user by id", required=["user_id", "limit"])
    fail = {"error": {"type": "execution_error", "message": "upstream down", "field": None}}
    records = [
        RealExample("get_orders", spec.description, {"user_id": f"u{i}"}, fail, f"e{i}")
        for i in range(3)
    ]
    records.append(
        RealExample("find_user", users.description, {"user_id": "u9"}, {"name": "Ann"}, "e9")
    )
    ix = ExampleIndex(records, k=2, embedder=embedder)
    sim = Simulator([spec, users], examples=ix)
    assert sim.simulate("get_orders", {"user_id": 3}).source == "gate"
    assert (
        sim.simulate("get_orders", {"user_id": "a"}).source == "record"
    )  # it failed every recorded call
    assert sim.tools["find_user"].required == [
        "user_id"
    ]  # a recorded answered call did without limit
    loose = Simulator(
        [spec, users], examples=ix, without=["gate", "recorded_failure", "relaxed_spec"]
    )
    assert loose.tools["find_user"].required == ["user_id", "limit"]
    assert loose.simulate("get_orders", {"user_id": 3}).source == "model"
    assert loose.simulate("get_orders", {"user_id": "a"}).source == "model"
    with pytest.raises(ValueError, match="without: unknown rule 'nope'"):
        Simulator([spec], without=["nope"])
    assert list(RULE_NAMES)[:4] == ["replay", "relaxed_spec", "gate", "recorded_failure"]


def test_a_source_held_out_whole_is_seen_by_nothing():
    calls, line = [], 0
    for f, episodes in (
        ("a.jsonl", [["t1", "t2"]] * 10 + [["t1", "shared"]]),
        ("mcp_livemcpbench_real_calls.jsonl", [["m1", "shared"]] * 5),
    ):
        for e, tools in enumerate(episodes):
            for step, tool in enumerate(tools):
                line += 1
                calls.append(
                    RealCall(
                        tool,
                        {"x": line},
                        {"ok": line},
                        False,
                        False,
                        f"ep{e}",
                        step,
                        None,
                        False,
                        f,
                        line,
                    )
                )
    split = split_calls(calls, RealSplitConfig(unseen_source="livemcpbench", max_heldout=8))
    mcp = [split[(c.file, c.line)] for c in calls if c.file.startswith("mcp")]
    assert mcp and all(s == (HELDOUT, "unseen_source") for s in mcp)
    seen = [(c, split[(c.file, c.line)]) for c in calls if c.file == "a.jsonl"]
    assert all(
        s[0] == HELDOUT for c, s in seen if c.episode == "ep10"
    )  # its tools are unseen everywhere
    assert (
        sum(s[0] == HELDOUT for c, s in seen if c.episode != "ep10") <= 8
    )  # the cap is for the seen sources
    assert any(s[0] == TRAIN for _, s in seen)
    with pytest.raises(ValueError, match="unseen_source: unknown source 'nope'"):
        RealSplitConfig(unseen_source="nope")


def test_audit_systems_score_the_baselines_on_the_same_calls(shared_data, embedder):
    from gtm_core.evaluation.real_split import train_example_index

    calls, tools = shared_pairs(shared_data, ["api_bank_calls.jsonl"])
    ix = train_example_index(calls, tools, k=2, embedder=embedder)
    ref = ModelRef(label="teacher-as-model", kind="offline")
    runs = audit_systems(calls, tools, ref, None, ix, limit=60)
    assert list(runs) == ["offline-teacher", "rules-only", "record-copy"]
    reports = {k: r for k, (r, _) in runs.items()}
    assert {r["n_calls"] for r in reports.values()} == {60}
    assert all(0 <= r["no_answer_rate"] <= 1 for r in reports.values())
    copy_rows = runs["record-copy"][1]
    assert {r["source"] for r in copy_rows} <= {"copy", "gate", "record"}
    # rules-only reads the same records the simulator does: recorded shapes beat the declared ones
    assert (
        reports["rules-only"]["schema_agreement"] > reports["offline-teacher"]["schema_agreement"]
    )
    assert all(
        r["schema_agree"] is not True
        for rows in (r for _, r in runs.values())
        for r in rows
        if r["no_answer"]
    )


def test_cli_audit_holds_a_source_out_and_switches_rules_off(shared_data, data_dir):
    from gtm_core.cli import app

    res = CliRunner().invoke(
        app, ["audit", "--holdout-source", "bfcl", "--json", "--without", "declared_form"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["split"] == "source:bfcl_exec_real_outputs.jsonl" and out["sources"] == [
        "bfcl_exec_real_outputs.jsonl"
    ]
    assert out["n_calls"] == 28 and set(out["per_file"]) == {
        "bfcl_exec_real_outputs.jsonl"
    }  # every call of it
    # no registered model: the teacher is the model (no rules to switch off),
    # rules-only runs without the rule
    assert (
        set(out["baselines"]) == {"rules-only", "record-copy"} and out["model"]["kind"] == "offline"
    )
    assert out["without"] == [] and out["baselines"]["rules-only"]["without"] == ["declared_form"]
    bad = CliRunner().invoke(app, ["audit", "--holdout-source", "nope", "--json"])
    assert bad.exit_code == 2 and "unknown source 'nope'" in " ".join(bad.output.split())
    bad = CliRunner().invoke(app, ["audit", "--without", "magic", "--json"])
    assert bad.exit_code == 2 and "unknown rule 'magic'" in " ".join(bad.output.split())


def test_the_rule_table_of_the_docs_follows_the_engine_s_order():
    """docs/simulator.md's rule table lists ``simulator.rules.RULES`` in their order."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "simulator.md").read_text()
    section = doc.split("## Rules", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| `(\w+)` \|", section, re.M) == list(RULE_NAMES)


def test_a_model_result_that_says_nothing_gets_the_rules_answer():
    """The tool's name, the arguments or the spec given back are no answer: the engine answers with
    the rules' (source ``rules``); with the rule off, the model's text stands."""
    from gtm_core.llm.base import ScoredText

    spec = ToolSpec.parse(
        {
            "name": "start_process",
            "description": "Start a process",
            "parameters": {
                "type": "object",
                "properties": {"command": {"type": "string"}, "cwd": {"type": "string"}},
            },
        }
    )
    args = {"command": "ls", "cwd": "/tmp"}
    assert says_nothing(dict(args), "start_process", args)
    assert says_nothing(
        {"name": "start_process", "description": "Start a process"}, "start_process", {}
    )
    assert not says_nothing({**args, "pid": 7}, "start_process", args)
    assert says_nothing("sample", "load", {"file_path": "a.wav"})
    assert not says_nothing("success", "load", {"file_path": "a.wav"})
    # arguments beside empty fields say nothing; an empty list is a real "found nothing"
    movie = {"movie_name": "Heat"}
    assert says_nothing({"movie_name": "Heat", "movie": "", "year": None}, "find", movie)
    assert not says_nothing({"movie_name": "Heat", "results": []}, "find", movie)
    # arguments under other keys, parameters' schemas, an error written as a result
    assert says_nothing({"zip_by_ip": "10.0.0.1", "zip": "10.0.0.1"}, "get_zip", {"ip": "10.0.0.1"})
    assert says_nothing(
        {"country": "Brazil", "x-original-type": "dict", "type": "string"},
        "deaths",
        {"country": "Brazil"},
    )
    assert says_nothing(
        {"country": {"type": "string", "description": "The country to find the deaths of"}},
        "deaths",
        {"country": "Brazil"},
    )  # an argument's name over its schema
    assert says_nothing({"result": {"term": "lit"}}, "define", {"term": "lit"})  # a wrapper
    for marker in ("2646 chars truncated", "…[12 chars truncated]"):
        assert says_nothing(marker, "search", {"q": "x"})
    assert not says_nothing("Top stories…[2646 chars truncated]", "search", {"q": "x"})
    assert says_nothing({"result": "sample"}, "define", {"term": "lit"})
    assert not says_nothing({"result": "slang for exciting"}, "define", {"term": "lit"})
    # an item chosen from a list argument is an answer (the lowest price, a recommended doctor)
    prices = {"pharmacies": ["A", "B"], "prices": [20.0, 25.0]}
    assert not says_nothing({"lowest_price": 20.0}, "compare", prices)
    assert not says_nothing(
        {"country": {"name": "Brazil", "deaths": 711380}}, "deaths", {"country": "Brazil"}
    )
    assert says_nothing(
        {"error": {"message": "no such ASIN"}, "field": "ASIN"}, "rating", {"ASIN": "B1"}
    )
    assert not says_nothing(
        {"error": "no such ASIN", "field": "ASIN"}, "rating", {"ASIN": "B1"}, {"error", "rating"}
    )
    assert not says_nothing(
        {"word": "lit", "description": "When something is"}, "define", {"word": "lit"}
    )
    assert not says_nothing({"error": None, "rating": 4.1}, "rating", {"ASIN": "B1"})
    assert not says_nothing({"id": "B1", "rating": "B1"}, "rating", {"ASIN": "B2"})
    # a text that loops on one phrase says nothing; lists, tables and rules that repeat do not loop
    assert says_nothing(
        "write_file: 6 earlier call: 6 earlier call: 6 earlier call: 6 earlier call: 6 ear",
        "write_file",
        {},
    )
    assert says_nothing(
        "Report created at Report created at Report created at Report cr", "write_file", {}
    )
    for text in (
        "| --- | --- | --- | --- | --- |",
        "=" * 60,
        "row 1: ok\nrow 2: ok\nrow 3: ok\nrow 4: ok",
        "* [Home](/)\n* [News](/news)\n* [Sport](/sport)\n* [Weather](/weather)",
    ):
        assert not says_nothing(text, "read", {}), text

    class Echo:
        name, constrains = "echo", True

        def __init__(self, text: str):
            self.text = text

        def generate(self, requests, *, attempt: int = 0):
            return [ScoredText(self.text, 0.99) for _ in requests]

    for text in ('"start_process"', json.dumps(args)):
        res = Simulator([spec], Echo(text)).simulate("start_process", args)
        assert (
            res.source == "rules"
            and res.output == "Successfully started process: command ls, cwd /tmp."
        )
        kept = Simulator([spec], Echo(text), without=["rules_fallback"]).simulate(
            "start_process", args
        )
        assert kept.source == "model"
    assert (
        Simulator([spec], Echo('"Started pid 7"')).simulate("start_process", args).source == "model"
    )


def test_real_results_seldom_say_nothing(shared_data):
    """What ``says_nothing`` takes for a non-answer is what real tools do not write: of each real
    calls file's non-empty results, at most 1% are flagged (a real result can echo an argument:
    ``{"total_cost": 150.0}`` for a price of 150.0 over one month)."""
    from gtm_core.evaluation.real_traces import load_calls, real_value

    files = sorted(shared_data.glob("*_calls.jsonl"))
    assert files
    for path in files:
        calls, _ = load_calls(path)
        real = [(c, real_value(c)[0]) for c in calls]
        said = [
            (c, v)
            for c, v in real
            if not is_error_payload(v) and not no_answer(v, c.tool, c.arguments)
        ]
        flagged = [c.tool for c, v in said if says_nothing(v, c.tool, c.arguments)]
        assert len(flagged) <= 0.01 * len(said), (path.name, flagged)
