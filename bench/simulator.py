"""Simulator benchmark: gate throughput in-process, gate latency over HTTP, batching speed-up.

    uv run python bench/simulator.py [--tools FILE] [--gate-calls 200000] [--http-calls 3000]

1. gate calls/s in-process (compiled validators, half valid / half invalid
   arguments; target >= 50,000/s)
2. p50/p99 latency of gate-answered calls over HTTP: a real uvicorn server in its own process on
   127.0.0.1, one sequential keep-alive client (target p99 <= 2 ms)
3. throughput with 32 concurrent callers / sequential throughput, the trained ``tiny-cpu`` model on
   the transformers backend behind the same ``gtm serve`` (continuous batching, tool prefixes warmed
   at start-up; target >= 8x). Sequential and concurrent phases alternate ``--rounds`` times (this
   machine's speed drifts); a concurrent phase is a closed loop of 32 callers over one shared queue
   of calls, its throughput the calls answered after the first wave and while the queue still held
   work (every caller busy; the whole phase with its start-up burst and drain is printed beside
   it). The model is ``--model`` (folder or ``models:/gtm@champion`` of $GTM_DATA_DIR), else
   ``models:/gtm@champion`` when that data folder has one, else a tiny-cpu model trained here at the
   preset's size on a real SFT set (cached under .gtm/bench/ for the next run). An in-process
   breakdown (one call alone: prefill ms, decode ms/step; a steady batch of 32: ms/step, ms/call)
   explains the ratio; it runs once with float32 weights and once with bfloat16 weights
   (``cpu_precision``; ``auto`` picks bfloat16 on a CPU that computes it natively):
   ``bf16_call_speedup`` is the ms-per-call ratio in the batch.

Last line:
``RESULT gate_calls_per_s=<x> http_gate_p99_ms=<y> batch_speedup=<z> bf16_call_speedup=<w>
step_ms_b32=<s> gemm_ceiling_ms_b32=<c> efficiency=<c/s> speedup_at_floor=<b>`` (the faster
precision's steady batch of 32 against this machine's GEMM floor for the same step,
``gemm_ceiling_ms``: every linear layer as one ``torch.matmul`` over the tokens the step computes —
one per live row plus the uncached prompts of the rows joining in it — timed in the same run;
``speedup_at_floor``: the in-process batching ratio if that step ran at its floor, what the
machine allows).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gtm_core.gate import Gate  # noqa: E402
from gtm_core.serve.rl import SEARCH_TOOL  # noqa: E402
from gtm_core.spec import ToolSpec, parse_specs  # noqa: E402
from gtm_core.synth import ValueSynth  # noqa: E402


def load_specs(path: Path | None, limit: int = 600) -> list[ToolSpec]:
    if path is None:
        shared = Path(
            os.environ.get("GTM_SHARED_DATA_DIR", ROOT.parent / "shared" / "data")
        )  # beside the checkout
        if not shared.is_dir():
            shared = Path("/work/shared/data")
        path = shared / "seal_tools_tools.jsonl" if shared.is_dir() else None
    if path is None:
        print("note: no shared data; using the search preset only", file=sys.stderr)
        return [ToolSpec.parse(SEARCH_TOOL)]
    raws = [json.loads(line) for line in path.read_text().splitlines()[:limit] if line.strip()]
    specs, _ = parse_specs(raws)
    seen: dict[str, ToolSpec] = {}
    for s in specs:
        seen.setdefault(s.name, s)
    return list(seen.values())


def invalid_variant(spec: ToolSpec, args: dict, rng: random.Random) -> dict:
    a = dict(args)
    choice = rng.randrange(3)
    if choice == 0 and spec.required:
        a.pop(spec.required[0], None)
    elif choice == 1:
        a["zz_unknown"] = 1
    else:
        for k, p in spec.properties.items():
            if isinstance(p, dict) and p.get("type") == "string":
                a[k] = 12345
                break
        else:
            a["zz_unknown"] = 1
    return a


def bench_gate(specs: list[ToolSpec], n: int) -> float:
    rng = random.Random(0)
    vs = ValueSynth(rng)
    gates = {s.name: Gate(s) for s in specs}
    work = []
    for s in specs:
        args = vs.arguments(s.parameters)
        work.append((gates[s.name], args))
        work.append((gates[s.name], invalid_variant(s, args, rng)))
    reps = max(1, n // len(work))
    t0 = time.perf_counter()
    errors = 0
    for _ in range(reps):
        for g, a in work:
            if g(a) is not None:
                errors += 1
    dt = time.perf_counter() - t0
    total = reps * len(work)
    print(f"gate: {total} calls in {dt:.3f} s ({errors / total:.0%} answered with an error)")
    return total / dt


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``gtm serve`` in its own process group on 127.0.0.1."""

    def __init__(self, args: list[str], data_dir: str):
        self.port = free_port()
        gtm = str(Path(sys.executable).with_name("gtm"))
        env = {**os.environ, "GTM_DATA_DIR": data_dir}
        self.proc = subprocess.Popen(
            [gtm, "serve", "--port", str(self.port), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def post(conn: http.client.HTTPConnection, body: dict) -> dict:
    data = json.dumps(body).encode()
    conn.request("POST", "/v1/simulate", body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    out = r.read()
    if r.status != 200:
        raise RuntimeError(f"HTTP {r.status}: {out[:200]!r}")
    return json.loads(out)


def bench_http_gate(
    tools_file: Path, specs: list[ToolSpec], n: int, data_dir: str
) -> tuple[float, float]:
    srv = Server(["--tools", str(tools_file)], data_dir)
    try:
        rng = random.Random(1)
        vs = ValueSynth(rng)
        bodies = [
            {"tool": s.name, "arguments": invalid_variant(s, vs.arguments(s.parameters), rng)}
            for s in specs
        ]
        conn = http.client.HTTPConnection("127.0.0.1", srv.port)
        for b in bodies[:200]:  # warm-up
            post(conn, b)
        lat = []
        for i in range(n):
            b = bodies[i % len(bodies)]
            t = time.perf_counter()
            r = post(conn, b)
            lat.append((time.perf_counter() - t) * 1000)
            assert r["source"] == "gate", r
        lat.sort()
        p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99)]
        pct = {q: lat[int(len(lat) * q / 100)] for q in (90, 95, 98)}
        print(
            f"http gate: {n} sequential calls, p50 {p50:.3f} ms, p90 {pct[90]:.3f}, "
            f"p95 {pct[95]:.3f}, p98 {pct[98]:.3f}, p99 {p99:.3f} ms, max {lat[-1]:.3f} ms, "
            f"mean {statistics.mean(lat):.3f} ms"
        )
        return p50, p99
    finally:
        srv.stop()


BENCH_CACHE = ROOT / ".gtm" / "bench"


def trained_tiny_model(model: str | None, specs: list[ToolSpec], train_examples: int) -> Path:
    """The model to serve: ``model``, else ``models:/gtm@champion`` of $GTM_DATA_DIR when it
    resolves, else a tiny-cpu model trained now (cached in .gtm/bench/ for later runs)."""
    from gtm_core.simulator.models import model_folder

    if model:
        return model_folder(model)
    if os.environ.get("GTM_DATA_DIR"):
        try:
            return model_folder("models:/gtm@champion")
        except Exception as e:  # noqa: BLE001 - no champion there: train one
            print(
                f"note: models:/gtm@champion does not resolve ({str(e)[:120]}); "
                "training a tiny-cpu model",
                file=sys.stderr,
            )
    import shutil

    from gtm_core.settings import get_settings
    from gtm_core.training.presets import get_preset
    from gtm_core.training.run import run_training
    from gtm_core.training.sample_data import write_sft

    cached = BENCH_CACHE / f"tiny-cpu-{train_examples}"
    if (cached / "model.safetensors").exists():
        print(f"model: cached trained tiny-cpu at {cached}")
        return cached
    t = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="gtm-bench-train-"))
    try:
        write_sft(work / "sft", specs, n=int(train_examples / 0.8) + 1, seed=0)
        cfg = get_preset(
            "tiny-cpu", max_train_examples=train_examples, epochs=2, max_eval_examples=20
        )
        out = run_training(
            cfg,
            get_settings(data_dir=work / "data"),
            sft_folder=work / "sft",
            register=False,
            progress=False,
            log=lambda m: None,
        )
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out["model_dir"], cached, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m = out["metrics"]
    print(
        f"model: trained tiny-cpu on {out['train_examples']} examples "
        f"in {time.perf_counter() - t:.0f} s (loss {m['first_loss']:.2f} -> "
        f"{m['final_loss']:.2f}, eval {m.get('eval_loss', float('nan')):.2f})"
    )
    return cached


