"""``gtm map``: the MCP coverage map of the tool repository (paper §5.5)."""

from __future__ import annotations

from pathlib import Path

import typer

from gtm_core.cli.app import app, console, emit


def load_simulated(settings, simulated: str | None = None):
    """Specs of the simulated tools: a spec JSONL file when given, else the data folder's DuckDB
    ``tools`` table."""
    import json

    from gtm_core.spec import ToolSpec, parse_specs

    if simulated:
        p = Path(simulated)
        if not p.is_file():
            raise typer.BadParameter(f"no such file: {p}", param_hint="--simulated")
        raws = [
            json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        specs, _ = parse_specs(raws, p.name)
    else:
        from gtm_core.storage import Store

        df = Store(settings.duckdb_path).read("tools")
        if df.empty:
            raise typer.BadParameter(
                f"the `tools` table in {settings.duckdb_path} is missing or empty: materialize the "
                "`tool_repository` asset first (or pass --simulated SPECS.jsonl)",
                param_hint="--simulated",
            )
        specs = [ToolSpec.from_row(r) for r in df.to_dict("records")]
    return specs


@app.command("map")
def map_cmd(
    mcp: list[str] = typer.Option(
        ..., "--mcp", help="MCP tool list(s): file or http(s) URL; JSON or JSONL"
    ),
    out: Path | None = typer.Option(
        None, "--out", help="output folder (default: <data>/plots/mcp_map)"
    ),
    simulated: str | None = typer.Option(
        None, "--simulated", help="spec JSONL instead of the `tools` table"
    ),
    radius: float = typer.Option(
        0.5, help="cosine similarity at which an MCP tool counts as covered"
    ),
    projection: list[str] = typer.Option(["tsne", "umap"], "--projection", help="tsne and/or umap"),
    limit_mcp: int | None = typer.Option(None, help="sample at most this many MCP tools"),
    limit_simulated: int | None = typer.Option(
        None, help="sample at most this many simulated tools"
    ),
    embedder: str | None = typer.Option(
        None, help="sentence-transformers model (default: settings)"
    ),
    regions: int = typer.Option(5, help="regions to list per side"),
    seed: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Embed MCP tools and the simulated tools, project (t-SNE/UMAP), report the overlap share."""
    from gtm_core.embed import Embedder
    from gtm_core.mcp_map import map_repository
    from gtm_core.settings import get_settings
    from gtm_core.tools.tool_lists import ToolListError

    s = get_settings()
    specs = load_simulated(s, simulated)
    try:
        res, rejects, paths = map_repository(
            mcp,
            specs,
            Embedder(embedder or s.embedder_model, batch_size=s.embed_batch_size),
            out or s.plots_dir / "mcp_map",
            limit_mcp=limit_mcp,
            limit_simulated=limit_simulated,
            seed=seed,
            radius=radius,
            projections=projection,
            n_regions=regions,
            progress=not as_json,
            log=None if as_json else console.print,
        )
    except ToolListError as e:
        raise typer.BadParameter(str(e), param_hint="--mcp") from None
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None
    emit({**res.summary(), **paths, "n_rejected": len(rejects), "rejects": rejects[:20]}, as_json)
