"""Plots shown as Dagster metadata / MLflow artifacts: small matplotlib helpers (Agg backend) and
the MCP coverage map's figure and interactive page (``mcp_map`` computes it, this draws it)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gtm_core.mcp_map import MapResult


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def bar_plot(
    counts: Mapping[str, float], path: Path, *, title: str, xlabel: str = "", top: int = 60
) -> Path:
    """Horizontal bar chart of the ``top`` largest counts, written to ``path``."""
    plt = _plt()
    items = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)[:top]
    fig, ax = plt.subplots(figsize=(8, max(3, 0.22 * len(items) + 1)))
    ax.barh([k for k, _ in items][::-1], [v for _, v in items][::-1], color="#4C72B0")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def line_plot(
    series: Mapping[str, Sequence[tuple[float, float]]],
    path: Path,
    *,
    title: str,
    xlabel: str = "step",
    ylabel: str = "",
) -> Path:
    """One line per named series of (x, y) points, written to ``path``."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, pts in series.items():
        if pts:
            xs, ys = zip(*pts, strict=True)
            ax.plot(xs, ys, label=name, marker="o" if len(pts) <= 50 else None)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def grouped_bar_plot(
    groups: Mapping[str, Mapping[str, float | None]], path: Path, *, title: str, ylabel: str = ""
) -> Path:
    """Bars per category (inner keys) for each group (outer keys, e.g.
    models); None values skipped."""
    plt = _plt()
    cats = list(dict.fromkeys(c for g in groups.values() for c in g))
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(cats) + 2), 4))
    width = 0.8 / max(1, len(groups))
    for i, (name, vals) in enumerate(groups.items()):
        xs = [j + i * width for j, c in enumerate(cats) if vals.get(c) is not None]
        ax.bar(xs, [vals[c] for c in cats if vals.get(c) is not None], width, label=name)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(cats))], cats)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# ---- MCP coverage map ----------------------------------------------------------------------------