def decode_breakdown(
    model_dir: Path, specs: list[ToolSpec], max_tokens: int, n: int = 32, prefix_cache_mb: int = 0
) -> dict[str, float]:
    """In-process figures behind the batching ratio, configured as ``gtm serve`` is (tool prefixes
    warmed): one call alone (prefill ms, decode step ms, tokens) against a steady
    continuous batch of about ``n`` live rows where new calls join inside the decode steps
    (ms per step, ms per call)."""
    from gtm_core.chat_format import build_messages
    from gtm_core.llm.base import ChatRequest
    from gtm_core.llm.decode import DecodeBatch
    from gtm_core.simulator.backends import TransformersSimBackend, decoding_schema
    from gtm_core.simulator.engine import Simulator

    rng = random.Random(3)
    vs = ValueSynth(rng)
    pool = ([s for s in specs if s.response_schema] or specs)[:200]
    be = TransformersSimBackend(
        model_dir,
        max_tokens=max_tokens,
        **({"prefix_cache_mb": prefix_cache_mb} if prefix_cache_mb else {}),
    )
    Simulator(pool, be).warm_prefixes()
    reqs = [
        ChatRequest(
            messages=build_messages(s, vs.arguments(s.parameters), []),
            response_schema=decoding_schema(s.response_schema, True),
            temperature=0.0,
            max_tokens=max_tokens,
        )
        for s in (pool * 8)[: 8 * n]
    ]

    def batch() -> DecodeBatch:
        return DecodeBatch(
            be.chat.model,
            eos_ids=be.eos_ids,
            pad_id=be.chat.tokenizer.pad_token_id,
            vocab_size=be._vocab,
            prefix_cache=be.prefix_cache,
            max_rows=n,
        )

    alone = be.rows(reqs[:n])  # (compiles the grammars first)
    b = batch()
    prefill = decode = 0.0
    steps = 0
    toks, plen, suffix = [], [], []
    for row in alone:
        t0 = time.perf_counter()
        b.add([row])
        t1 = time.perf_counter()
        while len(b):
            b.step()
            steps += 1
        prefill, decode = prefill + t1 - t0, decode + time.perf_counter() - t1
        toks.append(len(row.out))
        plen.append(len(row.prompt))
        suffix.append(len(row.prompt) - row.prefix)
    steady = be.rows(reqs[n:])
    rows = iter(steady)
    # as ``gtm serve`` does at warm-up: KV room for the batch reserved, no growth while measured
    b.reserve(n, max(len(r.prompt) for r in steady) + max_tokens)
    b.add([next(rows) for _ in range(n)])
    for _ in range(20):  # reach steady state
        b.step(admit=[next(rows) for _ in range(n - len(b))])
    live = joined = prompt_tokens = 0
    t0 = time.perf_counter()
    for _ in range(60):
        admit = [next(rows) for _ in range(n - len(b))]
        joined += len(admit)
        prompt_tokens += sum(len(r.prompt) - r.prefix for r in admit)
        live += len(b)
        b.step(admit=admit)
    busy = time.perf_counter() - t0
    f = {
        "prompt_tokens": statistics.mean(plen),
        "uncached_prompt_tokens": statistics.mean(suffix),
        "tokens_per_call": statistics.mean(toks),
        "prefill_ms_b1": prefill / n * 1000,
        "step_ms_b1": decode / steps * 1000,
        "ms_per_call_b1": (prefill + decode) / n * 1000,
        f"step_ms_b{n}": busy / 60 * 1000,
        f"live_rows_b{n}": live / 60,
        f"ms_per_call_b{n}": busy / max(joined, 1) * 1000,
        # a step decodes one token of each live row and prefills the uncached prompt of the rows
        # that join in it: the tokens its linear layers see
        f"tokens_per_step_b{n}": (live + prompt_tokens) / 60,
    }
    f["inproc_speedup"] = f["ms_per_call_b1"] / f[f"ms_per_call_b{n}"]
    f["gemm_ceiling_ms_b1"] = gemm_ceiling_ms(be.chat.model, 1)
    f[f"gemm_ceiling_ms_b{n}"] = gemm_ceiling_ms(be.chat.model, round(f[f"tokens_per_step_b{n}"]))
    f[f"efficiency_b{n}"] = f[f"gemm_ceiling_ms_b{n}"] / f[f"step_ms_b{n}"]
    # the in-process ratio if every steady step ran at its GEMM floor (a call alone as measured):
    # what this machine allows the batching ratio to reach
    f["speedup_at_floor"] = f["ms_per_call_b1"] / (f[f"ms_per_call_b{n}"] * f[f"efficiency_b{n}"])
    print(
        "decode breakdown (in-process, greedy, tool prefixes warmed): "
        + ", ".join(f"{k} {v:.2f}" for k, v in f.items())
    )
    return f


