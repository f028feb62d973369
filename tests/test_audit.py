"""Sim-to-real audit: agreement measures on hand-made cases, bad input kept with reasons, the audit
over the visible real-call files in ../shared/data (every figure), the CLI's JSON object, and the
sim_to_real_report asset."""

from __future__ import annotations

import json

import dagster as dg
import pytest
from typer.testing import CliRunner

from gtm_core.evaluation.real_traces import (
    RealCall,
    audit,
    decode_text,
    load_calls,
    real_value,
    schema_agrees,
    shared_pairs,
    spec_from_call,
    text_f1,
    token_f1,
    value_agreement,
)
from gtm_core.simulator.backends import OfflineSimBackend

FIGURES = ("n_calls", "error_agreement", "schema_agreement", "value_agreement")


def _call(output, truncated=False) -> RealCall:
    return RealCall("t", {"q": "x", "n": 3}, output, False, False, None, 0, None, truncated, "f", 1)


def test_agreement_measures():
    real = {"id": "a1", "price": 3.5, "tags": ["x"], "owner": {"name": "n"}}
    assert schema_agrees(real, {"id": "zz", "price": 1, "tags": ["y", "z"], "owner": {"name": "m"}})
    assert not schema_agrees(real, {"id": "zz", "price": "1", "tags": [], "owner": {"name": "m"}})
    assert not schema_agrees(real, {"id": "zz", "price": 1, "tags": []})  # a key missing
    assert not schema_agrees(
        real, {"id": "a1", "price": 3.5, "tags": ["x"], "owner": {"nick": "n"}}
    )
    assert schema_agrees("success", "done") and not schema_agrees("success", {"status": "ok"})
    assert value_agreement(real, {"id": "A1 ", "price": 3.5000000001}) == 1.0
    assert value_agreement(real, {"id": "a2", "price": 3.5}) == 0.5
    assert value_agreement(-0.4, -0.4) == 1.0 and value_agreement("PG-13", "R") == 0.0
    assert value_agreement([1, 2], [1, 2]) is None


def test_real_outputs_decode():
    assert real_value(_call("{'a': 1, 'ok': True, 'x': None}")) == (
        {"a": 1, "ok": True, "x": None},
        True,
    )
    assert real_value(_call('[{"id": 1}]')) == ([{"id": 1}], True)
    assert real_value(_call("{'a': [1, 2, ...", truncated=True)) == ("{'a': [1, 2, ...", False)
    assert real_value(_call("Successfully wrote 3 lines")) == ("Successfully wrote 3 lines", True)
    spec = spec_from_call(_call("x"))
    assert (
        spec.properties == {"q": {"type": "string"}, "n": {"type": "number"}}
        and spec.response_schema is None
    )


def test_bad_call_lines_are_kept_with_reasons(tmp_path):
    f = tmp_path / "calls.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps({"tool": "a", "arguments": {}, "output": 1}),
                "{oops",
                json.dumps({"arguments": {}, "output": 1}),
                json.dumps({"tool": "b", "arguments": [1], "output": 1}),
                json.dumps({"tool": "c", "arguments": {}}),
            ]
        )
        + "\n"
    )
    calls, rejects = load_calls(f)
    assert [c.tool for c in calls] == ["a"]
    assert [(r.field, r.reason) for r in rejects] == [
        ("<json>", "invalid JSON: Expecting property name enclosed in double quotes"),
        ("tool", "missing or not a string"),
        ("arguments", "must be an object"),
        ("output", "missing"),
    ]


def test_audit_on_real_files_produces_every_figure(shared_data):
    calls, tools = shared_pairs(shared_data)
    assert len(calls) == 4
    report, rows = audit(
        calls, tools, OfflineSimBackend(), model={"label": "offline"}, limit=160, batch_size=40
    )
    assert report["n_calls"] == len(rows) == 160
    for part in [
        report,
        *report["per_tool"].values(),
        *report["by_statefulness"].values(),
        *report["per_file"].values(),
    ]:
        assert part["n_calls"] > 0 and 0 <= part["error_agreement"] <= 1
        for k in ("schema_agreement", "value_agreement"):
            assert part[k] is None or 0 <= part[k] <= 1
    assert 0 <= report["schema_agreement"] <= 1 and 0 <= report["value_agreement"] <= 1
    assert set(report["by_statefulness"]) == {"stateful", "stateless"}
    assert set(report["per_file"]) == {c.name for c in calls} and sorted(
        v["n_calls"] for v in report["per_file"].values()
    ) == [28, 44, 44, 44]
    assert report["real_errors"] > 0  # toolbench / LiveMCPBench errors are in the slice
    # toolbench tools without a published spec get one built from the call, and are listed
    assert report["built_specs"] and all(
        report["per_tool"][t]["spec"] == "built_from_call" for t in report["built_specs"]
    )
    # multi-step episodes were replayed with their earlier real calls as history
    steps = [r for r in rows if r["file"] == "api_bank_calls.jsonl" and r["step"] > 0]
    assert steps