_MAP_COLORS = {"mcp": "#1f77b4", "simulated": "#ff7f0e"}
_MARK_COLORS = ["#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]


def map_kinds(res: MapResult) -> list[str]:
    """``mcp`` / ``simulated`` per point of a map (MCP tools first)."""
    return ["mcp"] * res.n_mcp + ["simulated"] * res.n_simulated


def save_map_png(res: MapResult, path: str | Path, *, dpi: int = 120) -> Path:
    """The MCP coverage map as a static figure, one panel per projection."""
    plt = _plt()

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(res.projections)
    fig, axes = plt.subplots(
        1, max(1, len(names)), figsize=(7 * max(1, len(names)), 6.5), squeeze=False
    )
    n = res.n_mcp + res.n_simulated
    for ax, pname in zip(axes[0], names, strict=False):
        xy = res.projections[pname]
        ax.scatter(
            xy[res.n_mcp : n, 0],
            xy[res.n_mcp : n, 1],
            s=6,
            alpha=0.5,
            c=_MAP_COLORS["simulated"],
            label=f"simulated APIs ({res.n_simulated})",
        )
        ax.scatter(
            xy[: res.n_mcp, 0],
            xy[: res.n_mcp, 1],
            s=6,
            alpha=0.5,
            c=_MAP_COLORS["mcp"],
            label=f"MCP tools ({res.n_mcp})",
        )
        for j, (label, idx) in enumerate(res.markers.items()):
            if idx:
                ax.scatter(
                    xy[idx, 0],
                    xy[idx, 1],
                    s=30,
                    facecolors="none",
                    linewidths=1.2,
                    edgecolors=_MARK_COLORS[j % len(_MARK_COLORS)],
                    label=f"name ~ {label} ({len(idx)})",
                )
        for j, (label, _t) in enumerate(res.probes):
            x, y = xy[n + j]
            ax.scatter(
                [x],
                [y],
                marker="*",
                s=260,
                c=_MARK_COLORS[j % len(_MARK_COLORS)],
                edgecolors="black",
                linewidths=0.8,
                zorder=5,
            )
            ax.annotate(
                label, (x, y), xytext=(6, 6), textcoords="offset points", fontsize=10, weight="bold"
            )
        ax.set_title(f"{pname.upper()} — overlap {res.overlap_share:.1%} (cos ≥ {res.radius})")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(loc="lower left", fontsize=8, markerscale=1.5)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


_MAP_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>GTM MCP coverage map</title>
<style>
body{{font-family:sans-serif;margin:16px}} svg{{border:1px solid #ccc;background:#fff}}
circle.mcp{{fill:#1f77b4}} circle.simulated{{fill:#ff7f0e}} circle{{fill-opacity:.55}}
circle.marked{{stroke-width:1.5;fill-opacity:.9}} circle:hover{{stroke:#000;stroke-width:2}}
#tip{{position:fixed;pointer-events:none;background:#222;color:#fff;\
padding:4px 8px;border-radius:4px;
font-size:12px;max-width:420px;display:none}} table{{border-collapse:collapse}} \
td,th{{border:1px solid #ccc;padding:2px 6px}}
</style></head><body>
<h2>MCP tools vs simulated APIs</h2>
<p>{stats}</p>
<p>Projection: {buttons} &nbsp; Show: \
<label><input type="checkbox" checked onchange="tog('mcp',this)"> MCP</label>
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
function show(p){{document.querySelectorAll('svg.proj').forEach(\
function(s){{s.style.display=(s.id==='p-'+p)?'':'none';}});}}
function tog(k,b){{document.querySelectorAll('circle.'+k).forEach(\
function(c){{c.style.display=b.checked?'':'none';}});}}
</script></body></html>
"""


def save_map_html(res: MapResult, path: str | Path, *, size: int = 760) -> Path:
    """The MCP coverage map as a self-contained interactive page: inline SVG per projection, hover
    labels, toggles (no external scripts, styles or fonts)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    kinds = map_kinds(res)
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
            tag = (
                f"[{kinds[i]}{'/' + marked[i] if i in marked else ''}] "
                f"{t.name}: {t.description[:200]}{cov}"
            )
            stroke = (
                f' class="{kinds[i]} marked" stroke="{mark_color[marked[i]]}" r="5"'
                if i in marked
                else f' class="{kinds[i]}" r="2.5"'
            )
            parts.append(
                f'<circle cx="{pts[i, 0]:.1f}" cy="{pts[i, 1]:.1f}"{stroke} '
                f'data-t="{html.escape(tag, quote=True)}"/>'
            )
        for j, (label, t) in enumerate(res.probes):
            x, y = pts[n + j]
            info = res.probe_nearest[j]
            tag = (
                f"[probe {label}] {t.name}: {t.description} | {info['region']} "
                f"(MCP {info['nearest_mcp']:.2f}, simulated {info['nearest_simulated']:.2f})"
            )
            star = " ".join(
                f"{x + r * np.cos(a):.1f},{y + r * np.sin(a):.1f}"
                for k in range(10)
                for a, r in [(np.pi / 2 + k * np.pi / 5, 11 if k % 2 == 0 else 4.5)]
            )
            parts.append(
                f'<path d="M{star.replace(" ", " L")} Z" '
                f'fill="{_MARK_COLORS[j % len(_MARK_COLORS)]}" '
                f'stroke="#000" data-t="{html.escape(tag, quote=True)}"/>'
                f'<text x="{x + 10:.1f}" y="{y - 10:.1f}" font-size="13" font-weight="bold">'
                f"{html.escape(label)}</text>"
            )
        parts.append("</svg>")
        svgs.append("".join(parts))
        buttons.append(f"<button onclick=\"show('{pname}')\">{pname.upper()}</button>")
    s = res.summary()
    stats = html.escape(
        f"{res.n_mcp} MCP tools, {res.n_simulated} simulated APIs; overlap share "
        f"{res.overlap_share:.1%} (nearest simulated cos ≥ {res.radius}); simulated covered "
        f"{res.simulated_covered_share:.1%}; kNN mixing {res.knn_mixing:.2f} (k={res.knn_k}); "
        f"embedder {res.embedder}. Marked by name: "
        + ", ".join(f"{k} ({v})" for k, v in s["markers"].items())
    )
    rows = "".join(
        f"<tr><td>{html.escape(r.side)}</td><td>{r.size}</td>"
        f"<td>{html.escape(', '.join(r.words))}</td>"
        f"<td>{html.escape(', '.join(r.examples))}</td></tr>"
        for r in res.regions_mcp_only + res.regions_simulated_only
    )
    regions = (
        "<table><tr><th>side</th><th>size</th><th>top words</th><th>examples</th></tr>"
        f"{rows}</table>"
    )
    path.write_text(
        _MAP_HTML.format(
            stats=stats, buttons=" ".join(buttons), svgs="\n".join(svgs), regions=regions
        ),
        encoding="utf-8",
    )
    return path