def server_metrics(port: int) -> dict[str, float]:
    """The server's Prometheus counters (unlabelled samples only)."""
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/metrics")
    out = {}
    for line in c.getresponse().read().decode().splitlines():
        if line and not line.startswith("#") and "{" not in line:
            k, v = line.rsplit(" ", 1)
            out[k] = float(v)
    return out


def bench_batching(
    tools_file: Path,
    specs: list[ToolSpec],
    data_dir: str,
    callers: int,
    per_caller: int,
    seq_calls: int,
    max_tokens: int,
    model_dir: Path,
    workload: str = "repo",
    continuous: bool = True,
    rounds: int = 3,
    cpu_threads: int | None = None,
    prefix_cache_mb: int = 0,
) -> float:
    with_schema = [s for s in specs if s.response_schema][:200]
    if (
        workload == "search"
    ):  # RL-style: many rollouts calling one search tool with different queries
        with_schema = [ToolSpec.parse(SEARCH_TOOL)]
    srv = Server(
        [
            "--tools",
            str(tools_file),
            "--backend",
            "transformers",
            "--model",
            str(model_dir),
            "--max-tokens",
            str(max_tokens),
            "--max-batch",
            str(callers),
            "--max-wait-ms",
            "20",
            "--max-queue",
            "4096",
            "--continuous" if continuous else "--no-continuous",
            *(["--cpu-threads", str(cpu_threads)] if cpu_threads else []),
            *(["--prefix-cache-mb", str(prefix_cache_mb)] if prefix_cache_mb else []),
        ],
        data_dir,
    )
    try:
        rng = random.Random(2)
        vs = ValueSynth(rng)

        def body(i: int) -> dict:
            s = with_schema[i % len(with_schema)]
            args = (
                vs.arguments(s.parameters)
                if workload == "repo"
                else {"query": f"{vs.value({'type': 'string'}, 'topic')} {i}", "top_k": 3}
            )
            return {"tool": s.name, "arguments": args, "options": {"use_cache": False}}

        warm = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=600)
        for i in range(3):
            post(warm, body(i))
        errors: list[str] = []
        seq_calls_run = conc_calls = phase_calls = 0
        seq_s = conc_s = phase_s = 0.0
        phase: dict[str, float] = {}
        for rnd in range(
            rounds
        ):  # phases alternate so that both sample the machine's drifting speed
            seq = http.client.HTTPConnection(
                "127.0.0.1", srv.port, timeout=600
            )  # (idle keep-alives get closed)
            t = time.perf_counter()
            for i in range(seq_calls):
                post(seq, body(rnd * 100_000 + i))
            seq_s += time.perf_counter() - t
            seq_calls_run += seq_calls
            # closed loop: each caller takes the next call from one shared queue as soon
            # as its last one is answered; throughput counts the calls answered after the first
            # wave and while the queue still held work (all callers busy: the steady state), not
            # the start-up burst or the drain after it
            work: queue.SimpleQueue[dict] = queue.SimpleQueue()
            for i in range(callers * per_caller):
                work.put(body(rnd * 100_000 + 1000 + i))
            answered: list[float] = []  # when each call was answered
            drained: list[float] = []  # when a caller first found the queue empty

            def caller(
                work: queue.SimpleQueue = work,
                answered: list[float] = answered,
                drained: list[float] = drained,
            ) -> None:
                conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=600)
                while True:
                    try:
                        b = work.get_nowait()
                    except queue.Empty:
                        drained.append(time.perf_counter())
                        return
                    try:
                        r = post(conn, b)
                        answered.append(time.perf_counter())
                        if r["source"] != "model":
                            errors.append(f"{r['source']}: {json.dumps(r['output'])[:300]}")
                    except Exception as e:  # noqa: BLE001
                        errors.append(str(e))

            before = server_metrics(srv.port)
            threads = [threading.Thread(target=caller) for _ in range(callers)]
            t = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            # steady state: from the first wave's last answer (every caller has had one) until
            # the queue ran dry
            end, answered = min(drained), sorted(answered)
            begin = answered[callers - 1] if len(answered) > callers else t
            steady = sum(begin < a <= end for a in answered)
            if steady < callers:  # too short a phase for a steady window: the whole of it
                begin, end, steady = t, answered[-1], len(answered)
            conc_s += end - begin
            conc_calls += steady
            phase_s += time.perf_counter() - t
            phase_calls += callers * per_caller
            for k, v in server_metrics(srv.port).items():  # the concurrent phases only
                phase[k] = phase.get(k, 0.0) + v - before.get(k, 0.0)
            print(
                f"  round {rnd + 1}: sequential {seq_calls_run / seq_s:.2f} calls/s, "
                f"concurrent {conc_calls / conc_s:.2f} calls/s in steady state, "
                f"{phase_calls / phase_s:.2f} over the whole phase (cumulative)"
            )
        seq_tp, conc_tp, metrics = seq_calls_run / seq_s, conc_calls / conc_s, phase
        n_b, s_b = metrics["gtm_batch_size_count"], metrics["gtm_batch_size_sum"]
        batch = f"mean batch {s_b / max(n_b, 1):.1f} calls over {n_b:.0f} batches"
        if "gtm_decode_steps_total" in metrics:  # continuous batching
            steps, rows = metrics["gtm_decode_steps_total"], metrics["gtm_decode_rows_total"]
            batch = (
                f"continuous batching: {rows / max(steps, 1):.1f} live rows per decode step "
                f"over {steps:.0f} steps "
                f"({metrics['gtm_decode_seconds_total'] / max(steps, 1) * 1000:.2f} ms each)"
            )
        print(
            f"batching: sequential {seq_tp:.2f} calls/s, {callers} concurrent "
            f"callers {conc_tp:.2f} calls/s ({len(errors)} non-model answers); "
            f"{batch}, {metrics['gtm_model_retries_total']:.0f} retried outputs"
        )
        for e in errors[:3]:
            print("  non-model answer:", e)
        return conc_tp / seq_tp
    finally:
        srv.stop()


