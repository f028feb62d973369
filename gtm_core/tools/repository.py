"""The tool repository: generated + imported specs, fields assigned, validated and de-duplicated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gtm_core.spec import Reject, ToolSpec
from gtm_core.tools.dedup import dedup_embeddings
from gtm_core.tools.taxonomy import Taxonomy


def assign_fields(
    specs: list[ToolSpec], tax: Taxonomy, embedder, *, progress: bool = False
) -> list[ToolSpec]:
    """Give every spec whose field is not in the taxonomy the nearest (field, subfield) by embedding
    similarity of "name: description" to "field: subfield"; the similarity is kept in meta."""
    todo = [
        i
        for i, s in enumerate(specs)
        if s.field not in tax.subfields or s.subfield not in tax.subfields[s.field]
    ]
    if not todo:
        return specs
    pairs = tax.pairs()
    labels = embedder.encode([f"{f}: {s}" for f, s in pairs])
    texts = [f"{specs[i].name}: {specs[i].description[:300]}" for i in todo]
    emb = embedder.encode(texts, progress=progress)
    sims = emb @ labels.T
    best = sims.argmax(axis=1)
    out = list(specs)
    for k, i in enumerate(todo):
        f, s = pairs[best[k]]
        meta = {
            **specs[i].meta,
            "original_field": specs[i].field or None,
            "field_similarity": round(float(sims[k, best[k]]), 3),
        }
        out[i] = specs[i].model_copy(update={"field": f, "subfield": s, "meta": meta})
    return out


@dataclass
class RepositoryBuild:
    tools: list[ToolSpec]
    rejects: list[Reject] = field(default_factory=list)
    embeddings: np.ndarray | None = None  # of the dedup key of each kept tool, unit-normalised


def humanize(name: str) -> str:
    """'getWeatherForecast' / 'get_weather_forecast' -> 'get weather forecast' (what gets
    embedded)."""
    return re.sub(r"[_\-.]+", " ", re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", name)).lower().strip()


def dedup_key(spec: ToolSpec, on: str = "name") -> str:
    """The text compared for duplicates: the humanized name (paper), or name + description."""
    return humanize(spec.name) if on == "name" else f"{humanize(spec.name)}: {spec.description}"


def build_repository(
    specs: list[ToolSpec],
    embedder,
    *,
    threshold: float = 0.8,
    on: str = "name",
    progress: bool = False,
) -> RepositoryBuild:
    """De-duplicate ``specs`` (earlier ones win) by cosine similarity of their names (or name +
    description) above ``threshold``; duplicates become rejects naming the tool they duplicate."""
    keys = [dedup_key(s, on) for s in specs]
    uniq: dict[str, int] = {}
    inv = np.empty(len(keys), dtype=np.int64)
    for i, k in enumerate(keys):
        inv[i] = uniq.setdefault(k, len(uniq))
    emb = (
        embedder.encode(list(uniq), progress=progress)[inv]
        if specs
        else np.zeros((0, 1), np.float32)
    )
    res = dedup_embeddings(emb, threshold)
    rejects = []
    for i in np.nonzero(~res.keep)[0]:
        j = int(res.duplicate_of[i])
        rejects.append(
            Reject(
                specs[i].source,
                specs[i].name,
                on.replace("+", "_and_"),
                f"duplicate of {specs[j].name!r} from {specs[j].source} "
                f"(cosine {res.similarity[i]:.3f} > {threshold})",
                specs[i].to_public(),
                stage="dedup",
            )
        )
    return RepositoryBuild(
        [s for s, k in zip(specs, res.keep, strict=True) if k], rejects, emb[res.keep]
    )


def specs_frame(specs: list[ToolSpec]) -> pd.DataFrame:
    cols = list(ToolSpec(name="x").to_row())
    return pd.DataFrame([s.to_row() for s in specs], columns=cols)


def rejects_frame(rejects: list[Reject]) -> pd.DataFrame:
    return pd.DataFrame(
        [r.to_row() for r in rejects], columns=["source", "name", "field", "reason", "stage", "raw"]
    )


def load_tools(store, table: str = "tools") -> list[ToolSpec]:
    """All tools of a DuckDB table written by ``specs_frame``."""
    return [ToolSpec.from_row(r) for r in store.read(table).to_dict("records")]
