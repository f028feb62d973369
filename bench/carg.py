"""CARG benchmark: structural validation throughput and multi-turn grouping over every spec in
../shared/data (set GTM_SHARED_DATA_DIR). Targets: >= 20,000 validated samples/s; grouping of
~17k APIs <= 30 s. Embeddings are cached in DuckDB (their time is printed separately).

    uv run python bench/carg.py [--tools 3000] [--threshold 0.5]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--tools", type=int, default=3000, help="tools whose offline samples are validated"
    )
    ap.add_argument("--per-tool", type=int, default=4)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--max-size", type=int, default=4)
    args = ap.parse_args()

    from gtm_core.carg import multi, single
    from gtm_core.carg.embeddings import embed_cached
    from gtm_core.carg.validate import _CACHE, validate_single
    from gtm_core.embed import Embedder
    from gtm_core.llm.offline import OfflineTeacher
    from gtm_core.settings import get_settings
    from gtm_core.spec import parse_specs
    from gtm_core.storage import Store

    s = get_settings()
    data = s.shared_data() or (
        Path("/work/shared/data") if Path("/work/shared/data").is_dir() else None
    )
    if data is None:
        raise SystemExit("../shared/data not found: set GTM_SHARED_DATA_DIR")
    raws = []
    for f in sorted(data.glob("*_tools.jsonl")):
        for line in f.open():
            r = json.loads(line)
            r["field"] = r.get("field") or str(r.get("domain") or f.stem).split("/")[0]
            raws.append(r)
    specs, rejects = parse_specs(raws)
    print(f"specs: {len(specs)} accepted, {len(rejects)} rejected (of {len(raws)})")

    # ---- structural validation ----------------------------------------------------------------
    rng = np.random.default_rng(0)
    pick = [
        specs[i] for i in rng.choice(len(specs), size=min(args.tools, len(specs)), replace=False)
    ]
    t0 = time.perf_counter()
    texts = OfflineTeacher().generate([single.request(sp, sp.field, args.per_tool) for sp in pick])
    samples = [
        (sp, smp)
        for sp, t in zip(pick, texts, strict=True)
        for smp in single.parse(
            t,
            sp,
            field=sp.field,
            field_key="b",
            n=args.per_tool,
            round_=0,
            generation="b",
            teacher="offline",
        )
    ]
    print(f"generated {len(samples)} offline samples in {time.perf_counter() - t0:.1f}s")
    _CACHE.clear()
    t0 = time.perf_counter()
    for sp, smp in samples:
        smp.checks.clear()
        smp.reasons.clear()
        validate_single(sp, smp)
    cold = len(samples) / (time.perf_counter() - t0)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        for sp, smp in samples:
            smp.checks.clear()
            smp.reasons.clear()
            validate_single(sp, smp)
        best = max(best, len(samples) / (time.perf_counter() - t0))
    passed = sum(smp.passed for _, smp in samples)
    print(
        f"validation (format + contradiction + coherence): cold {cold:,.0f}/s (compiling "
        f"validators), warm {best:,.0f}/s; pass rate {passed / len(samples):.3f}"
    )

    # ---- grouping over every API --------------------------------------------------------------
    store = Store(s.root / "bench" / "embeddings.duckdb")
    t0 = time.perf_counter()
    emb = embed_cached(
        store,
        Embedder(s.embedder_model, batch_size=256),
        [multi.api_text(sp) for sp in specs],
        progress=True,
    )
    t_emb = time.perf_counter() - t0
    t0 = time.perf_counter()
    groups = multi.build_groups(
        emb, threshold=args.threshold, min_size=2, max_size=args.max_size, seed=0
    )
    t_group = time.perf_counter() - t0
    sizes = np.array([len(g.members) for g in groups.values()])
    coh = np.array([g.coherence for g in groups.values() if len(g.members) > 1])
    print(f"embeddings: {len(specs)} APIs in {t_emb:.1f}s (cached after the first run)")
    print(
        f"grouping: {len(groups)} groups in {t_group:.2f}s; size>=2: {(sizes >= 2).mean():.3f}, "
        f"mean size {sizes.mean():.2f}, "
        f"mean coherence {coh.mean() if coh.size else float('nan'):.3f}"
    )
    print(f"RESULT validate_per_s={best:.0f} grouping_seconds={t_group:.2f} apis={len(specs)}")


if __name__ == "__main__":
    main()
