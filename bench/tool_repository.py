"""Benchmark: import + validate + embed + de-duplicate every tool spec in ../shared/data.

Target: <= 60 s in all on 2 CPU cores (about 17k specs). Prints specs/s for each stage; the last
line is ``RESULT specs=<read> loaded=<valid> rejected=<n> duplicates=<n> seconds=<total>``.
Run: ``uv run python bench/tool_repository.py`` (reads ../shared/data, or GTM_SHARED_DATA_DIR).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path


def spec_files(data: Path) -> list[Path]:
    files = sorted(data.glob("*_tools.jsonl"))
    extra = data / "toolbench_answer_functions.jsonl"
    return files + ([extra] if extra.exists() and extra not in files else [])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--data",
        type=Path,
        default=None,
        help="shared data folder (default: settings.shared_data())",
    )
    ap.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="dedup cosine threshold (default: settings, 0.8)",
    )
    ap.add_argument("--limit", type=int, default=None, help="at most this many specs per file")
    ap.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads for embedding (default: torch's; "
        "1 is faster on an oversubscribed machine)",
    )
    args = ap.parse_args()

    from gtm_core.settings import get_settings

    s = get_settings()
    data = args.data or s.shared_data()
    if data is None or not Path(data).is_dir():
        print(
            f"shared data folder not found ({s.shared_data_dir}); set GTM_SHARED_DATA_DIR",
            file=sys.stderr,
        )
        return 2
    threshold = args.threshold if args.threshold is not None else s.dedup_threshold
    files = spec_files(Path(data))
    t_all = time.perf_counter()

    from gtm_core.tools.importers import import_sources

    t0 = time.perf_counter()
    res = import_sources(files, limit_per_source=args.limit)
    t_import = time.perf_counter() - t0
    for f in files:
        sub = [r for r in res.rejects if r.source == f.name]
        print(f"  {f.name:42s} rejects={len(sub)}")
    for stage in ("read", "convert", "validate"):
        secs = res.timings.get(stage, 0.0)
        print(
            f"stage {stage:9s} {res.n_read:6d} specs {secs:7.2f} s "
            f"{res.n_read / max(secs, 1e-9):10.0f} specs/s"
        )
    print(
        f"stage import    {res.n_read:6d} specs {t_import:7.2f} s "
        f"{res.n_read / max(t_import, 1e-9):10.0f} specs/s "
        f"(loaded {len(res.specs)}, rejected {len(res.rejects)}: "
        f"{dict(Counter(r.stage for r in res.rejects))})"
    )

    from gtm_core.embed import Embedder

    t0 = time.perf_counter()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    emb = Embedder(s.embedder_model, batch_size=s.embed_batch_size)
    emb.encode(["warm up"])
    t_load = time.perf_counter() - t0
    print(f"stage load-model {t_load:.2f} s")

    from gtm_core.tools.repository import dedup_key

    names = [dedup_key(sp, s.dedup_on) for sp in res.specs]  # what tool_repository compares
    uniq = list(dict.fromkeys(names))
    t0 = time.perf_counter()
    vecs = emb.encode(uniq, progress=False)
    t_embed = time.perf_counter() - t0
    print(
        f"stage embed     {len(uniq):6d} names {t_embed:7.2f} s "
        f"{len(uniq) / max(t_embed, 1e-9):10.0f} names/s "
        f"({len(names)} specs, {len(names) / max(t_embed, 1e-9):.0f} specs/s)"
    )

    import numpy as np

    from gtm_core.tools.dedup import dedup_embeddings

    index = {n: i for i, n in enumerate(uniq)}
    t0 = time.perf_counter()
    d = dedup_embeddings(
        vecs[np.fromiter((index[n] for n in names), dtype=np.int64, count=len(names))], threshold
    )
    t_dedup = time.perf_counter() - t0
    print(
        f"stage dedup     {len(names):6d} specs {t_dedup:7.2f} s "
        f"{len(names) / max(t_dedup, 1e-9):10.0f} specs/s "
        f"(threshold {threshold}: kept {int(d.keep.sum())}, duplicates {d.n_duplicates})"
    )

    total = time.perf_counter() - t_all
    print(
        f"RESULT specs={res.n_read} loaded={len(res.specs)} rejected={len(res.rejects)} "
        f"duplicates={d.n_duplicates} seconds={total:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
