"""MCP coverage map (paper §5.5): where real MCP tools and the simulated tool repository overlap.

Both tool sets are embedded with the same sentence model, projected to 2-D (t-SNE and/or UMAP),
and compared in embedding space: an MCP tool is *covered* when its nearest simulated tool has
cosine similarity >= ``radius``. Uncovered tools on each side are clustered into regions labelled
by their most frequent words; chosen tools (search, retrieval, CUDA validator) are marked.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gtm_core.plots import map_kinds, save_map_html, save_map_png
from gtm_core.tools.tool_lists import MapTool, load_tool_lists, split_name, tools_from_specs

DEFAULT_MARKERS: dict[str, str] = {
    "search": r"(^|[_\-.\s])search|search($|[_\-.\s])|web_search|bing",
    "retrieval": r"retriev|rag[_\-]|vector[_\-]?search|knowledge[_\-]?base",
    "cuda": r"cuda|kernel",
}
# The paper's three experimental tools, embedded as probe points of their own.
DEFAULT_PROBES: list[tuple[str, str, str]] = [
    (
        "search",
        "web_search",
        "Search the web for a query and return a list of results with titles, URLs and snippets.",
    ),
    (
        "retrieval",
        "retrieve_documents",
        "Retrieve the most relevant passages for a query from a document corpus (dense retrieval).",
    ),
    (
        "cuda",
        "validate_cuda_kernel",
        "Compile and run a CUDA kernel against a PyTorch reference; report compilation errors, "
        "correctness and execution time.",
    ),
]
_EXTRA_STOP = {
    "tool",
    "tools",
    "api",
    "returns",
    "return",
    "given",
    "specified",
    "using",
    "use",
    "based",
    "provided",
    "data",
    "information",
    "list",
    "get",
    "set",
    "new",
    "specific",
    "allows",
    "mcp",
    "server",
    "e.g",
    "etc",
    "args",
    "http",
    "https",
    "www",
    "com",
    "id",
    "ids",
    "result",
    "results",
    "default",
    "optional",
    "string",
}


# ---- analysis ------------------------------------------------------------------------------------
@dataclass
class Region:
    """A cluster of tools one side has and the other lacks, labelled by its most frequent words."""

    side: str
    size: int
    words: list[str]
    examples: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "size": self.size,
            "words": self.words,
            "examples": self.examples,
        }


@dataclass
class MapResult:
    """Everything the plots and the summary need."""

    mcp: list[MapTool]
    simulated: list[MapTool]
    probes: list[tuple[str, MapTool]]
    radius: float
    nearest_sim: np.ndarray  # per MCP tool: cosine to the nearest simulated tool
    nearest_mcp: np.ndarray  # per simulated tool: cosine to the nearest MCP tool
    probe_nearest: list[dict[str, Any]]
    knn_mixing: float
    knn_k: int
    projections: dict[str, np.ndarray]  # name -> (n_mcp + n_sim + n_probes, 2)
    markers: dict[str, list[int]]  # label -> point indices (into mcp + simulated)
    regions_mcp_only: list[Region] = field(default_factory=list)
    regions_simulated_only: list[Region] = field(default_factory=list)
    embedder: str = ""

    @property
    def n_mcp(self) -> int:
        return len(self.mcp)

    @property
    def n_simulated(self) -> int:
        return len(self.simulated)

    @property
    def covered(self) -> np.ndarray:
        return self.nearest_sim >= self.radius

    @property
    def overlap_share(self) -> float:
        return float(self.covered.mean()) if self.n_mcp else 0.0

    @property
    def simulated_covered_share(self) -> float:
        return float((self.nearest_mcp >= self.radius).mean()) if self.n_simulated else 0.0

    def summary(self) -> dict[str, Any]:
        """JSON-able figures (no coordinates)."""
        return {
            "n_mcp": self.n_mcp,
            "n_simulated": self.n_simulated,
            "radius": self.radius,
            "overlap_share": round(self.overlap_share, 4),
            "simulated_covered_share": round(self.simulated_covered_share, 4),
            "knn_mixing": round(self.knn_mixing, 4),
            "knn_k": self.knn_k,
            "median_nearest_sim": round(float(np.median(self.nearest_sim)), 4)
            if self.n_mcp
            else None,
            "projections": list(self.projections),
            "markers": {k: len(v) for k, v in self.markers.items()},
            "probes": self.probe_nearest,
            "regions_mcp_only": [r.to_dict() for r in self.regions_mcp_only],
            "regions_simulated_only": [r.to_dict() for r in self.regions_simulated_only],
            "embedder": self.embedder,
        }

    def regions_markdown(self) -> str:
        lines = ["| side | size | top words | examples |", "|---|---|---|---|"]
        for r in self.regions_mcp_only + self.regions_simulated_only:
            lines.append(
                f"| {r.side} | {r.size} | {', '.join(r.words)} | {', '.join(r.examples)} |"
            )
        return "\n".join(lines)


def _nearest(a: np.ndarray, b: np.ndarray, batch: int = 2048) -> np.ndarray:
    """For each row of ``a``, the max cosine with rows of ``b`` (unit vectors)."""
    if len(b) == 0:
        return np.full(len(a), -1.0, dtype=np.float32)
    out = np.empty(len(a), dtype=np.float32)
    for i in range(0, len(a), batch):
        out[i : i + batch] = (a[i : i + batch] @ b.T).max(axis=1)
    return out


def knn_mixing(emb: np.ndarray, is_mcp: np.ndarray, k: int = 10) -> float:
    """How well the two sets mix: mean over points of (share of the k nearest neighbours from the
    other set) / (that share under perfect mixing), capped at 1. 0 = separate, 1 = fully mixed."""
    from sklearn.neighbors import NearestNeighbors

    n = len(emb)
    n_m = int(is_mcp.sum())
    if n_m == 0 or n_m == n:
        return 0.0
    k = max(1, min(k, n - 1))
    nn = NearestNeighbors(n_neighbors=k + 1, metric="cosine").fit(emb)
    idx = nn.kneighbors(emb, return_distance=False)[:, 1:]
    other = (is_mcp[idx] != is_mcp[:, None]).mean(axis=1)
    expected = np.where(is_mcp, (n - n_m) / (n - 1), n_m / (n - 1))
    return float(np.minimum(other / expected, 1.0).mean())


def top_words(texts: Sequence[str], n: int = 5) -> list[str]:
    """Most frequent content words (lowercase, English stop words and
    generic tool words removed)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    c: Counter[str] = Counter()
    for t in texts:
        words = set(re.findall(r"[a-z][a-z0-9]{2,}", split_name(t).lower()))
        c.update(w for w in words if w not in ENGLISH_STOP_WORDS and w not in _EXTRA_STOP)
    return [w for w, _ in c.most_common(n)]


