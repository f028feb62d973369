"""Small matplotlib helpers (Agg backend) for PNG plots shown as Dagster metadata / MLflow artifacts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def bar_plot(counts: Mapping[str, float], path: Path, *, title: str, xlabel: str = "", top: int = 60) -> Path:
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


def line_plot(series: Mapping[str, Sequence[tuple[float, float]]], path: Path, *, title: str,
              xlabel: str = "step", ylabel: str = "") -> Path:
    """One line per named series of (x, y) points, written to ``path``."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, pts in series.items():
        if pts:
            xs, ys = zip(*pts, strict=True)
            ax.plot(xs, ys, label=name)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def grouped_bar_plot(groups: Mapping[str, Mapping[str, float | None]], path: Path, *, title: str,
                     ylabel: str = "") -> Path:
    """Bars per category (inner keys) for each group (outer keys, e.g. models); None values skipped."""
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
