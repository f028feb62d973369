"""Dagster metadata helpers shared by the asset modules."""

from __future__ import annotations

import dagster as dg
import pandas as pd


def md_table(df: pd.DataFrame) -> dg.MetadataValue:
    """A data frame as a markdown table (floats to 3 decimals) for an asset's metadata."""
    if df.empty:
        return dg.MetadataValue.md("_empty_")
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return dg.MetadataValue.md("\n".join(lines))
