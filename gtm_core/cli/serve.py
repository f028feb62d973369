"""``gtm serve``: the simulator behind HTTP or MCP; ``build_simulator`` is shared with ``gtm simulate``."""

from __future__ import annotations

from pathlib import Path

import typer

from gtm_core.cli.app import app, console
from gtm_core.simulator.backends import BackendOptions
from gtm_core.simulator.models import DEFAULT_MODEL


def build_simulator(
    tools: Path | None,
    tool: list[str] | None,
    backend: str,
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    lora: str | None,
    search_preset: bool,
    options: BackendOptions,
    lenient_types: bool = True,
    sim_kw: dict | None = None,
):
    """The Simulator ``gtm serve`` and ``gtm simulate`` answer with (``options`` travel to the backend;
    its ``max_tokens`` bounds every answer)."""
    from gtm_core.simulator.backends import make_backend
    from gtm_core.simulator.engine import Simulator, load_tools

    names = list(tool) if tool else None
    if search_preset and names is not None:
        names = [n for n in names if n != "search"]
    try:
        specs, rejects = load_tools(tools, names=names or None)
    except FileNotFoundError as e:
        if not search_preset:
            raise typer.BadParameter(str(e), param_hint="--tools") from None
        specs, rejects = [], []
    for r in rejects[:10]:
        console.print(f"[yellow]skipped[/] {r.name}: {r.field}: {r.reason}")
    if search_preset and not any(s.name == "search" for s in specs):
        from gtm_core.serve.rl import search_spec

        specs.append(search_spec())
    if not specs:
        raise typer.BadParameter("no tools to serve", param_hint="--tools")
    be = make_backend(
        backend,
        model or (None if backend in ("offline", "openai") else DEFAULT_MODEL),
        base_url=base_url,
        api_key=api_key,
        lora_path=lora,
        options=options,
    )
    shots = None
    if (
        backend != "offline"
    ):  # a model reads the prompt: show it recorded real calls (settings.real_examples_k)
        from gtm_core.evaluation.real_split import shared_example_index
        from gtm_core.settings import get_settings

        shots = shared_example_index(get_settings())
        if shots is not None:  # embed the served tools now, not on the first request of each
            shots.prefetch(specs)
    return Simulator(
        specs,
        be,
        max_tokens=options.max_tokens,
        lenient_types=lenient_types,
        examples=shots,
        **(sim_kw or {}),
    )