def find_regions(
    emb: np.ndarray, tools: Sequence[MapTool], side: str, n_regions: int = 5, seed: int = 0
) -> list[Region]:
    """Cluster ``emb`` (the uncovered tools of one side) with KMeans; biggest regions first."""
    if len(tools) == 0:
        return []
    from sklearn.cluster import KMeans

    k = max(1, min(n_regions, len(tools)))
    labels = (
        KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(emb)
        if k > 1
        else np.zeros(len(tools), int)
    )
    regions = []
    for c in range(k):
        idx = np.flatnonzero(labels == c)
        if len(idx) == 0:
            continue
        centre = emb[idx].mean(axis=0)
        order = idx[np.argsort(-(emb[idx] @ centre))]
        regions.append(
            Region(
                side,
                int(len(idx)),
                top_words([tools[i].text for i in idx]),
                [tools[i].name for i in order[:3]],
            )
        )
    return sorted(regions, key=lambda r: -r.size)


def project(emb: np.ndarray, method: str, seed: int = 0) -> np.ndarray:
    """2-D coordinates by ``tsne`` (scikit-learn) or ``umap`` (umap-learn, imported lazily)."""
    n = len(emb)
    if n < 3:
        return np.zeros((n, 2), dtype=np.float32)
    if method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = float(min(30.0, max(2.0, (n - 1) / 3)))
        return (
            TSNE(
                n_components=2,
                metric="cosine",
                init="pca",
                perplexity=perplexity,
                random_state=seed,
            )
            .fit_transform(emb)
            .astype(np.float32)
        )
    if method == "umap":
        import warnings

        import umap

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return (
                umap.UMAP(
                    n_components=2, n_neighbors=min(15, n - 1), metric="cosine", random_state=seed
                )
                .fit_transform(emb)
                .astype(np.float32)
            )
    raise ValueError(f"projections: unknown method {method!r} (use 'tsne' or 'umap')")


