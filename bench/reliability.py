"""Reliability / security figures at full size (tests/reliability runs CI sizes of the same code).

    uv run python bench/reliability.py \
        [--seed S] [--specs 10000] [--calls 10000] [--api-examples 100] [--clients 200]
        [--seconds 60] [--skip-load] [--fuzz-only]

1. fuzzing (hypothesis): generated tool specs through ToolSpec, every importer, gate, CARG
   validators, prompt contract; generated spec files through import_file; generated calls through
   the gate, CARG error detection and the simulator. crashes = unhandled exceptions or rejections
   without field/reason. The corpus (tests/reliability/corpus/) is replayed first; the seed is
   printed (same seed, same cases); every new crashing input is saved into the corpus.
2. API fuzzing: schemathesis over the server's OpenAPI (real uvicorn on 127.0.0.1): 5xx count and
   responses that do not match the documented schema.
3. load: ``gtm serve`` with a tiny model in its own process, N clients for S seconds.
4. injected faults: CARG against a stub OpenAI server answering 500/429/timeouts/broken JSON, run
   failing, rerun completing; kill and resume: ``gtm carg generate`` SIGKILLed half way and rerun.
   lost / duplicated samples against an uninterrupted run.

Last line:
``RESULT fuzz_cases=<n> crashes=<n> http_5xx=<n> lost_samples=<n> duplicated_samples=<n>``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "reliability"), str(ROOT / "tests")]


def fuzz(n_specs: int, n_calls: int, tmp: Path, seed: int, save: bool = True) -> tuple[int, int]:
    from fuzzing import (
        replay_corpus,
        run_call_fuzz,
        run_import_file_fuzz,
        run_spec_fuzz,
        save_crashes,
    )

    print(f"fuzz seed={seed}", flush=True)
    cases = crashes = 0
    for name, fn in (
        ("corpus", lambda: replay_corpus(tmp, seed=seed)),
        ("specs", lambda: run_spec_fuzz(n_specs, seed)),
        ("spec files", lambda: run_import_file_fuzz(tmp, max(100, n_specs // 20), seed)),
        ("calls", lambda: run_call_fuzz(n_calls, seed)),
    ):
        t0 = time.perf_counter()
        st = fn()
        cases += st.cases
        crashes += len(st.crashes)
        print(
            f"fuzz {name}: cases={st.cases} accepted={st.accepted} rejected={st.rejected} "
            f"crashes={len(st.crashes)} ({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )
        for w, e, i in st.crashes[:3]:
            print(f"  CRASH {w}: {e}\n    input: {i[:300]}")
        if save and name != "corpus":
            for p in save_crashes(st):
                print(f"  saved to the corpus: {p.relative_to(ROOT)}")
    return cases, crashes


def api_fuzz(examples: int) -> tuple[int, int, int]:
    from apifuzz import run_api_fuzz
    from fuzzing import call_specs

    from gtm_core.serve.http import create_app, running
    from gtm_core.serve.rl import search_spec
    from gtm_core.simulator import Simulator

    sim = Simulator(call_specs() + [search_spec()])
    with running(
        create_app(sim, token="bench", max_body_bytes=64 * 1024, max_batch_calls=16)
    ) as url:
        st = run_api_fuzz(url, "bench", examples)
    print(
        f"api fuzz: cases={st.cases} http_5xx={st.http_5xx} schema_mismatches={len(st.failures)} "
        f"statuses={st.by_status}",
        flush=True,
    )
    for f in st.failures[:3]:
        print("  FAIL", f[:400])
    return st.cases, st.http_5xx, len(st.failures)


def load(clients: int, seconds: float, tmp: Path) -> dict:
    from _sim_support import SHARED

    from gtm_core.spec import parse_specs
    from gtm_core.training.sample_data import real_or_hand_written_specs
    from gtm_core.training.tiny_model import build_tiny_model

    specs, _ = real_or_hand_written_specs(SHARED if SHARED.is_dir() else None, limit=400)
    model = build_tiny_model(tmp / "tiny", [json.dumps(s.to_public()) for s in specs])
    specs = [s for s in specs if s.response_schema][:20] or parse_specs([])[0]
    tools = tmp / "load_tools.jsonl"
    tools.write_text("\n".join(json.dumps(s.to_public()) for s in specs) + "\n")
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "reliability" / "load.py"),
            "--model",
            str(model),
            "--tools",
            str(tools),
            "--clients",
            str(clients),
            "--duration",
            str(seconds),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 600,
        env={**os.environ, "GTM_DATA_DIR": str(tmp / "load")},
    )
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-3000:])
    fig = json.loads(r.stdout.strip().splitlines()[-1])
    print(
        f"load: clients={fig['clients']} seconds={fig['duration_s']} requests={fig['requests']} "
        f"answered={fig['answered']} rejected_503_429={fig['rejected']} (without "
        f"Retry-After: {fig['rejected_without_retry_after']}) hung={fig['hung']} "
        f"other={fig['other_status']} p50_ms={fig['p50_ms']} p99_ms={fig['p99_ms']} "
        f"rss_start_mb={fig['rss_start_mb']} rss_peak_mb={fig['rss_peak_mb']} "
        f"rss_end_mb={fig['rss_end_mb']} rps={fig['throughput_rps']} alive={fig['server_alive']}",
        flush=True,
    )
    return fig


def _ids(store, table="carg_samples") -> list[str]:
    return (
        store.query(f"select sample_id from {table}")["sample_id"].tolist()
        if store.exists(table)
        else []
    )


def faults_and_kill(tmp: Path) -> tuple[int, int]:
    """Lost / duplicated samples after (a) a failing teacher and a
    rerun, (b) SIGKILL and a rerun."""
    import pytest
    from openai_stub_server import StubLLMServer
    from test_faults import SPECS, _answer, _run

    from gtm_core.storage import Store

    lost = dup = 0
    ref = Store(tmp / "f_ref.duckdb")
    with StubLLMServer(_answer) as srv:
        _run(ref, srv)
    run = Store(tmp / "f_run.duckdb")
    with StubLLMServer(
        _answer,
        faults=[500, 429, None, "truncated", "malformed", None, "slow", 500, 503],
        slow_s=1.5,
    ) as srv:
        with pytest.raises(Exception, match="rerun"):
            _run(run, srv)
    failures = run.count("carg_failures")
    with StubLLMServer(_answer) as srv:
        _run(run, srv)
    a, b = set(_ids(ref)), _ids(run)
    lost += len(a - set(b))
    dup += len(b) - len(set(b))
    print(
        f"faults: specs={len(SPECS)} recorded_failures={failures} samples_ref={len(a)} "
        f"samples_after_rerun={len(b)} lost={len(a - set(b))} duplicated={len(b) - len(set(b))}",
        flush=True,
    )

    from carg_data import kill_after_commits, seal_specs, write_tools
    from test_carg_resume import CMD, FIELD, _env

    specs = seal_specs(FIELD)
    rd, kd = tmp / "k_ref", tmp / "k_run"
    for d in (rd, kd):
        write_tools(Store(d / "gtm.duckdb"), specs)
    subprocess.run(CMD, env=_env(rd), capture_output=True, check=True, timeout=600)
    kill_after_commits(CMD, _env(kd), 5)
    after_kill = Store(kd / "gtm.duckdb").count("carg_progress")
    subprocess.run(CMD, env=_env(kd), capture_output=True, check=True, timeout=600)
    a = set(_ids(Store(rd / "gtm.duckdb")))
    b = _ids(Store(kd / "gtm.duckdb"))
    lost += len(a - set(b))
    dup += len(b) - len(set(b))
    print(
        f"kill/resume carg: units_before_kill={after_kill} samples_ref={len(a)} "
        f"samples_after_resume={len(b)} lost={len(a - set(b))} duplicated={len(b) - len(set(b))}",
        flush=True,
    )
    return lost, dup


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--specs", type=int, default=10_000)
    ap.add_argument("--calls", type=int, default=10_000)
    ap.add_argument("--api-examples", type=int, default=100)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument(
        "--seed", type=int, default=None, help="fuzzing seed (default: the fixed CI seed)"
    )
    ap.add_argument(
        "--fuzz-only", action="store_true", help="only the fuzzing phase (corpus + generated cases)"
    )
    ap.add_argument(
        "--no-save", action="store_true", help="do not add crashing inputs to the corpus"
    )
    a = ap.parse_args()
    from fuzzing import DEFAULT_SEED

    seed = DEFAULT_SEED if a.seed is None else a.seed
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cases, crashes = fuzz(a.specs, a.calls, tmp, seed, save=not a.no_save)
        if a.fuzz_only:
            print(f"RESULT seed={seed} fuzz_cases={cases} crashes={crashes}")
            return
        api_cases, http_5xx, mismatches = api_fuzz(a.api_examples)
        crashes += mismatches
        if not a.skip_load:
            fig = load(a.clients, a.seconds, tmp)
            http_5xx += sum(v for k, v in fig["other_status"].items() if k.startswith("5"))
        lost, dup = faults_and_kill(tmp)
    print(
        f"RESULT seed={seed} fuzz_cases={cases + api_cases} crashes={crashes} "
        f"http_5xx={http_5xx} lost_samples={lost} duplicated_samples={dup}"
    )


if __name__ == "__main__":
    main()
