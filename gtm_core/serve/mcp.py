"""MCP front: every tool of a repository (or a chosen subset) as a simulated MCP tool.

Built on the official ``mcp`` SDK's low-level ``Server`` (tool schemas are data, not Python
functions). ``tools/list`` returns each spec's parameters as ``inputSchema`` (and an object response
schema as ``outputSchema``); ``tools/call`` runs the Simulator: gate errors and simulated faults
come
back as ``isError`` results whose text is the canonical error payload. Transports: stdio
(``gtm serve --mcp``, or ``python -m gtm_core.serve.mcp``) and streamable HTTP
(``streamable_http_app``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from gtm_core.simulator.engine import SimOptions, Simulator
from gtm_core.spec import ToolSpec


def mcp_tool(spec: ToolSpec):
    """The MCP ``Tool`` listing of a spec."""
    import mcp_types as types

    out = spec.response_schema
    params = dict(spec.parameters)
    params["type"] = "object"
    return types.Tool(
        name=spec.name,
        description=spec.description or None,
        input_schema=params,
        output_schema=out if isinstance(out, dict) and out.get("type") == "object" else None,
    )


def build_server(
    sim: Simulator,
    tools: Iterable[str] | None = None,
    *,
    name: str = "gtm-simulator",
    options: SimOptions | None = None,
):
    """An ``mcp.server.lowlevel.Server`` exposing ``tools`` (default: all) of ``sim``."""
    import mcp_types as types
    from mcp.server.lowlevel import Server

    names = list(tools) if tools is not None else list(sim.tools)
    missing = [n for n in names if n not in sim.tools]
    if missing:
        raise KeyError(f"tools not in the repository: {missing[:5]}")
    listing = [mcp_tool(sim.tools[n]) for n in names]
    exposed = set(names)
    opts = options or SimOptions()

    async def on_list_tools(ctx, params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listing)

    async def on_call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name not in exposed:
            return types.CallToolResult(
                content=[
                    types.TextContent(
                        text=json.dumps(
                            {
                                "error": {
                                    "type": "unknown_tool",
                                    "message": f"Unknown tool '{params.name}'.",
                                    "field": None,
                                }
                            }
                        )
                    )
                ],
                is_error=True,
            )
        res = await asyncio.to_thread(
            sim.simulate, params.name, params.arguments or {}, options=opts
        )
        if res.stall_s:
            await asyncio.sleep(res.stall_s)
        text = json.dumps(res.output, ensure_ascii=False)
        spec = sim.tools[params.name]
        structured = (
            res.output
            if (
                not res.is_error
                and isinstance(res.output, dict)
                and spec.response_schema is not None
            )
            else None
        )
        return types.CallToolResult(
            content=[types.TextContent(text=text)],
            structured_content=structured,
            is_error=res.is_error,
        )

    return Server(
        name,
        version="1",
        instructions="Simulated tools: outputs come from the GTM simulator, not real services.",
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )


async def run_stdio(server) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def main(argv: list[str] | None = None) -> None:
    """``python -m gtm_core.serve.mcp --tools FILE [--tool NAME ...] [--backend offline]``: stdio
    server."""
    import argparse

    from gtm_core.simulator.engine import load_tools
    from gtm_core.simulator.models import make_backend

    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument("--tools", help="JSONL of tool specs (default: the DuckDB tools table)")
    p.add_argument("--tool", action="append", help="expose only these tools (repeatable)")
    p.add_argument("--backend", default="offline")
    p.add_argument("--model", default=None)
    p.add_argument("--base-url", default=None)
    a = p.parse_args(argv)
    specs, _ = load_tools(a.tools, names=a.tool)
    sim = Simulator(specs, make_backend(a.backend, a.model, base_url=a.base_url))
    asyncio.run(run_stdio(build_server(sim, a.tool)))


def tool_result_json(result: Any) -> Any:
    """The JSON output of an MCP ``CallToolResult`` (its first text block)."""
    for c in result.content:
        if getattr(c, "type", None) == "text":
            return json.loads(c.text)
    return None


if __name__ == "__main__":
    main()
