"""Text embeddings cached in DuckDB (table ``text_embeddings``), keyed by model and text hash, so
regenerating a partition or recomputing splits does not re-embed the repository."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from gtm_core.storage import Store

TABLE = "text_embeddings"


def _key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


def embed_cached(
    store: Store, embedder, texts: Sequence[str], *, progress: bool = False
) -> np.ndarray:
    """Unit-norm embeddings of ``texts`` (rows aligned), computing only those not cached yet."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    model = str(getattr(embedder, "model_name", "default"))
    keys = [_key(model, t) for t in texts]
    have: dict[str, np.ndarray] = {}
    if store.exists(TABLE):
        uniq = sorted(set(keys))
        with store.connect(read_only=True) as con:
            con.register("_k", pd.DataFrame({"key": uniq}))
            df = con.execute(f"select e.key, e.vec from {TABLE} e join _k using (key)").df()
        have = {
            k: np.asarray(v, dtype=np.float32) for k, v in zip(df["key"], df["vec"], strict=True)
        }
    missing = list(dict.fromkeys(k for k in keys if k not in have))
    if missing:
        text_of = dict(zip(keys, texts, strict=True))
        vecs = embedder.encode([text_of[k] for k in missing], progress=progress)
        store.append_new(
            TABLE,
            pd.DataFrame({"key": missing, "model": model, "vec": [v.tolist() for v in vecs]}),
            key=["key"],
        )
        have.update(zip(missing, vecs, strict=True))
    return np.stack([have[k] for k in keys]).astype(np.float32)