def gemm_ceiling_ms(model, rows: int, repeats: int = 20) -> float:
    """This machine's floor for one step of ``model`` over ``rows`` tokens (decoded tokens and
    prefilled prompt tokens alike): every linear layer of the base model (projections, MLP, LM
    head) as one ``torch.matmul`` of ``[rows, in]`` by its weight, in the weights' dtype, timed
    here (best of ``repeats``); attention, norms, LoRA, sampling and the grammar are left out, so
    a real step cannot reach it."""
    import torch

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    weights = [
        m.weight.detach()
        for name, m in base.named_modules()
        if isinstance(m, torch.nn.Linear) and "lora_" not in name
    ]
    head = base.get_output_embeddings()
    if head is not None and all(head.weight is not w for w in weights):
        weights.append(head.weight.detach())
    xs = {w.shape[1]: torch.randn(rows, w.shape[1], dtype=w.dtype) for w in weights}
    best = float("inf")
    with torch.inference_mode():
        for _ in range(repeats):
            t0 = time.perf_counter()
            for w in weights:
                torch.matmul(xs[w.shape[1]], w.t())
            best = min(best, time.perf_counter() - t0)
    return best * 1000


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--tools", type=Path, default=None)
    p.add_argument("--gate-calls", type=int, default=200_000)
    p.add_argument("--http-calls", type=int, default=3000)
    p.add_argument("--callers", type=int, default=32)
    p.add_argument(
        "--per-caller",
        type=int,
        default=4,
        help="calls per concurrent caller and round (one shared queue)",
    )
    p.add_argument("--seq-calls", type=int, default=12, help="sequential calls per round")
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="sequential and concurrent phases alternate this many times",
    )
    p.add_argument("--max-tokens", type=int, default=64)
    p.add_argument(
        "--model", default=None, help="model folder or models:/ URI (default: see above)"
    )
    p.add_argument(
        "--train-examples",
        type=int,
        default=1000,
        help="SFT examples when training the tiny model here (the tiny-cpu preset's default)",
    )
    p.add_argument(
        "--workload",
        choices=["repo", "search"],
        default="repo",
        help=(
            "repo: calls spread over the repository's tools; search: one search tool, many queries"
        ),
    )
    p.add_argument(
        "--static",
        action="store_true",
        help="serve with one batch at a time instead of continuous batching",
    )
    p.add_argument(
        "--cpu-threads",
        type=int,
        default=None,
        help="gtm serve --cpu-threads (torch threads of the decode loop under load; "
        "default: gtm serve's)",
    )
    p.add_argument(
        "--prefix-cache-mb",
        type=int,
        default=0,
        help="prompt-prefix KV memory of the served model (0: gtm serve's default)",
    )
    p.add_argument("--skip-model", action="store_true")
    a = p.parse_args()
    specs = load_specs(a.tools)
    with tempfile.TemporaryDirectory() as d:
        tools_file = Path(d) / "tools.jsonl"
        served = [s for s in specs if s.name != "search"] + [ToolSpec.parse(SEARCH_TOOL)]
        tools_file.write_text("\n".join(json.dumps(s.to_public()) for s in served))
        rate = bench_gate(specs, a.gate_calls)
        _, p99 = bench_http_gate(tools_file, specs, a.http_calls, d)
        speedup = bf16 = float("nan")
        step = {}
        if not a.skip_model:
            model_dir = trained_tiny_model(a.model, specs, a.train_examples)
            before = os.environ.get("GTM_CPU_PRECISION")
            figures = {}
            for precision in ("float32", "bfloat16"):
                os.environ["GTM_CPU_PRECISION"] = precision
                print(f"precision {precision}:")
                figures[precision] = decode_breakdown(
                    model_dir, specs, a.max_tokens, a.callers, a.prefix_cache_mb
                )
            if before is None:
                os.environ.pop("GTM_CPU_PRECISION")
            else:
                os.environ["GTM_CPU_PRECISION"] = before
            n = a.callers
            per_call = f"ms_per_call_b{n}"
            bf16 = figures["float32"][per_call] / figures["bfloat16"][per_call]
            best = min(figures.values(), key=lambda f: f[per_call])
            step = {
                f"step_ms_b{n}": best[f"step_ms_b{n}"],
                f"gemm_ceiling_ms_b{n}": best[f"gemm_ceiling_ms_b{n}"],
                "efficiency": best[f"efficiency_b{n}"],
                "speedup_at_floor": best["speedup_at_floor"],
            }
            speedup = bench_batching(
                tools_file,
                specs,
                d,
                a.callers,
                a.per_caller,
                a.seq_calls,
                a.max_tokens,
                model_dir,
                a.workload,
                not a.static,
                a.rounds,
                a.cpu_threads,
                a.prefix_cache_mb,
            )
    print(
        f"machine: {os.cpu_count()} cores, "
        f"load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min)"
    )
    print(
        f"RESULT gate_calls_per_s={rate:.0f} http_gate_p99_ms={p99:.3f} "
        f"batch_speedup={speedup:.2f} bf16_call_speedup={bf16:.2f}"
        + "".join(f" {k}={v:.3g}" for k, v in step.items())
    )


if __name__ == "__main__":
    main()
