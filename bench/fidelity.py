"""Fidelity benchmark: ``models:/gtm@champion`` (or ``--model``) and the offline teacher scored on the
held-out visible real traces (the deterministic split of ``gtm_core.evaluation.real_split``, or the
stored ``real_traces`` table when one was materialized) in one run: error / schema / value
agreement and text F1, per file and overall, and the model's seconds per call.

    uv run python bench/fidelity.py [--model models:/gtm@champion] [--limit N] [--batch-size 16]
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models:/gtm@champion", help="models:/..., folder, offline, openai:<model>@<url>")
    ap.add_argument("--limit", type=int, default=None, help="at most this many held-out calls (default: all)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from gtm_core.cli.audit import _stored_traces
    from gtm_core.evaluation.real_split import selection
    from gtm_core.evaluation.real_traces import FIDELITY, audit, shared_pairs, side_by_side
    from gtm_core.settings import get_settings
    from gtm_core.simulator.models import make_backend, parse_model

    s = get_settings()
    calls, tools = shared_pairs(s.shared_data())
    if not calls:
        raise SystemExit("no real-call files in the shared data folder: set GTM_SHARED_DATA_DIR")
    held = selection(calls, "heldout", _stored_traces(s))
    reports, secs = {}, {}
    for name, spec in (("gtm", args.model), ("offline", "offline")):
        try:
            ref = parse_model(spec, s)
            t0 = time.perf_counter()
            backend = make_backend(ref, s, seed=args.seed, max_tokens=args.max_tokens, batch_size=args.batch_size)
            load = time.perf_counter() - t0
            t0 = time.perf_counter()
            reports[name], _ = audit(calls, tools, backend, model=ref.to_dict(), limit=args.limit, select=held,
                                     batch_size=args.batch_size, seed=args.seed, max_retries=0, progress=True)
        except (ValueError, FileNotFoundError) as e:
            raise SystemExit(f"--model: {e}") from None
        secs[name] = (load, time.perf_counter() - t0)
        print(f"{name}: {ref.label} — load {load:.1f} s, {secs[name][1]:.1f} s for {reports[name]['n_calls']} calls "
              f"({secs[name][1] / max(reports[name]['n_calls'], 1):.3f} s/call)")
    rows = side_by_side(reports)
    print(f"{'part':36s} {'calls':>5s}  " + "  ".join(f"{n + ':' + m.split('_')[0]:>{len(n) + 7}s}" for n in reports for m in FIDELITY))
    for r in rows:
        vals = "  ".join(f"{'n/m' if r[f'{n} {m}'] is None else format(r[f'{n} {m}'], '.3f'):>{len(n) + 7}s}"
                         for n in reports for m in FIDELITY)
        print(f"{r['part']:36s} {r['n_calls']:5d}  {vals}")
    print(json.dumps({n: {k: rep[k] for k in ("n_calls", *FIDELITY, "real_errors", "sim_errors")} for n, rep in reports.items()}))

    def f(v) -> str:
        return "nan" if v is None else f"{v:.4f}"

    g, o = reports["gtm"], reports["offline"]
    print(f"RESULT n_calls={g['n_calls']} gtm_error_agreement={f(g['error_agreement'])} "
          f"gtm_schema_agreement={f(g['schema_agreement'])} gtm_value_agreement={f(g['value_agreement'])} "
          f"offline_error_agreement={f(o['error_agreement'])} offline_schema_agreement={f(o['schema_agreement'])} "
          f"offline_value_agreement={f(o['value_agreement'])} gtm_text_f1={f(g['text_f1'])} "
          f"offline_text_f1={f(o['text_f1'])} gtm_s_per_call={secs['gtm'][1] / max(g['n_calls'], 1):.3f}")


if __name__ == "__main__":
    main()
