"""The main job at its full default size, timed per step: ``gtm run`` on a fresh data folder, as the
README's first command runs it (the tests run the same graph at its smallest sizes).

    uv run python bench/main_job.py [--data FOLDER] [--keep] [--select SEL]

Prints each step's start and duration as the job reports it (``[k/n mm:ss] step``), the slowest
steps, and a last line ``RESULT total_s=… budget_ratio=… <step>_s=…`` (``budget_ratio``: total over
the 20-minute budget of the embedded default).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 20 * 60
STEP = re.compile(r"^\[(\d+)/(\d+) (\d+):(\d+)\] (\S+)")


def step_durations(starts: list[tuple[str, float]], end_s: float) -> dict[str, float]:
    """Seconds of each step from the job's ordered ``(step, start second)`` lines: a step lasts
    until the next one starts (the last until ``end_s``)."""
    out: dict[str, float] = {}
    for (name, t), nxt in zip(starts, [*(t for _, t in starts[1:]), end_s], strict=True):
        out[name] = out.get(name, 0.0) + max(nxt - t, 0.0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--data", type=Path, default=None, help="data folder (default: a fresh temporary one)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    ap.add_argument("--select", default="*")
    args = ap.parse_args()

    data = args.data or Path(tempfile.mkdtemp(prefix="gtm-main-job-"))
    env = {**os.environ, "GTM_DATA_DIR": str(data)}
    repo = Path(__file__).resolve().parent.parent
    t0 = time.perf_counter()
    starts: list[tuple[str, float]] = []
    proc = subprocess.Popen(
        [sys.executable, "-m", "gtm_assets.cli", "run", "--select", args.select],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        m = STEP.match(line)
        if m:
            starts.append((m.group(5), int(m.group(3)) * 60 + int(m.group(4))))
            print(line.rstrip(), flush=True)
    rc = proc.wait()
    total = time.perf_counter() - t0
    slowest = sorted(step_durations(starts, total).items(), key=lambda kv: -kv[1])
    print(f"\nmain job: exit {rc}, {total / 60:.1f} min ({total:.0f} s) in {data}")
    for name, sec in slowest[:8]:
        print(f"  {name:<48} {sec:7.0f} s")
    figures = " ".join(f"{n}_s={s:.0f}" for n, s in slowest[:6])
    print(f"RESULT total_s={total:.0f} budget_ratio={total / BUDGET_S:.2f} exit={rc} {figures}")
    if args.data is None and not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
