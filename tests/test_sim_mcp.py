"""MCP front: a real MCP client session (stdio subprocess) lists and calls simulated tools."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from _sim_support import real_specs


def test_mcp_client_lists_and_calls(tmp_path):
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    specs = real_specs("api_bank_tools.jsonl")
    f = tmp_path / "tools.jsonl"
    f.write_text("\n".join(json.dumps(s.to_public()) for s in specs))
    env = {**os.environ, "GTM_DATA_DIR": str(tmp_path / ".gtm")}

    async def go():
        gtm = str(Path(sys.executable).with_name("gtm"))  # the installed console script
        params = StdioServerParameters(
            command=gtm,
            args=[
                "serve",
                "--mcp",
                "--tools",
                str(f),
                "--tool",
                "QueryAgenda",
                "--tool",
                "AddAgenda",
            ],
            env=env,
            cwd=os.getcwd(),
        )
        async with stdio_client(params) as (r, w), ClientSession(r, w) as s:
            await s.initialize()
            listed = await s.list_tools()
            ok = await s.call_tool(
                "AddAgenda",
                {
                    "token": "t0k",
                    "content": "Dentist",
                    "time": "2025-06-03 10:00:00",
                    "location": "Paris",
                },
            )
            bad = await s.call_tool("AddAgenda", {"content": "Dentist"})
            return listed, ok, bad

    listed, ok, bad = asyncio.run(go())
    by = {t.name: t for t in listed.tools}
    assert set(by) == {"QueryAgenda", "AddAgenda"}
    assert by["AddAgenda"].input_schema["required"] == ["token", "content", "time", "location"]
    assert not ok.is_error and isinstance(ok.structured_content, dict)
    assert json.loads(ok.content[0].text) == ok.structured_content
    assert bad.is_error
    err = json.loads(bad.content[0].text)["error"]
    assert err["type"] == "missing_required" and err["field"] == "token"


def test_mcp_over_streamable_http_with_token():
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    from gtm_core.serve.http import create_app, running
    from gtm_core.simulator import Simulator

    sim = Simulator(real_specs("api_bank_tools.jsonl"))
    with running(create_app(sim, token="t", mcp_path="/mcp")) as url:
        assert httpx2.post(f"{url}/mcp", json={}).status_code == 401

        async def go():
            async with (
                httpx2.AsyncClient(headers={"Authorization": "Bearer t"}, timeout=30) as hc,
                streamable_http_client(f"{url}/mcp", http_client=hc) as (r, w),
                ClientSession(r, w) as s,
            ):
                await s.initialize()
                listed = await s.list_tools()
                res = await s.call_tool("GetToday", {})
                return listed, res

        listed, res = asyncio.run(go())
    assert len(listed.tools) == len(sim.tools)
    assert not res.is_error and json.loads(res.content[0].text) == res.structured_content
