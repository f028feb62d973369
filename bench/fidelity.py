"""Fidelity benchmark: the simulator (model + rules) and its baselines — rules-only (the same engine
with the offline teacher), record copy (nearest recorded output, arguments substituted) and the
bare offline teacher — scored on the same real calls in one run: error / schema / value agreement,
text F1 and no-answer rate, per file and overall, and the model's seconds per call.

    # held-out calls
    uv run python bench/fidelity.py [--model models:/gtm@champion] [--limit N]
    # one unseen source
    uv run python bench/fidelity.py --holdout-source livemcpbench [--model ...]
    # leave-one-source-out
    uv run python bench/fidelity.py --rotate [--limit N]

``--rotate`` trains one model per visible source held out whole (``GTM_UNSEEN_SOURCE``; the main
job's graph up to ``registered_model`` at the main job's sizes, each in its own data folder
under ``--work``), audits it on that source beside the baselines, and prints each source and the
mean: the development figure for tools nobody recorded. ``--from-data FOLDER`` starts each data
folder as a copy of a main job's (its tool repository and CARG samples do not depend on the
held-out source) and reruns only ``real_traces``, ``sft_dataset``, ``gtm_model`` and
``registered_model``. Last line ``RESULT sim_*= rules_*= copy_*= teacher_*= no_answer_rate=``
(means over the sources with ``--rotate``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHORT = {
    "error_agreement": "error",
    "schema_agreement": "schema",
    "value_agreement": "value",
    "text_f1": "text_f1",
    "no_answer_rate": "no_answer",
}
PREFIX = {
    "model": "sim",
    "rules-only": "rules",
    "record-copy": "copy",
    "offline-teacher": "teacher",
}


def _audit(
    model: str,
    *,
    limit: int | None,
    batch_size: int,
    max_tokens: int,
    seed: int,
    holdout_source: str | None,
) -> dict[str, dict]:
    """{system: report} of one run (the model first, labelled ``model``)."""
    from gtm_core.cli.audit import _stored_traces
    from gtm_core.evaluation.baselines import TEACHER, audit_systems
    from gtm_core.evaluation.real_split import selection, shared_example_index, split_config
    from gtm_core.evaluation.real_traces import shared_pairs, source_file
    from gtm_core.settings import get_settings
    from gtm_core.simulator.models import parse_model, ref_backend

    s = get_settings()
    held = source_file(holdout_source) if holdout_source else None
    calls, tools = shared_pairs(s.shared_data(), [held] if held else None)
    if not calls:
        raise SystemExit("no real-call files in the shared data folder: set GTM_SHARED_DATA_DIR")
    traces = _stored_traces(s)
    select = None if held else selection(calls, "heldout", traces, split_config(s))
    ref = parse_model(model, s)
    t0 = time.perf_counter()
    backend = ref_backend(ref, s, seed=seed, max_tokens=max_tokens, batch_size=batch_size)
    shots = shared_example_index(s, traces, exclude=[held] if held else ())
    print(f"model {ref.label}: loaded in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    runs = audit_systems(
        calls,
        tools,
        ref,
        backend,
        shots,
        seed=seed,
        limit=limit,
        select=select,
        batch_size=batch_size,
        max_retries=0,
        progress=True,
    )
    secs = time.perf_counter() - t0
    label = next(iter(runs))
    reports = {
        ("model" if i == 0 and label != TEACHER else lab): r
        for i, (lab, (r, _)) in enumerate(runs.items())
    }
    n = max(reports[next(iter(reports))]["n_calls"], 1)
    print(
        f"{len(reports)} systems on {n} calls in {secs:.1f} s "
        f"({secs / n:.3f} s per call, all systems)"
    )
    return reports


def _print(reports: dict[str, dict], title: str) -> None:
    from gtm_core.evaluation.real_traces import FIDELITY, side_by_side

    print(f"\n== {title}")
    print(
        f"{'part':34s} {'system':16s} {'calls':>5s} "
        + " ".join(f"{SHORT[m]:>9s}" for m in FIDELITY)
    )
    for row in side_by_side(reports):
        for i, name in enumerate(reports):
            vals = " ".join(
                f"{'n/m' if row[f'{name} {m}'] is None else format(row[f'{name} {m}'], '.3f'):>9s}"
                for m in FIDELITY
            )
            print(
                f"{row['part'] if i == 0 else '':34s} "
                f"{name:16s} {row['n_calls'] if i == 0 else '':>5} {vals}"
            )


def _result(per_source: list[dict[str, dict]]) -> str:
    """The RESULT line: each system's figures, mean over the runs given."""
    from gtm_core.evaluation.real_traces import FIDELITY

    parts = []
    for system, prefix in PREFIX.items():
        for m in FIDELITY[:4]:
            vals = [
                r[system][m] for r in per_source if system in r and r[system].get(m) is not None
            ]
            parts.append(
                f"{prefix}_{SHORT[m]}={sum(vals) / len(vals):.4f}"
                if vals
                else f"{prefix}_{SHORT[m]}=nan"
            )
    silent = [r["model"]["no_answer_rate"] for r in per_source if "model" in r]
    parts.append(
        f"no_answer_rate={sum(silent) / len(silent):.4f}" if silent else "no_answer_rate=nan"
    )
    return "RESULT n_runs=%d " % len(per_source) + " ".join(parts)


