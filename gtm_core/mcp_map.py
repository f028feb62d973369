"""MCP coverage map (paper §5.5): where real MCP tools and the simulated tool repository overlap.

Both tool sets are embedded with the same sentence model, projected to 2-D (t-SNE and/or UMAP),
and compared in embedding space: an MCP tool is *covered* when its nearest simulated tool has
cosine similarity >= ``radius``. Uncovered tools on each side are clustered into regions labelled
by their most frequent words; chosen tools (search, retrieval, CUDA validator) are marked.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_MARKERS: dict[str, str] = {
    "search": r"(^|[_\-.\s])search|search($|[_\-.\s])|web_search|bing",
    "retrieval": r"retriev|rag[_\-]|vector[_\-]?search|knowledge[_\-]?base",
    "cuda": r"cuda|kernel",
}
# The paper's three experimental tools, embedded as probe points of their own.
DEFAULT_PROBES: list[tuple[str, str, str]] = [
    ("search", "web_search", "Search the web for a query and return a list of results with titles, URLs and snippets."),
    ("retrieval", "retrieve_documents",
     "Retrieve the most relevant passages for a query from a document corpus (dense retrieval)."),
    ("cuda", "validate_cuda_kernel",
     "Compile and run a CUDA kernel against a PyTorch reference; report compilation errors, "
     "correctness and execution time."),
]
_EXTRA_STOP = {"tool", "tools", "api", "returns", "return", "given", "specified", "using", "use", "based",
               "provided", "data", "information", "list", "get", "set", "new", "specific", "allows", "mcp",
               "server", "e.g", "etc", "args", "http", "https", "www", "com", "id", "ids", "result", "results", "default", "optional", "string"}


class ToolListError(ValueError):
    """A tool list that cannot be read: names the source, the item/field and the reason."""

    def __init__(self, source: str, where: str, reason: str):
        self.source, self.where, self.reason = source, where, reason
        super().__init__(f"{source}: {where}: {reason}")


@dataclass
class MapTool:
    """A point of the map: a tool's name and description (plus where it came from)."""

    name: str
    description: str
    source: str = ""
    group: str = ""  # MCP server / simulated field

    @property
    def text(self) -> str:
        words = split_name(self.name)
        return f"{words}: {self.description}" if self.description else words


