"""RL front: verl-style tool over a real server, search preset, hybrid routing, CLI."""

from __future__ import annotations

import asyncio
import json

import pytest
from _sim_support import real_specs
from typer.testing import CliRunner

from gtm_core.serve.http import create_app, running
from gtm_core.serve.rl import (
    GTMSimTool,
    HybridRouter,
    SimulatorClient,
    openai_tool_schema,
    ranked_documents,
    search_r1_format,
    search_spec,
)
from gtm_core.simulator import Simulator


@pytest.fixture(scope="module")
def url():
    sim = Simulator(real_specs("api_bank_tools.jsonl") + [search_spec()])
    with running(create_app(sim)) as u:
        yield u


def test_verl_tool_search_rollout_with_ground_truth(url):
    spec = search_spec()
    real_calls = []

    async def real_search(name, args):
        real_calls.append((name, args))
        return {"results": [{"title": "Real", "contents": "from the real tool", "score": 1.0}]}

    tool = GTMSimTool(
        {"simulator_url": url, "seed": 3, "format": "search_r1", "simulated_steps": 2},
        openai_tool_schema(spec),
        real_tool=real_search,
    )

    async def rollout(step):
        iid, _ = await tool.create(ground_truth=["Paris"])
        resp, reward, metrics = await tool.execute(
            iid, {"query": "capital of france", "top_k": 2}, global_step=step
        )
        bad, _, bad_metrics = await tool.execute(iid, {"top_k": 2}, global_step=step)
        await tool.release(iid)
        return resp, metrics, bad, bad_metrics

    resp, metrics, bad, bad_metrics = asyncio.run(rollout(0))
    text = resp if isinstance(resp, str) else resp.text
    assert (
        metrics["source"] == "model"
        and text.startswith("Doc 1(Title: ")
        and "Paris" in text.splitlines()[0]
    )
    assert len(text.strip().splitlines()) <= 2
    bad_text = bad if isinstance(bad, str) else bad.text
    assert (
        bad_metrics["source"] == "gate"
        and json.loads(bad_text)["error"]["type"] == "missing_required"
    )
    assert real_calls == []
    resp, metrics, _, _ = asyncio.run(rollout(5))  # past the simulated steps: the real tool answers
    assert (
        metrics["source"] == "real"
        and real_calls
        and "from the real tool" in (resp if isinstance(resp, str) else resp.text)
    )


def test_hybrid_router_policy():
    r = HybridRouter(simulated_steps=3)
    assert [r.use_simulator(s) for s in range(5)] == [True, True, True, False, False]
    assert HybridRouter().use_simulator(10**6)


def test_search_helpers():
    out = {
        "results": [
            {"title": "B", "contents": "b", "score": 0.2},
            {"title": "A", "contents": "a", "score": 0.9},
        ]
    }
    docs = ranked_documents(out, 1)
    assert [d["title"] for d in docs] == ["A"]
    assert search_r1_format(ranked_documents(out)) == "Doc 1(Title: A) a\nDoc 2(Title: B) b\n"


def test_sync_client_batch_and_sessions(url):
    with SimulatorClient(url) as c:
        sid = c.create_session(seed=1)
        res = c.simulate_batch(
            [
                {"tool": "GetToday", "arguments": {}, "session_id": sid},
                {"tool": "QueryAgenda", "arguments": {}, "session_id": sid},
            ]
        )
        assert [r["call_index"] for r in res] == [0, 1]
        assert res[1]["output"]["error"]["type"] == "missing_required"


def test_cli_simulate(tmp_path, monkeypatch):
    from gtm_core.cli import app

    monkeypatch.setenv("GTM_DATA_DIR", str(tmp_path / ".gtm"))
    f = tmp_path / "tools.jsonl"
    f.write_text("\n".join(json.dumps(s.to_public()) for s in real_specs("api_bank_tools.jsonl")))
    runner = CliRunner()
    r = runner.invoke(
        app, ["simulate", "QueryAgenda", "--args", '{"token": "x"}', "--tools", str(f), "--json"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["source"] == "gate" and out["output"]["error"]["field"] == "content"
    r = runner.invoke(
        app, ["simulate", "GetToday", "--args", "{}", "--tools", str(f), "--json", "--seed", "3"]
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["source"] == "model"
    r = runner.invoke(app, ["simulate", "GetToday", "--args", "{oops", "--tools", str(f)])
    assert r.exit_code != 0 and "invalid JSON" in r.output
    r = runner.invoke(
        app,
        [
            "simulate",
            "search",
            "--args",
            '{"query": "q"}',
            "--tools",
            str(f),
            "--hint",
            "42",
            "--json",
        ],
    )
    assert r.exit_code == 0 and "42" in json.dumps(json.loads(r.stdout)["output"])
