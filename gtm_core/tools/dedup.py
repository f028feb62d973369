"""Near-duplicate removal by embedding cosine similarity (paper: names, threshold 0.8).

Greedy in input order: an item is a duplicate when its similarity to an earlier *kept* item is
above the threshold. Vectorised in blocks so ~20k items need only a few matrix products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class DedupResult:
    keep: np.ndarray  # bool mask, True for kept items
    duplicate_of: np.ndarray  # index of the kept item each duplicate matches, -1 for kept
    similarity: np.ndarray  # that similarity (0 for kept)

    @property
    def n_duplicates(self) -> int:
        return int((~self.keep).sum())


def dedup_embeddings(emb: np.ndarray, threshold: float = 0.8, block: int = 1024) -> DedupResult:
    """Greedy de-duplication of unit-normalised rows of ``emb`` at cosine > ``threshold``."""
    n = emb.shape[0]
    keep = np.ones(n, dtype=bool)
    dup_of = np.full(n, -1, dtype=np.int64)
    sim_out = np.zeros(n, dtype=np.float32)
    kept_idx: list[int] = []
    for s in range(0, n, block):
        e = min(n, s + block)
        blk = emb[s:e]
        if kept_idx:
            prev = np.asarray(kept_idx)
            sims = blk @ emb[prev].T
            j = sims.argmax(axis=1)
            best = sims[np.arange(e - s), j]
            hit = best > threshold
            keep[s:e][hit] = False
            dup_of[s:e][hit] = prev[j[hit]]
            sim_out[s:e][hit] = best[hit]
        inner = blk @ blk.T
        for i in range(e - s):
            if not keep[s + i]:
                continue
            earlier = inner[i, :i] > threshold
            if earlier.any():
                cand = np.nonzero(earlier & keep[s : s + i])[0]
                if cand.size:
                    k = cand[inner[i, cand].argmax()]
                    keep[s + i] = False
                    dup_of[s + i] = s + k
                    sim_out[s + i] = inner[i, k]
                    continue
            kept_idx.append(s + i)
    return DedupResult(keep, dup_of, sim_out)


def dedup_texts(
    texts: list[str], embedder, threshold: float = 0.8, *, progress: bool = False
) -> DedupResult:
    """Embed ``texts`` (identical strings embedded once) and de-duplicate them."""
    uniq: dict[str, int] = {}
    inv = np.empty(len(texts), dtype=np.int64)
    for i, t in enumerate(texts):
        inv[i] = uniq.setdefault(t, len(uniq))
    emb = embedder.encode(list(uniq), progress=progress)
    return dedup_embeddings(emb[inv], threshold)