def split_name(name: str) -> str:
    """``getPlayerStats`` / ``get_player-stats`` -> ``get Player Stats`` / ``get player stats``."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", re.sub(r"[_\-.]+", " ", name)).strip()


# ---- loading -------------------------------------------------------------------------------------
def _items_from_obj(obj: Any, source: str) -> list[Any]:
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        if isinstance(obj.get("result"), dict) and "tools" in obj["result"]:  # JSON-RPC tools/list reply
            obj = obj["result"]
        if "tools" in obj:
            if not isinstance(obj["tools"], list):
                raise ToolListError(source, "tools", f"must be a list, got {type(obj['tools']).__name__}")
            return obj["tools"]
        return [obj]
    raise ToolListError(source, "<root>", f"expected a JSON object or list, got {type(obj).__name__}")


def parse_tool_list(text: str, source: str = "") -> tuple[list[MapTool], list[dict[str, Any]]]:
    """Tools from JSON (``{"tools": [...]}``, a JSON-RPC reply, a list) or JSONL text.

    Each item needs a ``name`` (or ``server``/``title`` for catalogue entries); items without one are
    returned as rejects ``{"source", "index", "field", "reason", "raw"}`` instead of being dropped.
    """
    text = text.strip()
    if not text:
        raise ToolListError(source, "<root>", "empty tool list")
    try:
        items = _items_from_obj(json.loads(text), source)
    except json.JSONDecodeError:
        items = []
        for ln, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.extend(_items_from_obj(json.loads(line), source))
            except json.JSONDecodeError as e:
                raise ToolListError(source, f"line {ln}", f"not JSON: {e.msg}") from None
    tools: list[MapTool] = []
    rejects: list[dict[str, Any]] = []
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            rejects.append({"source": source, "index": i, "field": "<item>",
                            "reason": f"a tool must be an object, got {type(it).__name__}", "raw": it})
            continue
        name = it.get("name") or it.get("server") or it.get("title")
        if not isinstance(name, str) or not name.strip():
            rejects.append({"source": source, "index": i, "field": "name", "reason": "name is empty or missing",
                            "raw": it})
            continue
        desc = it.get("description") or ""
        if not isinstance(desc, str):
            rejects.append({"source": source, "index": i, "field": "description",
                            "reason": "description must be a string", "raw": it})
            continue
        tools.append(MapTool(name.strip(), desc.strip(), source=str(it.get("source") or source),
                             group=str(it.get("mcp_server") or it.get("category") or it.get("domain") or "")))
    return tools, rejects


def load_tool_list(location: str | Path, *, timeout_s: float = 30.0) -> tuple[list[MapTool], list[dict[str, Any]]]:
    """Read a tool list from a local file or an http(s) URL (see ``parse_tool_list``)."""
    loc = str(location)
    if re.match(r"^https?://", loc):
        import httpx

        try:
            r = httpx.get(loc, timeout=timeout_s, follow_redirects=True)
            r.raise_for_status()
        except httpx.HTTPError as e:
            raise ToolListError(loc, "<url>", f"cannot fetch: {e}") from None
        return parse_tool_list(r.text, loc)
    p = Path(loc).expanduser()
    if not p.is_file():
        raise ToolListError(loc, "<path>", "no such file")
    return parse_tool_list(p.read_text(encoding="utf-8"), p.name)


def load_tool_lists(locations: Iterable[str | Path]) -> tuple[list[MapTool], list[dict[str, Any]]]:
    """Several lists concatenated (duplicates by name+description removed)."""
    seen: set[tuple[str, str]] = set()
    tools: list[MapTool] = []
    rejects: list[dict[str, Any]] = []
    for loc in locations:
        t, r = load_tool_list(loc)
        rejects.extend(r)
        for x in t:
            if (x.name, x.description) not in seen:
                seen.add((x.name, x.description))
                tools.append(x)
    return tools, rejects


def tools_from_specs(specs: Iterable[Any]) -> list[MapTool]:
    """Map points for ToolSpecs (the simulated repository)."""
    return [MapTool(s.name, s.description, source=s.source, group=s.field) for s in specs]


# ---- analysis ------------------------------------------------------------------------------------
@dataclass
class Region:
    """A cluster of tools one side has and the other lacks, labelled by its most frequent words."""

    side: str
    size: int
    words: list[str]
    examples: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"side": self.side, "size": self.size, "words": self.words, "examples": self.examples}


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
            "n_mcp": self.n_mcp, "n_simulated": self.n_simulated, "radius": self.radius,
            "overlap_share": round(self.overlap_share, 4),
            "simulated_covered_share": round(self.simulated_covered_share, 4),
            "knn_mixing": round(self.knn_mixing, 4), "knn_k": self.knn_k,
            "median_nearest_sim": round(float(np.median(self.nearest_sim)), 4) if self.n_mcp else None,
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
            lines.append(f"| {r.side} | {r.size} | {', '.join(r.words)} | {', '.join(r.examples)} |")
        return "\n".join(lines)


def _nearest(a: np.ndarray, b: np.ndarray, batch: int = 2048) -> np.ndarray:
    """For each row of ``a``, the max cosine with rows of ``b`` (unit vectors)."""
    if len(b) == 0:
        return np.full(len(a), -1.0, dtype=np.float32)
    out = np.empty(len(a), dtype=np.float32)
    for i in range(0, len(a), batch):
        out[i:i + batch] = (a[i:i + batch] @ b.T).max(axis=1)
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
    """Most frequent content words (lowercase, English stop words and generic tool words removed)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    c: Counter[str] = Counter()
    for t in texts:
        words = set(re.findall(r"[a-z][a-z0-9]{2,}", split_name(t).lower()))
        c.update(w for w in words if w not in ENGLISH_STOP_WORDS and w not in _EXTRA_STOP)
    return [w for w, _ in c.most_common(n)]


def find_regions(emb: np.ndarray, tools: Sequence[MapTool], side: str, n_regions: int = 5,
                 seed: int = 0) -> list[Region]:
    """Cluster ``emb`` (the uncovered tools of one side) with KMeans; biggest regions first."""
    if len(tools) == 0:
        return []
    from sklearn.cluster import KMeans

    k = max(1, min(n_regions, len(tools)))
    labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(emb) if k > 1 else np.zeros(len(tools), int)
    regions = []
    for c in range(k):
        idx = np.flatnonzero(labels == c)
        if len(idx) == 0:
            continue
        centre = emb[idx].mean(axis=0)
        order = idx[np.argsort(-(emb[idx] @ centre))]
        regions.append(Region(side, int(len(idx)), top_words([tools[i].text for i in idx]),
                              [tools[i].name for i in order[:3]]))
    return sorted(regions, key=lambda r: -r.size)


