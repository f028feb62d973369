"""GTMSimTool inside the real verl package (0.9.1): BaseTool subclass, ToolAgentLoop's own per-call
create/execute/release against a real `gtm serve`, the tool-config YAML through verl's loader."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner


def _import_or_skip(name: str):
    try:
        return importlib.import_module(name)
    except Exception as e:  # noqa: BLE001 - say which module failed and why
        pytest.skip(f"verl cannot import on this machine: {name}: {type(e).__name__}: {e}")


base_tool = _import_or_skip("verl.tools.base_tool")
schemas = _import_or_skip("verl.tools.schemas")
tool_registry = _import_or_skip("verl.tools.tool_registry")
tal = _import_or_skip("verl.experimental.agent_loop.tool_agent_loop")
tool_parser = _import_or_skip("verl.experimental.agent_loop.tool_parser")

from gtm_core.serve.rl import GTMSimTool  # noqa: E402
from gtm_core.serve.verl_loop import GTMToolAgentLoop  # noqa: E402

BOOK = {
    "name": "book_table",
    "description": "Book a restaurant table; returns the reservation.",
    "parameters": {
        "type": "object",
        "properties": {
            "restaurant": {"type": "string", "description": "Restaurant name"},
            "time": {"type": "string", "description": "ISO time"},
        },
        "required": ["restaurant", "time"],
    },
    "response": {
        "type": "object",
        "properties": {"reservation_id": {"type": "string"}, "status": {"type": "string"}},
        "required": ["reservation_id", "status"],
    },
}
GET = {
    "name": "get_reservation",
    "description": "The current reservation of this user.",
    "parameters": {"type": "object", "properties": {}},
    "response": {
        "type": "object",
        "properties": {
            "reservation_id": {"type": "string"},
            "restaurant": {"type": "string"},
            "time": {"type": "string"},
        },
        "required": ["reservation_id", "restaurant", "time"],
    },
}
ORDER = {
    "name": "place_order",
    "description": "Order several items.",
    "parameters": {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "description": "What to order",
                "items": {
                    "type": "object",
                    "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
                    "required": ["sku", "qty"],
                },
            },
            "priority": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        },
        "required": ["items"],
    },
    "response": {
        "type": "object",
        "properties": {"order_id": {"type": "string"}, "note": {"type": "string"}},
        "required": ["order_id", "note"],
    },
}


@pytest.fixture(scope="module")
def tools_file(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("rl") / "tools.jsonl"
    f.write_text("\n".join(json.dumps(t) for t in (BOOK, GET, ORDER)) + "\n")
    return f


@pytest.fixture(scope="module")
def gtm_serve(tools_file, tmp_path_factory):
    """A real `gtm serve` (offline teacher) on 127.0.0.1 in its own process group."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gtm = Path(sys.executable).with_name("gtm")
    env = {**os.environ, "GTM_DATA_DIR": str(tmp_path_factory.mktemp("gtmdata"))}
    proc = subprocess.Popen(
        [
            str(gtm),
            "serve",
            "--backend",
            "offline",
            "--tools",
            str(tools_file),
            "--port",
            str(port),
            "--session-ttl",
            "600",
            "--max-sessions",
            "1000",
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"gtm serve did not start: {proc.stdout.read() if proc.stdout else ''}")
        time.sleep(0.3)
    yield url
    os.killpg(proc.pid, signal.SIGINT)
    try:
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _write_config(tools_file: Path, url: str, out: Path, *extra: str) -> dict:
    from gtm_core.cli import app

    r = CliRunner().invoke(
        app,
        [
            "rl",
            "verl-config",
            "--tools",
            str(tools_file),
            "--url",
            url,
            "--out",
            str(out),
            "--json",
            *extra,
        ],
    )
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _rollout_defaults():
    from omegaconf import OmegaConf

    return OmegaConf.load(Path(tal.__file__).parents[2] / "trainer/config/rollout/rollout.yaml")


def _loop(cls, tools: list) -> object:
    """verl's ToolAgentLoop without its LLM server: only the state ``_call_tool`` reads, taken
    from verl's own rollout defaults and the loaded tools."""
    mt = _rollout_defaults().multi_turn
    loop = cls.__new__(cls)
    loop.tools = {t.name: t for t in tools}
    loop.max_tool_response_length = mt.max_tool_response_length
    loop.tool_response_truncate_side = mt.tool_response_truncate_side
    return loop


def _agent_data(request_id: str, tools_kwargs: dict):
    return tal.AgentData(
        messages=[{"role": "user", "content": "book me a table"}],
        image_data=None,
        video_data=None,
        audio_data=None,
        mm_processor_kwargs=None,
        metrics={},
        request_id=request_id,
        tools_kwargs=tools_kwargs,
    )


def test_verl_imports_on_cpu_without_gpu_stack():
    assert issubclass(GTMSimTool, base_tool.BaseTool) and issubclass(
        GTMToolAgentLoop, tal.ToolAgentLoop
    )
    assert "vllm" not in sys.modules and "sglang" not in sys.modules
    # the per-call lifecycle GTMSimTool is built for, as the installed verl runs it
    src = inspect.getsource(tal.ToolAgentLoop._call_tool)
    assert "await tool.create(create_kwargs=" in src and "agent_data=agent_data" in src
    assert "await tool.release(instance_id)" in src
    assert "self._make_request_id(" in inspect.getsource(tal.ToolAgentLoop.run)


def test_state_survives_verl_per_call_lifecycle(gtm_serve, tools_file, tmp_path):
    _write_config(tools_file, gtm_serve, tmp_path / "tools.yaml", "--max-response-chars", "1024")
    tools = tool_registry.initialize_tools_from_config(str(tmp_path / "tools.yaml"))
    by_name = {t.name: t for t in tools}
    loop = _loop(GTMToolAgentLoop, tools)
    loop.max_tool_response_length = 1024  # what the generated settings tell verl
    tools_kwargs = {"book_table": {"create_kwargs": {"seed": 5}}}

    async def trajectory(calls: list[tuple[str, dict]]) -> tuple[str, list[str]]:
        rid = loop._make_request_id(0, False)
        ad = _agent_data(rid, tools_kwargs)
        outs = []
        for name, args in calls:
            resp, reward, _ = await tal.ToolAgentLoop._call_tool(
                loop,
                tool_parser.FunctionCall(name=name, arguments=json.dumps(args)),
                tools_kwargs,
                ad,
            )
            assert isinstance(resp, schemas.ToolResponse) and reward == 0.0
            outs.append(resp.text)
        return rid, outs

    rid, (booked, seen) = asyncio.run(
        trajectory(
            [
                ("book_table", {"restaurant": "Chez Test", "time": "2025-05-01T19:00"}),
                ("get_reservation", {}),
            ]
        )
    )
    booked, seen = json.loads(booked), json.loads(seen)
    # the second call (another tool, another create/release) sees the first
    assert seen["restaurant"] == "Chez Test" and seen["time"] == "2025-05-01T19:00"
    assert seen["reservation_id"] == booked["reservation_id"]
    assert all(not t._instances for t in tools)  # verl released every per-call instance
    state = httpx.get(f"{gtm_serve}/v1/sessions/{rid}").json()
    assert (
        state["calls"] == 2 and state["state_version"] >= 1 and state["seed"] == 5
    )  # a write bumped the version
    # another trajectory is another session: it has not booked anything
    rid2, (other,) = asyncio.run(trajectory([("get_reservation", {})]))
    assert json.loads(other)["restaurant"] != "Chez Test"
    # the end of the trajectories deletes their sessions (once per server, not per tool)
    assert asyncio.run(loop.end_trajectories()) == 2
    for r in (rid, rid2):
        assert httpx.get(f"{gtm_serve}/v1/sessions/{r}").status_code == 404
    assert (
        by_name["book_table"].max_tokens == 342
    )  # max_tokens follows the response length (1024 / 3)
    metrics = httpx.get(f"{gtm_serve}/metrics").text
    assert (
        "gtm_sessions_expired_total 0" in metrics
        and 'gtm_sim_results_total{source="model"} 3' in metrics
    )


def test_response_length_is_explicit_and_not_cut_by_verl(gtm_serve, tools_file, tmp_path):
    _write_config(
        tools_file,
        gtm_serve,
        tmp_path / "tools.yaml",
        "--max-response-chars",
        "40",
        "--tool",
        "book_table",
    )
    (tool,) = tool_registry.initialize_tools_from_config(str(tmp_path / "tools.yaml"))
    assert tool.max_response_chars == 40 and tool.max_tokens == 14
    loop = _loop(tal.ToolAgentLoop, [tool])
    loop.max_tool_response_length = 40
    ad = _agent_data("traj-len", {})
    resp, _, _ = asyncio.run(
        tal.ToolAgentLoop._call_tool(
            loop,
            tool_parser.FunctionCall(
                name="book_table", arguments='{"restaurant": "R", "time": "t"}'
            ),
            {},
            ad,
        )
    )
    # cut at its end by the adapter, within the limit, so verl's middle cut never happens
    assert (
        len(resp.text) <= 40
        and resp.text.endswith("...(truncated)")
        and "...(truncated)..." not in resp.text
    )
    asyncio.run(tool.end_trajectory("traj-len"))
    with pytest.raises(ValueError, match="config.max_response_chars"):
        GTMSimTool({"simulator_url": gtm_serve, "max_response_chars": 0}, tool.tool_schema)
    with pytest.raises(ValueError, match="config.simulator_url"):
        GTMSimTool({}, tool.tool_schema)


def test_hybrid_switch_follows_verl_step(gtm_serve):
    real = []

    async def real_tool(name, args):
        real.append(name)
        return {"reservation_id": "real-1", "restaurant": "Real", "time": "now"}

    tool = GTMSimTool(
        {"simulator_url": gtm_serve, "simulated_steps": 3}, verl_schema(GET), real_tool=real_tool
    )
    loop = _loop(tal.ToolAgentLoop, [tool])

    async def call(step: int) -> str:
        ad = _agent_data(f"traj-step-{step}", {})
        ad.extra_fields["max_global_steps"] = step  # what verl's rollout server reports
        resp, _, _ = await tal.ToolAgentLoop._call_tool(
            loop, tool_parser.FunctionCall(name="get_reservation", arguments="{}"), {}, ad
        )
        await tool.end_trajectory(ad.request_id)
        return resp.text

    assert json.loads(asyncio.run(call(2)))["reservation_id"] != "real-1" and real == []
    assert json.loads(asyncio.run(call(3)))["reservation_id"] == "real-1" and real == [
        "get_reservation"
    ]


def verl_schema(raw: dict):
    """verl's schema object of a raw spec."""
    from gtm_core.serve.verl_config import verl_tool_schema
    from gtm_core.spec import ToolSpec

    return schemas.OpenAIFunctionToolSchema.model_validate(verl_tool_schema(ToolSpec.parse(raw))[0])


def test_verl_config_yaml_through_verl_loader(tools_file, tmp_path):
    import hydra
    from omegaconf import OmegaConf

    rep = _write_config(
        tools_file,
        "http://127.0.0.1:8080",
        tmp_path / "cfg/tools.yaml",
        "--agent-loop-out",
        str(tmp_path / "cfg/agent_loop.yaml"),
        "--max-response-chars",
        "2000",
        "--token-env",
        "GTM_TEST_TOKEN",
    )
    assert rep["tools"] == 3 and set(rep["nested_lost"]) == {"place_order"}
    assert rep["nested_lost"]["place_order"] == {"items": ["items"], "priority": ["anyOf"]}
    assert rep["typed"] == {"place_order": {"priority": "['integer', 'string']"}}
    os.environ["GTM_TEST_TOKEN"] = "s3cret"
    try:
        tools = tool_registry.initialize_tools_from_config(str(tmp_path / "cfg/tools.yaml"))
    finally:
        del os.environ["GTM_TEST_TOKEN"]
    assert [type(t) for t in tools] == [GTMSimTool] * 3 and [t.name for t in tools] == [
        "book_table",
        "get_reservation",
        "place_order",
    ]
    order = tools[2]
    assert order.max_response_chars == 2000 and order.client._kw["headers"] == {
        "Authorization": "Bearer s3cret"
    }
    props = order.tool_schema.function.parameters.properties
    # verl's model keeps type/description/enum only; the nested
    # structure survives in the description
    assert (
        props["items"].type == "array"
        and "JSON Schema:" in props["items"].description
        and '"sku"' in props["items"].description
    )
    assert props["priority"].type == ["integer", "string"]
    # the agent loop entry resolves to GTMToolAgentLoop through hydra, as verl instantiates it
    (entry,) = OmegaConf.load(tmp_path / "cfg/agent_loop.yaml")
    assert (
        entry.name == "gtm_tool_agent" and hydra.utils.get_class(entry._target_) is GTMToolAgentLoop
    )
    # every printed setting names a real key of verl's rollout config
    rollout = _rollout_defaults()
    OmegaConf.set_struct(rollout, True)
    prefix = "actor_rollout_ref.rollout."
    merged = OmegaConf.merge(
        rollout, OmegaConf.from_dotlist([o.removeprefix(prefix) for o in rep["verl_overrides"]])
    )
    assert (
        merged.multi_turn.max_tool_response_length == 2000 and merged.multi_turn.format == "hermes"
    )
    assert merged.agent.default_agent_loop == "gtm_tool_agent"


def test_verl_config_cli_errors(tools_file, tmp_path):
    from gtm_core.cli import app

    r = CliRunner().invoke(
        app, ["rl", "verl-config", "--tools", str(tools_file), "--url", "localhost:8080"]
    )
    assert r.exit_code != 0 and "--url" in r.output and "http(s) URL" in r.output
    r = CliRunner().invoke(
        app,
        ["rl", "verl-config", "--tools", str(tools_file), "--url", "http://x", "--format", "xml"],
    )
    assert r.exit_code != 0 and "--format" in r.output
    r = CliRunner().invoke(app, ["rl", "verl-config", "--url", "http://x", "--search-preset"])
    assert (
        r.exit_code == 0
        and "class_name: gtm_core.serve.rl.GTMSimTool" in r.stdout
        and "format: search_r1" in r.stdout
    )


def test_session_store_ttl_and_bound():
    from gtm_core.simulator.session import SessionStore

    st = SessionStore(max_sessions=2, ttl_s=1.0)
    a = st.create(1, "a")
    st.create(0, "b")
    st.create(0, "c")  # over the bound: the least recently used ("a") goes
    assert st.get("a") is None and len(st) == 2 and st.expired == 1
    time.sleep(0.6)
    assert st.get("b") is not None  # touched: lives on
    time.sleep(0.6)
    assert st.get("c") is None and st.get("b") is not None and st.expired == 2  # idle past the TTL
    assert a.id == "a"
    with pytest.raises(ValueError, match="ttl_s"):
        SessionStore(ttl_s=0)
