"""Rule ablation: each engine rule's gain, measured by switching it off
(``simulator.rules.RULES``) on the same real calls, for the simulator with a model or with the
offline teacher as its backend (rules-only).

    uv run python bench/rules.py [--model models:/gtm@champion | rules]
                                 [--split heldout|unseen_source]
                                 [--limit N] [--rules gate recorded_shape ...]

Prints every rule's figures and its gain (all rules on minus that rule off); last line
``RESULT split=… <rule>_schema_gain=… <rule>_error_gain=…``.
"""

from __future__ import annotations

import argparse
import time

ABLATED = (
    "relaxed_spec",
    "recorded_failure",
    "examples",
    "recorded_shape",
    "conversation_shape",
    "declared_form",
    "error_grounds",
    "error_confidence",
)
METRICS = ("error_agreement", "schema_agreement", "value_agreement", "text_f1", "no_answer_rate")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--model",
        default="rules",
        help="models:/..., a folder, or 'rules' (the offline teacher as backend)",
    )
    ap.add_argument("--split", default="heldout", choices=["heldout", "unseen_source"])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--rules", nargs="*", default=list(ABLATED))
    args = ap.parse_args()

    from gtm_core.cli.audit import _stored_traces
    from gtm_core.evaluation.real_split import selection, shared_example_index, split_config
    from gtm_core.evaluation.real_traces import audit, shared_pairs
    from gtm_core.settings import get_settings
    from gtm_core.simulator.backends import OfflineSimBackend
    from gtm_core.simulator.models import parse_model, ref_backend
    from gtm_core.simulator.rules import check_rules

    check_rules(args.rules)
    s = get_settings()
    calls, tools = shared_pairs(s.shared_data())
    if not calls:
        raise SystemExit("no real-call files in the shared data folder: set GTM_SHARED_DATA_DIR")
    traces = _stored_traces(s)
    select = selection(calls, args.split, traces, split_config(s))
    if not select:
        raise SystemExit(f"no {args.split} calls (is an unseen source set? GTM_UNSEEN_SOURCE)")
    shots = shared_example_index(s, traces)
    if args.model == "rules":
        label, backend = "rules-only", OfflineSimBackend()
    else:
        ref = parse_model(args.model, s)
        label, backend = (
            ref.label,
            ref_backend(ref, s, max_tokens=args.max_tokens, batch_size=args.batch_size),
        )
    figures = {}
    for off in ["", *args.rules]:
        t0 = time.perf_counter()
        report, _ = audit(
            calls,
            tools,
            backend,
            model={"label": label},
            select=select,
            limit=args.limit,
            examples=shots,
            without=[off] if off else (),
            batch_size=args.batch_size,
            max_retries=0,
        )
        figures[off or "all rules"] = report
        print(
            f"{'all rules' if not off else 'without ' + off:28s} "
            + " ".join(
                f"{m.split('_')[0]}={'n/m' if report[m] is None else format(report[m], '.3f')}"
                for m in METRICS
            )
            + f"  ({report['n_calls']} calls, {time.perf_counter() - t0:.0f} s)"
        )
    base = figures["all rules"]

    def gain(rule: str, m: str) -> str:
        a, b = base[m], figures[rule][m]
        return "nan" if a is None or b is None else f"{a - b:+.4f}"

    print(f"\n{'rule':20s} " + " ".join(f"{m.split('_')[0] + ' gain':>12s}" for m in METRICS[:4]))
    for rule in args.rules:
        print(f"{rule:20s} " + " ".join(f"{gain(rule, m):>12s}" for m in METRICS[:4]))
    print(
        f"RESULT system={label.replace(' ', '_')} split={args.split} n_calls={base['n_calls']} "
        + " ".join(
            f"{r}_error_gain={gain(r, 'error_agreement')} "
            f"{r}_schema_gain={gain(r, 'schema_agreement')}"
            for r in args.rules
        )
    )


if __name__ == "__main__":
    main()