def project(emb: np.ndarray, method: str, seed: int = 0) -> np.ndarray:
    """2-D coordinates by ``tsne`` (scikit-learn) or ``umap`` (umap-learn, imported lazily)."""
    n = len(emb)
    if n < 3:
        return np.zeros((n, 2), dtype=np.float32)
    if method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = float(min(30.0, max(2.0, (n - 1) / 3)))
        return TSNE(n_components=2, metric="cosine", init="pca", perplexity=perplexity,
                    random_state=seed).fit_transform(emb).astype(np.float32)
    if method == "umap":
        import warnings

        import umap

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return umap.UMAP(n_components=2, n_neighbors=min(15, n - 1), metric="cosine",
                             random_state=seed).fit_transform(emb).astype(np.float32)
    raise ValueError(f"projections: unknown method {method!r} (use 'tsne' or 'umap')")


def build_map(mcp_tools: Sequence[MapTool], simulated_tools: Sequence[MapTool], embedder, *,
              radius: float = 0.5, projections: Sequence[str] = ("tsne", "umap"), k: int = 10,
              n_regions: int = 5, markers: dict[str, str] | None = None,
              probes: Sequence[tuple[str, str, str]] | None = None, seed: int = 0,
              progress: bool = False) -> MapResult:
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
    emb = np.asarray(embedder.encode([t.text for t in all_tools], progress=progress), dtype=np.float32)
    n_m, n_s = len(mcp_tools), len(simulated_tools)
    e_m, e_s, e_p = emb[:n_m], emb[n_m:n_m + n_s], emb[n_m + n_s:]
    near_s, near_m = _nearest(e_m, e_s), _nearest(e_s, e_m)
    is_mcp = np.r_[np.ones(n_m, bool), np.zeros(n_s, bool)]
    mixing = knn_mixing(emb[:n_m + n_s], is_mcp, k)
    probe_info = []
    for (label, t), e in zip(probe_tools, e_p, strict=True):
        sm, ss = float((e_m @ e).max()), float((e_s @ e).max())
        where = ("intersection" if sm >= radius and ss >= radius else "mcp-only" if sm >= radius
                 else "simulated-only" if ss >= radius else "neither")
        probe_info.append({"label": label, "name": t.name, "nearest_mcp": round(sm, 4),
                           "nearest_simulated": round(ss, 4), "region": where,
                           "nearest_mcp_tool": mcp_tools[int((e_m @ e).argmax())].name,
                           "nearest_simulated_tool": simulated_tools[int((e_s @ e).argmax())].name})
    marks = {label: [i for i, t in enumerate(all_tools[:n_m + n_s]) if re.search(pat, t.name, re.I)]
             for label, pat in markers.items()}
    unc_m, unc_s = np.flatnonzero(near_s < radius), np.flatnonzero(near_m < radius)
    regions_m = find_regions(e_m[unc_m], [mcp_tools[i] for i in unc_m], "mcp-only", n_regions, seed)
    regions_s = find_regions(e_s[unc_s], [simulated_tools[i] for i in unc_s], "simulated-only", n_regions, seed)
    proj = {m: project(emb, m, seed) for m in projections}
    name = getattr(embedder, "model_name", type(embedder).__name__)
    return MapResult(list(mcp_tools), list(simulated_tools), probe_tools, radius, near_s, near_m, probe_info,
                     mixing, k, proj, marks, regions_m, regions_s, embedder=str(name))