@app.command()
def serve(
    model: str | None = typer.Option(
        None, help=f"models:/ URI or local folder (default {DEFAULT_MODEL})"
    ),
    backend: str = typer.Option("offline", help="offline | transformers | vllm | openai"),
    host: str = typer.Option("127.0.0.1", help="bind address (127.0.0.1 = this machine only)"),
    port: int = typer.Option(8080),
    token: str | None = typer.Option(
        None, envvar="GTM_SERVE_TOKEN", help="require 'Authorization: Bearer TOKEN'"
    ),
    tools: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="JSONL of tool specs (default: DuckDB tools table)"
    ),
    tool: list[str] | None = typer.Option(None, help="serve only these tools (repeatable)"),
    mcp: bool = typer.Option(False, "--mcp", help="serve MCP over stdio instead of HTTP"),
    mcp_http: bool = typer.Option(
        False, "--mcp-http", help="also serve MCP (streamable HTTP) at /mcp"
    ),
    search_preset: bool = typer.Option(
        False, "--search-preset", help="add the 'search' preset tool (Search-R1 /retrieve)"
    ),
    base_url: str | None = typer.Option(None, help="openai backend: endpoint base URL"),
    api_key: str | None = typer.Option(None, envvar="GTM_SERVE_API_KEY"),
    lora: str | None = typer.Option(None, help="vllm backend: LoRA adapter folder"),
    max_batch: int = typer.Option(32),
    max_wait_ms: float = typer.Option(5.0),
    max_queue: int = typer.Option(1024),
    max_tokens: int = typer.Option(512),
    warmup: bool = typer.Option(
        True,
        help="compile every tool's decoding grammar before serving and (transformers "
        "backend) precompute each tool's prompt prefix KV, as far as --prefix-cache-mb holds",
    ),
    prefix_cache_mb: int = typer.Option(
        512, help="transformers backend: memory for cached prompt-prefix KV"
    ),
    cpu_threads: int = typer.Option(
        1,
        min=1,
        help="transformers backend on CPU: torch intra-op threads of the "
        "decode loop (1 leaves the other cores to the HTTP front)",
    ),
    lenient_types: bool = typer.Option(
        True,
        "--lenient-types/--strict-types",
        help='gate reads parameters as coercing tools do ("3" for an integer, JSON text for a list); --strict-types: strict JSON types',
    ),
    continuous: bool = typer.Option(
        True,
        help="transformers backend: continuous batching (calls join the "
        "running decode batch between steps) instead of one batch at a time",
    ),
    max_sessions: int = typer.Option(
        10_000, min=1, help="sessions kept; the least recently used beyond it are dropped"
    ),
    session_ttl: float = typer.Option(
        3600.0,
        min=0.0,
        help="seconds an idle session lives (abandoned RL trajectories expire); 0 = never",
    ),
) -> None:
    """Serve simulated tools over HTTP (FastAPI) or MCP (stdio)."""
    from gtm_core.cli.supervise import stop_on_signals

    with stop_on_signals():  # SIGINT/SIGTERM: graceful stop, model workers ended, exit 0
        _serve(
            tools,
            tool,
            backend,
            model,
            base_url,
            api_key,
            lora,
            search_preset,
            max_tokens,
            lenient_types,
            continuous,
            max_batch,
            max_wait_ms,
            max_queue,
            prefix_cache_mb,
            cpu_threads,
            warmup,
            mcp,
            mcp_http,
            host,
            port,
            token,
            {"max_sessions": max_sessions, "session_ttl_s": session_ttl or None},
        )


def _serve(
    tools,
    tool,
    backend,
    model,
    base_url,
    api_key,
    lora,
    search_preset,
    max_tokens,
    lenient_types,
    continuous,
    max_batch,
    max_wait_ms,
    max_queue,
    prefix_cache_mb,
    cpu_threads,
    warmup,
    mcp,
    mcp_http,
    host,
    port,
    token,
    sim_kw: dict | None = None,
) -> None:
    options = BackendOptions(
        max_tokens=max_tokens,
        batch_size=max_batch,
        continuous=continuous,
        prefix_cache_mb=prefix_cache_mb,
        cpu_threads=cpu_threads,
    )
    sim = build_simulator(
        tools,
        tool,
        backend,
        model,
        base_url,
        api_key,
        lora,
        search_preset,
        options,
        lenient_types,
        sim_kw=sim_kw,
    )
    if warmup:
        n = sim.warmup(progress=not mcp)
        if n:
            console.print(f"compiled {n} response grammars")
        n = sim.warm_prefixes(progress=not mcp)
        if n:
            console.print(f"cached the prompt prefix of {n} of {len(sim.tools)} tools")
    if mcp:
        import asyncio

        from gtm_core.serve.mcp import build_server, run_stdio

        asyncio.run(run_stdio(build_server(sim)))
        return
    from gtm_core.serve.http import create_app
    from gtm_core.serve.http import serve as run_http

    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        console.print("[yellow]warning[/]: binding a non-local address without --token")
    console.print(
        f"serving {len(sim.tools)} tools ({sim.backend.name}) on http://{host}:{port}  (docs: /docs)"
    )
    run_http(
        create_app(
            sim,
            token=token,
            max_batch=max_batch,
            max_wait_ms=max_wait_ms,
            max_queue=max_queue,
            mcp_path="/mcp" if mcp_http else None,
        ),
        host,
        port,
        log_level="warning",
    )
