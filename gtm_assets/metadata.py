"""Helpers that turn frames and files into Dagster metadata values."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd


def md_table(df: pd.DataFrame, max_rows: int = 20, max_chars: int = 80) -> dg.MetadataValue:
    """A markdown table of the first rows (long cells shortened)."""
    if df.empty:
        return dg.MetadataValue.md("_(empty)_")
    short = df.head(max_rows).map(
        lambda v: (str(v)[:max_chars] + "…") if len(str(v)) > max_chars else v
    )
    return dg.MetadataValue.md(short.to_markdown(index=False))


def image(path: Path) -> dict[str, dg.MetadataValue]:
    """Metadata entries pointing at a PNG on disk."""
    return {"plot": dg.MetadataValue.path(str(path))}
