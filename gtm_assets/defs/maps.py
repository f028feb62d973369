"""The MCP coverage map asset (paper §5.5): MCP tools vs the simulated tool repository."""

# no `from __future__ import annotations`: Dagster resolves Config annotations at decoration time
from pathlib import Path

import dagster as dg

from gtm_assets.resources import GTMResource
from gtm_assets.versions import VERSIONS
from gtm_core import model_registry as registry


class McpMapConfig(dg.Config):
    """Which MCP tool lists to map (files or http(s) URLs) and how."""

    mcp_sources: list[str] = []  # empty: <shared data>/mcp_tools.jsonl
    radius: float = 0.5
    projections: list[str] = ["tsne", "umap"]
    limit_mcp: int | None = None
    limit_simulated: int | None = None
    n_regions: int = 5
    knn_k: int = 10
    seed: int = 0
    embedder_model: str | None = (
        None  # default: settings.embedder_model (e.g. paraphrase-multilingual-MiniLM-L12-v2)
    )


def md_image(png: str, alt: str) -> str:
    """A markdown image with the PNG inlined (base64), as the Dagster UI renders it."""
    import base64

    return f"![{alt}](data:image/png;base64,{base64.b64encode(Path(png).read_bytes()).decode()})"


@dg.asset(
    deps=[dg.AssetKey("tool_repository")],
    group_name="analysis",
    code_version=VERSIONS["mcp_map"],
    description=(
        "Embed MCP tools and the simulated tools; overlap share, regions, t-SNE/UMAP plots."
    ),
    kinds={"duckdb", "mlflow"},
)
def mcp_map(
    context: dg.AssetExecutionContext, config: McpMapConfig, gtm: GTMResource
) -> dg.MaterializeResult:
    from gtm_core.mcp_map import map_repository, points_frame
    from gtm_core.spec import ToolSpec

    s = gtm.settings
    sources = list(config.mcp_sources)
    if not sources:
        shared = s.shared_data()
        if shared is None or not (shared / "mcp_tools.jsonl").is_file():
            raise dg.Failure(
                "mcp_map: no MCP tool list configured (config.mcp_sources) and no "
                "mcp_tools.jsonl in the shared data folder"
            )
        sources = [str(shared / "mcp_tools.jsonl")]
    store = gtm.store()
    df = store.read("tools")
    if df.empty:
        raise dg.Failure(f"mcp_map: the `tools` table in {s.duckdb_path} is missing or empty")
    if config.embedder_model:
        from gtm_core.embed import Embedder

        embedder = Embedder(config.embedder_model, batch_size=s.embed_batch_size)
    else:
        embedder = gtm.embedder()
    res, rejects, paths = map_repository(
        sources,
        [ToolSpec.from_row(r) for r in df.to_dict("records")],
        embedder,
        s.plots_dir / "mcp_map",
        limit_mcp=config.limit_mcp,
        limit_simulated=config.limit_simulated,
        seed=config.seed,
        radius=config.radius,
        projections=config.projections,
        k=config.knn_k,
        n_regions=config.n_regions,
        progress=True,
        log=context.log.info,
    )
    store.replace("mcp_map_points", points_frame(res))
    summary = res.summary()
    run_id = registry.log_run(
        "gtm-maps",
        "mcp_map",
        settings=s,
        metrics={
            "overlap_share": res.overlap_share,
            "simulated_covered_share": res.simulated_covered_share,
            "knn_mixing": res.knn_mixing,
            "n_mcp": res.n_mcp,
            "n_simulated": res.n_simulated,
        },
        params={
            "radius": config.radius,
            "projections": ",".join(config.projections),
            "embedder": res.embedder,
            "knn_k": config.knn_k,
            "sources": ",".join(sources)[:500],
        },
        artifacts=[paths["png"], paths["html"]],
        summary=summary,
    )
    probes = "\n".join(
        f"| {p['label']} | {p['region']} | {p['nearest_mcp']:.2f} ({p['nearest_mcp_tool']}) | "
        f"{p['nearest_simulated']:.2f} ({p['nearest_simulated_tool']}) |"
        for p in summary["probes"]
    )
    return dg.MaterializeResult(
        metadata={
            "n_mcp": res.n_mcp,
            "n_simulated": res.n_simulated,
            "n_rejected": len(rejects),
            "overlap_share": dg.MetadataValue.float(round(res.overlap_share, 4)),
            "simulated_covered_share": dg.MetadataValue.float(
                round(res.simulated_covered_share, 4)
            ),
            "knn_mixing": dg.MetadataValue.float(round(res.knn_mixing, 4)),
            "radius": config.radius,
            "regions": dg.MetadataValue.md(res.regions_markdown()),
            "probes": dg.MetadataValue.md(
                "| tool | region | nearest MCP | nearest simulated |\n|---|---|---|---|\n" + probes
            ),
            "plot": dg.MetadataValue.path(paths["png"]),
            "plot_html": dg.MetadataValue.path(paths["html"]),
            "plot_preview": dg.MetadataValue.md(md_image(paths["png"], "MCP coverage map")),
            "mlflow_run_id": run_id,
        }
    )