def test_cli_audit_json(shared_data, data_dir):
    from gtm_core.cli import app

    res = CliRunner().invoke(
        app,
        [
            "audit",
            "--tools",
            str(shared_data / "bfcl_tools.jsonl"),
            "--calls",
            str(shared_data / "bfcl_exec_real_outputs.jsonl"),
            "--json",
            "--limit",
            "12",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["n_calls"] == 12 and all(0 <= out[k] <= 1 for k in FIGURES[1:]) and out["per_tool"]
    assert out["model"]["kind"] == "offline" and "no registered model" in out["model"]["note"]
    bad = CliRunner().invoke(app, ["audit", "--calls", str(data_dir / "nope.jsonl"), "--json"])
    assert bad.exit_code == 2 and "no such file" in " ".join(bad.output.split())


def test_sim_to_real_report_asset(shared_data, gtm_resource):
    from gtm_assets.defs.evaluation import AuditConfig, sim_to_real_report

    r = dg.materialize(
        [sim_to_real_report],
        resources={"gtm": gtm_resource},
        run_config=dg.RunConfig({"sim_to_real_report": AuditConfig(limit=40)}),
    )
    assert r.success
    md = r.asset_materializations_for_node("sim_to_real_report")[0].metadata
    assert md["n_calls"].value == 40 and 0 <= md["error_agreement"].value <= 1
    assert "stateful" in md["summary"].value and "overall" in md["summary"].value
    store = gtm_resource.store()
    assert store.count("sim_to_real_calls") == 40 and store.count("sim_to_real_tools") > 0


@pytest.mark.parametrize("model", ["openai:x", "/no/such/folder"])
def test_cli_rejects_bad_model(shared_data, data_dir, model):
    from gtm_core.cli import app

    res = CliRunner().invoke(app, ["audit", "--model", model, "--json", "--limit", "1"])
    assert res.exit_code == 2 and "--model" in " ".join(res.output.split())


def test_json_text_is_decoded_and_plain_text_scored():
    assert decode_text('{"a": 1}') == ({"a": 1}, True) and decode_text("{'a': [1]}") == (
        {"a": [1]},
        True,
    )
    assert decode_text('"quoted"') == ("quoted", True) and decode_text("plain words") == (
        "plain words",
        False,
    )
    real = {"id": "a1", "n": 2}
    assert schema_agrees(
        real, decode_text(json.dumps({"id": "b", "n": 5}))[0]
    )  # a simulated JSON string
    assert schema_agrees("Wrote 3 lines to a.txt", "Wrote 9 lines") and not schema_agrees(
        "done", {"status": "done"}
    )
    assert token_f1("Wrote 3 lines to a.txt", "wrote 3 lines to a.txt") == 1.0
    assert token_f1("the cat sat", "the dog sat") == pytest.approx(2 / 3)
    assert token_f1("", "") == 1.0 and token_f1("x", "") == 0.0
    assert text_f1({"a": 1}, "a") is None and text_f1("status ok", {"status": "ok"}) == 1.0


def test_audit_selects_calls_and_reports_text_f1(shared_data):
    from gtm_core.evaluation.real_split import selection

    calls, tools = shared_pairs(shared_data)
    held = selection(calls, "heldout")
    assert held and held.isdisjoint(selection(calls, "train"))
    report, rows = audit(calls, tools, OfflineSimBackend(), model={"label": "offline"}, select=held)
    assert (
        report["n_calls"] == len(held) == len(rows)
        and {(r["file"], r["line"]) for r in rows} == held
    )
    assert set(report["per_file"]) == {c.name for c in calls}
    assert report["n_text_compared"] > 0 and 0 <= report["text_f1"] <= 1
    texts = [r["text_f1"] for r in rows if r["text_f1"] is not None]
    assert len(texts) == report["n_text_compared"]


def _always_error(body: dict) -> str:
    return json.dumps(
        {"error": {"type": "execution_error", "message": "service down", "field": None}}
    )


def test_cli_audit_scores_model_and_offline_side_by_side(shared_data, data_dir, tmp_path):
    from openai_stub_server import StubLLMServer

    from gtm_core.cli import app
    from gtm_core.evaluation.real_split import selection, split_config
    from gtm_core.settings import get_settings

    calls, _ = shared_pairs(shared_data)
    held = selection(calls, "heldout", config=split_config(get_settings()))
    assert not any(
        f.startswith("mcp_livemcpbench") for f, _ in held
    )  # the unseen source has a part of its own
    rows_file = tmp_path / "rows.jsonl"
    with StubLLMServer(_always_error) as srv:
        res = CliRunner().invoke(
            app,
            [
                "audit",
                "--model",
                f"openai:stub@{srv.base_url}",
                "--limit",
                "40",
                "--json",
                "--out",
                str(rows_file),
            ],
        )
        table = CliRunner().invoke(
            app, ["audit", "--model", f"openai:stub@{srv.base_url}", "--limit", "8"]
        )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    off = out["offline_teacher"]
    assert out["split"] == "heldout" and out["n_calls"] == off["n_calls"] == 40
    assert out["model"]["kind"] == "openai" and off["model"]["kind"] == "offline"
    assert (
        off["error_agreement"] > out["error_agreement"]
    )  # answering errors to valid calls is caught
    assert {
        (r["file"], r["line"]) for r in map(json.loads, rows_file.read_text().splitlines())
    } <= held
    assert table.exit_code == 0, table.output
    flat = " ".join(table.output.split())
    assert (
        "overall" in flat and "api_bank" in flat and "offline-teacher" in flat and "stub @" in flat
    )
    bad = CliRunner().invoke(app, ["audit", "--split", "nope", "--json"])
    assert bad.exit_code == 2 and "split" in bad.output