# ---- plots ---------------------------------------------------------------------------------------
_COLORS = {"mcp": "#1f77b4", "simulated": "#ff7f0e"}
_MARK_COLORS = ["#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]


def _kinds(res: MapResult) -> list[str]:
    return ["mcp"] * res.n_mcp + ["simulated"] * res.n_simulated


def save_png(res: MapResult, path: str | Path, *, dpi: int = 120) -> Path:
    """A static figure with one panel per projection (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(res.projections)
    fig, axes = plt.subplots(1, max(1, len(names)), figsize=(7 * max(1, len(names)), 6.5), squeeze=False)
    n = res.n_mcp + res.n_simulated
    for ax, pname in zip(axes[0], names, strict=False):
        xy = res.projections[pname]
        ax.scatter(xy[res.n_mcp:n, 0], xy[res.n_mcp:n, 1], s=6, alpha=0.5, c=_COLORS["simulated"],
                   label=f"simulated APIs ({res.n_simulated})")
        ax.scatter(xy[:res.n_mcp, 0], xy[:res.n_mcp, 1], s=6, alpha=0.5, c=_COLORS["mcp"],
                   label=f"MCP tools ({res.n_mcp})")
        for j, (label, idx) in enumerate(res.markers.items()):
            if idx:
                ax.scatter(xy[idx, 0], xy[idx, 1], s=30, facecolors="none", linewidths=1.2,
                           edgecolors=_MARK_COLORS[j % len(_MARK_COLORS)], label=f"name ~ {label} ({len(idx)})")
        for j, (label, _t) in enumerate(res.probes):
            x, y = xy[n + j]
            ax.scatter([x], [y], marker="*", s=260, c=_MARK_COLORS[j % len(_MARK_COLORS)],
                       edgecolors="black", linewidths=0.8, zorder=5)
            ax.annotate(label, (x, y), xytext=(6, 6), textcoords="offset points", fontsize=10, weight="bold")
        ax.set_title(f"{pname.upper()} — overlap {res.overlap_share:.1%} (cos ≥ {res.radius})")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(loc="lower left", fontsize=8, markerscale=1.5)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>GTM MCP coverage map</title>
<style>
body{{font-family:sans-serif;margin:16px}} svg{{border:1px solid #ccc;background:#fff}}
circle.mcp{{fill:#1f77b4}} circle.simulated{{fill:#ff7f0e}} circle{{fill-opacity:.55}}
circle.marked{{stroke-width:1.5;fill-opacity:.9}} circle:hover{{stroke:#000;stroke-width:2}}
#tip{{position:fixed;pointer-events:none;background:#222;color:#fff;padding:4px 8px;border-radius:4px;
font-size:12px;max-width:420px;display:none}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:2px 6px}}
</style></head><body>
<h2>MCP tools vs simulated APIs</h2>
<p>{stats}</p>
<p>Projection: {buttons} &nbsp; Show: <label><input type="checkbox" checked onchange="tog('mcp',this)"> MCP</label>
<label><input type="checkbox" checked onchange="tog('simulated',this)"> simulated</label></p>
{svgs}
<div id="tip"></div>
<h3>Regions</h3>{regions}
<script>
var tip=document.getElementById('tip');
document.querySelectorAll('svg circle, svg path').forEach(function(c){{
 c.addEventListener('mousemove',function(e){{tip.style.display='block';tip.textContent=c.getAttribute('data-t');
 tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';}});
 c.addEventListener('mouseleave',function(){{tip.style.display='none';}});}});
function show(p){{document.querySelectorAll('svg.proj').forEach(function(s){{s.style.display=(s.id==='p-'+p)?'':'none';}});}}
function tog(k,b){{document.querySelectorAll('circle.'+k).forEach(function(c){{c.style.display=b.checked?'':'none';}});}}
</script></body></html>
"""


def save_html(res: MapResult, path: str | Path, *, size: int = 760) -> Path:
    """A self-contained interactive page: inline SVG per projection, hover labels, toggles (no
    external scripts, styles or fonts)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    kinds = _kinds(res)
    tools = res.mcp + res.simulated
    marked = {i: label for label, idx in res.markers.items() for i in idx}
    mark_color = {label: _MARK_COLORS[j % len(_MARK_COLORS)] for j, label in enumerate(res.markers)}
    n = len(tools)
    svgs, buttons = [], []
    for pi, (pname, xy) in enumerate(res.projections.items()):
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.where(hi - lo > 0, hi - lo, 1.0)
        pts = (xy - lo) / span * (size - 40) + 20
        hidden = "" if pi == 0 else ' style="display:none"'
        parts = [f'<svg class="proj" id="p-{pname}" width="{size}" height="{size}"{hidden}>']
        for i in range(n):
            t = tools[i]
            cov = ""
            if kinds[i] == "mcp":
                cov = f" | nearest simulated cos {res.nearest_sim[i]:.2f}"
            else:
                cov = f" | nearest MCP cos {res.nearest_mcp[i - res.n_mcp]:.2f}"
            tag = f"[{kinds[i]}{'/' + marked[i] if i in marked else ''}] {t.name}: {t.description[:200]}{cov}"
            stroke = f' class="{kinds[i]} marked" stroke="{mark_color[marked[i]]}" r="5"' if i in marked \
                else f' class="{kinds[i]}" r="2.5"'
            parts.append(f'<circle cx="{pts[i, 0]:.1f}" cy="{pts[i, 1]:.1f}"{stroke} '
                         f'data-t="{html.escape(tag, quote=True)}"/>')
        for j, (label, t) in enumerate(res.probes):
            x, y = pts[n + j]
            info = res.probe_nearest[j]
            tag = (f"[probe {label}] {t.name}: {t.description} | {info['region']} (MCP {info['nearest_mcp']:.2f}, "
                   f"simulated {info['nearest_simulated']:.2f})")
            star = " ".join(f"{x + r * np.cos(a):.1f},{y + r * np.sin(a):.1f}" for k in range(10)
                            for a, r in [(np.pi / 2 + k * np.pi / 5, 11 if k % 2 == 0 else 4.5)])
            parts.append(f'<path d="M{star.replace(" ", " L")} Z" fill="{_MARK_COLORS[j % len(_MARK_COLORS)]}" '
                         f'stroke="#000" data-t="{html.escape(tag, quote=True)}"/>'
                         f'<text x="{x + 10:.1f}" y="{y - 10:.1f}" font-size="13" font-weight="bold">'
                         f'{html.escape(label)}</text>')
        parts.append("</svg>")
        svgs.append("".join(parts))
        buttons.append(f'<button onclick="show(\'{pname}\')">{pname.upper()}</button>')
    s = res.summary()
    stats = html.escape(f"{res.n_mcp} MCP tools, {res.n_simulated} simulated APIs; overlap share "
                        f"{res.overlap_share:.1%} (nearest simulated cos ≥ {res.radius}); simulated covered "
                        f"{res.simulated_covered_share:.1%}; kNN mixing {res.knn_mixing:.2f} (k={res.knn_k}); "
                        f"embedder {res.embedder}. Marked by name: "
                        + ", ".join(f"{k} ({v})" for k, v in s["markers"].items()))
    rows = "".join(f"<tr><td>{html.escape(r.side)}</td><td>{r.size}</td><td>{html.escape(', '.join(r.words))}</td>"
                   f"<td>{html.escape(', '.join(r.examples))}</td></tr>"
                   for r in res.regions_mcp_only + res.regions_simulated_only)
    regions = f"<table><tr><th>side</th><th>size</th><th>top words</th><th>examples</th></tr>{rows}</table>"
    path.write_text(_HTML.format(stats=stats, buttons=" ".join(buttons), svgs="\n".join(svgs), regions=regions),
                    encoding="utf-8")
    return path


def points_frame(res: MapResult):
    """Per-point table (kind, name, description, nearest cosine, covered, coordinates)."""
    import pandas as pd

    tools = res.mcp + res.simulated
    n = len(tools)
    kinds = _kinds(res)
    near = np.r_[res.nearest_sim, res.nearest_mcp]
    marked = {i: label for label, idx in res.markers.items() for i in idx}
    df = pd.DataFrame({"kind": kinds, "name": [t.name for t in tools],
                       "description": [t.description for t in tools], "group": [t.group for t in tools],
                       "nearest_other_cos": near.astype(float), "covered": near >= res.radius,
                       "marker": [marked.get(i, "") for i in range(n)]})
    for pname, xy in res.projections.items():
        df[f"{pname}_x"], df[f"{pname}_y"] = xy[:n, 0].astype(float), xy[:n, 1].astype(float)
    return df


def write_outputs(res: MapResult, out_dir: str | Path, stem: str = "mcp_map") -> dict[str, str]:
    """PNG + HTML + summary JSON into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = save_png(res, out / f"{stem}.png")
    page = save_html(res, out / f"{stem}.html")
    summ = out / f"{stem}.json"
    summ.write_text(json.dumps(res.summary(), indent=2, ensure_ascii=False), encoding="utf-8")
    return {"png": str(png), "html": str(page), "summary": str(summ)}


def map_repository(mcp_sources: Sequence[str | Path], specs: Iterable[Any], embedder, out_dir: str | Path, *,
                   limit_mcp: int | None = None, limit_simulated: int | None = None, seed: int = 0,
                   radius: float = 0.5, projections: Sequence[str] = ("tsne", "umap"), k: int = 10,
                   n_regions: int = 5, progress: bool = False,
                   log: Any = None) -> tuple[MapResult, list[dict[str, Any]], dict[str, str]]:
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
    res = build_map(mcp_tools, sim, embedder, radius=radius, projections=tuple(projections), k=k,
                    n_regions=n_regions, seed=seed, progress=progress)
    return res, rejects, write_outputs(res, out_dir)
