"""Bounded load test of ``gtm serve`` (its own process, 127.0.0.1 only, fixed clients and duration).

Starts ``gtm serve`` with the tiny model (transformers backend, constrained decoding) on a free
loopback port, runs ``clients`` concurrent clients for ``duration`` seconds (a mix of model calls,
cache hits and gate errors), samples the server's RSS, and prints one JSON line of figures:
requests, answered, rejected (503/429, each with Retry-After), other statuses, hung (past the
client timeout), p50/p99 latency, peak RSS. Usage:
``python tests/reliability/load.py --model DIR --tools FILE --clients 200 --duration 60``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _client(
    i: int, url: str, calls: list[dict], stop: float, timeout: float, out: dict
) -> None:
    import httpx

    rng = random.Random(i)
    async with httpx.AsyncClient(base_url=url, timeout=timeout) as c:
        while time.monotonic() < stop:
            call = rng.choice(calls)
            t0 = time.perf_counter()
            try:
                r = await c.post("/v1/simulate", json=call)
            except httpx.TimeoutException:
                out["hung"] += 1
                continue
            except httpx.TransportError:
                out["transport_errors"] += 1
                await asyncio.sleep(0.1)
                continue
            out["requests"] += 1
            if r.status_code == 200:
                out["answered"] += 1
                out["lat"].append((time.perf_counter() - t0) * 1000)
            elif r.status_code in (429, 503):
                out["rejected"] += 1
                ra = r.headers.get("retry-after")
                if ra is None:
                    out["rejected_without_retry_after"] += 1
                await asyncio.sleep(min(float(ra or 1), 2.0) * rng.uniform(0.5, 1.0))
            else:
                out["other_status"][str(r.status_code)] = (
                    out["other_status"].get(str(r.status_code), 0) + 1
                )


def _calls(tools_file: Path) -> list[dict]:
    from gtm_core.spec import ToolSpec
    from gtm_core.synth import ValueSynth

    specs = [
        ToolSpec.parse(json.loads(x)) for x in tools_file.read_text().splitlines() if x.strip()
    ]
    calls = []
    for i, s in enumerate(specs):
        args = ValueSynth(i).arguments(s.parameters)
        calls.append({"tool": s.name, "arguments": args})  # model, then cache hits
        calls.append(
            {"tool": s.name, "arguments": args, "options": {"seed": i, "use_cache": False}}
        )  # model
        calls.append({"tool": s.name, "arguments": {**args, "no_such_param": 1}})  # gate
    return calls


def run(
    model: str,
    tools: Path,
    clients: int,
    duration: float,
    timeout: float = 30.0,
    max_queue: int = 256,
) -> dict:
    import psutil

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-c",
        "from gtm_assets.cli import main; main()",
        "serve",
        "--backend",
        "transformers",
        "--model",
        model,
        "--tools",
        str(tools),
        "--port",
        str(port),
        "--max-queue",
        str(max_queue),
        "--max-tokens",
        "48",
        "--max-batch",
        "16",
    ]
    srv = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "GTM_DATA_DIR": os.environ.get("GTM_DATA_DIR", "/tmp/gtm-load")},
    )
    try:
        import httpx

        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if srv.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gtm serve did not start: {srv.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
        proc = psutil.Process(srv.pid)
        rss0 = proc.memory_info().rss
        out = {
            "requests": 0,
            "answered": 0,
            "rejected": 0,
            "rejected_without_retry_after": 0,
            "hung": 0,
            "transport_errors": 0,
            "other_status": {},
            "lat": [],
        }
        peak = [rss0]

        async def main():
            stop = time.monotonic() + duration

            async def sample():
                while time.monotonic() < stop + timeout:
                    peak[0] = max(peak[0], proc.memory_info().rss)
                    await asyncio.sleep(0.5)

            sampler = asyncio.create_task(sample())
            calls = _calls(tools)
            await asyncio.gather(
                *(_client(i, url, calls, stop, timeout, out) for i in range(clients))
            )
            sampler.cancel()

        t0 = time.monotonic()
        asyncio.run(main())
        wall = time.monotonic() - t0
        lat = sorted(out.pop("lat"))
        alive = srv.poll() is None and httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        rss_end = proc.memory_info().rss

        def pct(q: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else None

        return {
            **out,
            "clients": clients,
            "duration_s": duration,
            "wall_s": round(wall, 1),
            "p50_ms": pct(0.5),
            "p99_ms": pct(0.99),
            "rss_start_mb": rss0 >> 20,
            "rss_peak_mb": peak[0] >> 20,
            "rss_end_mb": rss_end >> 20,
            "server_alive": alive,
            "throughput_rps": round(out["requests"] / wall, 1),
        }
    finally:
        srv.kill()
        srv.wait(10)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--tools", required=True, type=Path)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    print(json.dumps(run(a.model, a.tools, a.clients, a.duration, a.timeout)))
