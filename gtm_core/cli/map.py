"""``gtm map``: the MCP coverage map of the tool repository (paper §5.5)."""

from __future__ import annotations

from pathlib import Path

import typer

from gtm_core.cli.app import app, console, emit


def load_simulated(settings, simulated: str | None = None, limit: int | None = None, seed: int = 0):
    """Simulated tools: a spec JSONL file when given, else the data folder's DuckDB ``tools`` table."""
    import json

    from gtm_core.mcp_map import tools_from_specs
    from gtm_core.spec import ToolSpec, parse_specs

    if simulated:
        p = Path(simulated)
        if not p.is_file():
            raise typer.BadParameter(f"no such file: {p}", param_hint="--simulated")
        raws = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        specs, _ = parse_specs(raws, p.name)
    else:
        from gtm_core.storage import Store

        df = Store(settings.duckdb_path).read("tools")
        if df.empty:
            raise typer.BadParameter(
                f"the `tools` table in {settings.duckdb_path} is missing or empty: materialize the "
                "`tool_repository` asset first (or pass --simulated SPECS.jsonl)", param_hint="--simulated")
        specs = [ToolSpec.from_row(r) for r in df.to_dict("records")]
    tools = tools_from_specs(specs)
    if limit is not None and len(tools) > limit:
        import random

        tools = random.Random(seed).sample(tools, limit)
    return tools


@app.command("map")
def map_cmd(
    mcp: list[str] = typer.Option(..., "--mcp", help="MCP tool list(s): file or http(s) URL; JSON or JSONL"),
    out: Path | None = typer.Option(None, "--out", help="output folder (default: <data>/plots/mcp_map)"),
    simulated: str | None = typer.Option(None, "--simulated", help="spec JSONL instead of the `tools` table"),
    radius: float = typer.Option(0.5, help="cosine similarity at which an MCP tool counts as covered"),
    projection: list[str] = typer.Option(["tsne", "umap"], "--projection", help="tsne and/or umap"),
    limit_mcp: int | None = typer.Option(None, help="sample at most this many MCP tools"),
    limit_simulated: int | None = typer.Option(None, help="sample at most this many simulated tools"),
    embedder: str | None = typer.Option(None, help="sentence-transformers model (default: settings)"),
    regions: int = typer.Option(5, help="regions to list per side"),
    seed: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Embed MCP tools and the simulated tools, project (t-SNE/UMAP), report the overlap share."""
    import random

    from gtm_core.embed import Embedder
    from gtm_core.mcp_map import ToolListError, build_map, load_tool_lists, write_outputs
    from gtm_core.settings import get_settings

    s = get_settings()
    try:
        mcp_tools, rejects = load_tool_lists(mcp)
    except ToolListError as e:
        raise typer.BadParameter(str(e), param_hint="--mcp") from None
    if limit_mcp is not None and len(mcp_tools) > limit_mcp:
        mcp_tools = random.Random(seed).sample(mcp_tools, limit_mcp)
    sim = load_simulated(s, simulated, limit_simulated, seed)
    if not as_json:
        console.print(f"mapping {len(mcp_tools)} MCP tools against {len(sim)} simulated tools ...")
    try:
        res = build_map(mcp_tools, sim, Embedder(embedder or s.embedder_model, batch_size=s.embed_batch_size),
                        radius=radius, projections=tuple(projection), n_regions=regions, seed=seed,
                        progress=not as_json)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    paths = write_outputs(res, out or s.plots_dir / "mcp_map")
    emit({**res.summary(), **paths, "n_rejected": len(rejects), "rejects": rejects[:20]}, as_json)