def build_map(
    mcp_tools: Sequence[MapTool],
    simulated_tools: Sequence[MapTool],
    embedder,
    *,
    radius: float = 0.5,
    projections: Sequence[str] = ("tsne", "umap"),
    k: int = 10,
    n_regions: int = 5,
    markers: dict[str, str] | None = None,
    probes: Sequence[tuple[str, str, str]] | None = None,
    seed: int = 0,
    progress: bool = False,
) -> MapResult:
    """Embed both sets (``embedder.encode``), measure overlap, find regions and project to 2-D."""
    if not mcp_tools:
        raise ValueError("mcp_tools: no MCP tools to map")
    if not simulated_tools:
        raise ValueError("simulated_tools: no simulated tools to map (is the `tools` table empty?)")
    if not 0.0 <= radius <= 1.0:
        raise ValueError(f"radius: must be a cosine similarity in [0, 1], got {radius}")
    markers = DEFAULT_MARKERS if markers is None else markers
    probes = DEFAULT_PROBES if probes is None else probes
    probe_tools = [(label, MapTool(name, desc, source="probe")) for label, name, desc in probes]
    all_tools = list(mcp_tools) + list(simulated_tools) + [t for _, t in probe_tools]
    emb = np.asarray(
        embedder.encode([t.text for t in all_tools], progress=progress), dtype=np.float32
    )
    n_m, n_s = len(mcp_tools), len(simulated_tools)
    e_m, e_s, e_p = emb[:n_m], emb[n_m : n_m + n_s], emb[n_m + n_s :]
    near_s, near_m = _nearest(e_m, e_s), _nearest(e_s, e_m)
    is_mcp = np.r_[np.ones(n_m, bool), np.zeros(n_s, bool)]
    mixing = knn_mixing(emb[: n_m + n_s], is_mcp, k)
    probe_info = []
    for (label, t), e in zip(probe_tools, e_p, strict=True):
        sm, ss = float((e_m @ e).max()), float((e_s @ e).max())
        where = (
            "intersection"
            if sm >= radius and ss >= radius
            else "mcp-only"
            if sm >= radius
            else "simulated-only"
            if ss >= radius
            else "neither"
        )
        probe_info.append(
            {
                "label": label,
                "name": t.name,
                "nearest_mcp": round(sm, 4),
                "nearest_simulated": round(ss, 4),
                "region": where,
                "nearest_mcp_tool": mcp_tools[int((e_m @ e).argmax())].name,
                "nearest_simulated_tool": simulated_tools[int((e_s @ e).argmax())].name,
            }
        )
    marks = {
        label: [i for i, t in enumerate(all_tools[: n_m + n_s]) if re.search(pat, t.name, re.I)]
        for label, pat in markers.items()
    }
    unc_m, unc_s = np.flatnonzero(near_s < radius), np.flatnonzero(near_m < radius)
    regions_m = find_regions(e_m[unc_m], [mcp_tools[i] for i in unc_m], "mcp-only", n_regions, seed)
    regions_s = find_regions(
        e_s[unc_s], [simulated_tools[i] for i in unc_s], "simulated-only", n_regions, seed
    )
    proj = {m: project(emb, m, seed) for m in projections}
    name = getattr(embedder, "model_name", type(embedder).__name__)
    return MapResult(
        list(mcp_tools),
        list(simulated_tools),
        probe_tools,
        radius,
        near_s,
        near_m,
        probe_info,
        mixing,
        k,
        proj,
        marks,
        regions_m,
        regions_s,
        embedder=str(name),
    )


def points_frame(res: MapResult):
    """Per-point table (kind, name, description, nearest cosine, covered, coordinates)."""
    import pandas as pd

    tools = res.mcp + res.simulated
    n = len(tools)
    kinds = map_kinds(res)
    near = np.r_[res.nearest_sim, res.nearest_mcp]
    marked = {i: label for label, idx in res.markers.items() for i in idx}
    df = pd.DataFrame(
        {
            "kind": kinds,
            "name": [t.name for t in tools],
            "description": [t.description for t in tools],
            "group": [t.group for t in tools],
            "nearest_other_cos": near.astype(float),
            "covered": near >= res.radius,
            "marker": [marked.get(i, "") for i in range(n)],
        }
    )
    for pname, xy in res.projections.items():
        df[f"{pname}_x"], df[f"{pname}_y"] = xy[:n, 0].astype(float), xy[:n, 1].astype(float)
    return df


def write_outputs(res: MapResult, out_dir: str | Path, stem: str = "mcp_map") -> dict[str, str]:
    """PNG + HTML + summary JSON into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = save_map_png(res, out / f"{stem}.png")
    page = save_map_html(res, out / f"{stem}.html")
    summ = out / f"{stem}.json"
    summ.write_text(json.dumps(res.summary(), indent=2, ensure_ascii=False), encoding="utf-8")
    return {"png": str(png), "html": str(page), "summary": str(summ)}


def map_repository(
    mcp_sources: Sequence[str | Path],
    specs: Iterable[Any],
    embedder,
    out_dir: str | Path,
    *,
    limit_mcp: int | None = None,
    limit_simulated: int | None = None,
    seed: int = 0,
    radius: float = 0.5,
    projections: Sequence[str] = ("tsne", "umap"),
    k: int = 10,
    n_regions: int = 5,
    progress: bool = False,
    log: Any = None,
) -> tuple[MapResult, list[dict[str, Any]], dict[str, str]]:
    """The one MCP-map run (``gtm map`` and the ``mcp_map`` asset): load the MCP tool lists, sample
    at most ``limit_mcp`` / ``limit_simulated`` tools (seeded), build the map of ``specs`` against
    them and write its PNG/HTML into ``out_dir``. Returns (result, rejected list entries, paths).
    Raises ToolListError for an unreadable list, ValueError for an empty side."""
    import random

    mcp_tools, rejects = load_tool_lists(mcp_sources)
    sim = tools_from_specs(specs)
    rng = random.Random(seed)
    if limit_mcp is not None and len(mcp_tools) > limit_mcp:
        mcp_tools = rng.sample(mcp_tools, limit_mcp)
    if limit_simulated is not None and len(sim) > limit_simulated:
        sim = rng.sample(sim, limit_simulated)
    if log is not None:
        log(f"mapping {len(mcp_tools)} MCP tools against {len(sim)} simulated tools ...")
    res = build_map(
        mcp_tools,
        sim,
        embedder,
        radius=radius,
        projections=tuple(projections),
        k=k,
        n_regions=n_regions,
        seed=seed,
        progress=progress,
    )
    return res, rejects, write_outputs(res, out_dir)
