"""Dataset splits by tool (paper §5.3): train/val/test with no tool in two splits, plus an unseen-
tool hold-out: target tools chosen per field, and every training tool whose description similarity
to a target exceeds ``unseen_threshold`` removed from training. Seeded and reproducible."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SPLITS = ("train", "val", "test", "unseen")
EXCLUDED = "excluded"  # near an unseen target: removed from training


@dataclass
class SplitConfig:
    val_frac: float = 0.1
    test_frac: float = 0.1
    unseen_frac: float = 0.05
    unseen_threshold: float = 0.7
    seed: int = 0


def _rng_order(keys: list[str], seed: int, salt: str) -> list[int]:
    """A seeded permutation that depends only on the keys (not on row order)."""
    import hashlib

    return sorted(
        range(len(keys)),
        key=lambda i: hashlib.sha256(f"{seed}|{salt}|{keys[i]}".encode()).hexdigest(),
    )


def split_tools(
    tools: pd.DataFrame, emb: np.ndarray, cfg: SplitConfig | None = None
) -> pd.DataFrame:
    """``tools`` has columns uid, field (rows aligned with unit-norm
    description embeddings ``emb``).
    Returns uid, field, split (train/val/test/unseen/excluded), max_sim_unseen."""
    cfg = cfg or SplitConfig()
    tools = tools.reset_index(drop=True)
    split = np.array(["train"] * len(tools), dtype=object)
    targets: list[int] = []
    for _, idx in tools.groupby("field", sort=True).groups.items():
        idx = list(idx)
        order = [idx[i] for i in _rng_order(tools.loc[idx, "uid"].tolist(), cfg.seed, "unseen")]
        n_unseen = int(round(cfg.unseen_frac * len(order))) if len(order) >= 3 else 0
        if cfg.unseen_frac > 0 and len(order) >= 10:
            n_unseen = max(1, n_unseen)
        targets += order[:n_unseen]
        rest = order[n_unseen:]
        rest = [rest[i] for i in _rng_order(tools.loc[rest, "uid"].tolist(), cfg.seed, "split")]
        n = len(rest)
        n_val = int(round(cfg.val_frac * n)) if n >= 3 else 0
        n_test = int(round(cfg.test_frac * n)) if n >= 3 else 0
        for j, i in enumerate(rest):
            split[i] = "val" if j < n_val else "test" if j < n_val + n_test else "train"
    split[targets] = "unseen"
    max_sim = np.zeros(len(tools), dtype=np.float32)
    if targets:
        T = emb[targets]
        for s in range(0, len(tools), 4096):
            max_sim[s : s + 4096] = (emb[s : s + 4096] @ T.T).max(axis=1)
        max_sim[targets] = 1.0
        split[(split == "train") & (max_sim > cfg.unseen_threshold)] = EXCLUDED
    return pd.DataFrame(
        {"uid": tools["uid"], "field": tools["field"], "split": split, "max_sim_unseen": max_sim}
    )


def assign_samples(samples: pd.DataFrame, tool_splits: pd.DataFrame) -> pd.DataFrame:
    """Each sample gets the split of its (target) tool; samples of excluded tools are dropped."""
    m = samples.merge(
        tool_splits[["uid", "split"]].rename(columns={"uid": "tool_uid"}),
        on="tool_uid",
        how="inner",
    )
    return m[m["split"] != EXCLUDED].reset_index(drop=True)


def leaks(tool_splits: pd.DataFrame, sample_splits: pd.DataFrame) -> list[str]:
    """Tools found in more than one split (should be empty)."""
    g = sample_splits.groupby("tool_uid")["split"].nunique()
    bad = g[g > 1].index.tolist()
    d = tool_splits.groupby("uid")["split"].nunique()
    return sorted(set(bad) | set(d[d > 1].index))