def _rotate(args) -> list[dict[str, dict]]:
    """One model per visible source held out whole, each audited on its source."""
    from gtm_core.evaluation.real_traces import SOURCES

    work = Path(args.work or tempfile.mkdtemp(prefix="gtm-rotate-"))
    out = []
    select = "+key:registered_model"
    if args.from_data:
        select = "key:real_traces or key:sft_dataset or key:gtm_model or key:registered_model"
    for source in args.sources or list(SOURCES):
        data = work / source
        if args.from_data and not data.exists():
            shutil.copytree(args.from_data, data)
        env = {**os.environ, "GTM_DATA_DIR": str(data), "GTM_UNSEEN_SOURCE": source}
        t0 = time.perf_counter()
        job = subprocess.run(
            [sys.executable, "-m", "gtm_assets.cli", "run", "--select", select],
            env=env,
            capture_output=True,
            text=True,
        )
        (work / f"{source}.log").parent.mkdir(parents=True, exist_ok=True)
        (work / f"{source}.log").write_text(job.stdout + job.stderr)
        if job.returncode != 0:
            raise SystemExit(
                f"training with {source} held out failed (log: {work / f'{source}.log'})"
            )
        print(f"{source}: trained in {time.perf_counter() - t0:.0f} s ({data})")
        audit = subprocess.run(
            [
                sys.executable,
                __file__,
                "--model",
                "models:/gtm@candidate",
                "--holdout-source",
                source,
                "--json-out",
                str(work / f"{source}.json"),
                "--batch-size",
                str(args.batch_size),
                "--max-tokens",
                str(args.max_tokens),
                *(["--limit", str(args.limit)] if args.limit else []),
            ],
            env=env,
            text=True,
        )
        if audit.returncode != 0:
            raise SystemExit(f"audit of {source} failed")
        reports = json.loads((work / f"{source}.json").read_text())
        _print(reports, f"{source} held out whole")
        out.append(reports)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--model",
        default="models:/gtm@champion",
        help="models:/..., folder, offline, openai:<model>@<url>",
    )
    ap.add_argument(
        "--limit", type=int, default=None, help="at most this many calls per run (default: all)"
    )
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--holdout-source",
        default=None,
        help="audit every call of one source (no record of it used)",
    )
    ap.add_argument(
        "--rotate",
        action="store_true",
        help="train one model per source held out whole and audit each",
    )
    ap.add_argument("--sources", nargs="*", default=None, help="with --rotate: these sources only")
    ap.add_argument(
        "--work", default=None, help="with --rotate: the folder of the data folders and logs"
    )
    ap.add_argument(
        "--from-data",
        default=None,
        help="with --rotate: copy this main job's data folder (CARG reused)",
    )
    ap.add_argument(
        "--json-out", default=None, help="write the reports (system -> figures) as JSON"
    )
    args = ap.parse_args()
    if args.rotate:
        runs = _rotate(args)
    else:
        reports = _audit(
            args.model,
            limit=args.limit,
            batch_size=args.batch_size,
            max_tokens=args.max_tokens,
            seed=args.seed,
            holdout_source=args.holdout_source,
        )
        keep = (
            "n_calls",
            "error_agreement",
            "schema_agreement",
            "value_agreement",
            "text_f1",
            "no_answer_rate",
            "real_errors",
            "sim_errors",
            "per_file",
            "model",
        )
        slim = {k: {f: r[f] for f in keep if f in r} for k, r in reports.items()}
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(slim, default=str))
        _print(
            reports,
            f"source {args.holdout_source} held out whole"
            if args.holdout_source
            else "held-out calls",
        )
        runs = [slim]
    print(_result(runs))


if __name__ == "__main__":
    main()
