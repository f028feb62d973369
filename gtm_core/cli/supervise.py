"""Long-running commands that stop when asked (``gtm ui``, ``gtm serve``).

On SIGINT or SIGTERM a command forwards the signal to its children, waits a bounded time
(``GRACE_S``), then ends whatever is left, and exits 0: a requested stop is not a failure. Only a
child that fails on its own makes the command exit non-zero.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence

GRACE_S = 20.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def _stop_group(proc: subprocess.Popen, sig: int, grace_s: float) -> None:
    """``sig`` to the child's process group; after ``grace_s`` SIGKILL to whatever is left of it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if proc.poll() is not None and not _group_alive(proc.pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def run_supervised(
    cmd: Sequence[str],
    *,
    cwd: str | None = None,
    env: dict | None = None,
    grace_s: float = GRACE_S,
    forward: int | None = signal.SIGINT,
) -> int:
    """Run ``cmd`` in its own session (its whole process tree is one group) until it exits or this
    process gets SIGINT/SIGTERM; the signal is then sent to the group (as ``forward``, default
    SIGINT: the graceful stop of ``dagster dev``; None = the signal received), the group gets
    ``grace_s`` to exit and is then killed. Returns 0 after a requested stop, else the child's
    code."""
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, start_new_session=True)
    got: list[int] = []

    def on_signal(signum, _frame):
        got.append(signum)

    old = {s: signal.signal(s, on_signal) for s in STOP_SIGNALS}
    try:
        while proc.poll() is None and not got:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.5)
        if got:
            _stop_group(proc, forward or got[0], grace_s)
            return 0
        if _group_alive(proc.pid):  # the child exited on its own: leave no grandchildren behind
            _stop_group(proc, signal.SIGTERM, min(grace_s, 5.0))
        return proc.returncode
    finally:
        if proc.poll() is None:
            _stop_group(proc, signal.SIGKILL, 1.0)
        for s, h in old.items():
            signal.signal(s, h)


class Stopped(SystemExit):
    """Raised in the main thread by SIGINT/SIGTERM under ``stop_on_signals``: exit code 0."""

    def __init__(self, signum: int):
        super().__init__(0)
        self.signum = signum


def end_children(grace_s: float = GRACE_S) -> None:
    """Terminate this process's multiprocessing children (model workers), wait up to ``grace_s``,
    then kill the ones left."""
    kids = multiprocessing.active_children()
    for p in kids:
        p.terminate()
    deadline = time.monotonic() + grace_s
    for p in kids:
        p.join(timeout=max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(timeout=1)


@contextlib.contextmanager
def stop_on_signals(grace_s: float = GRACE_S) -> Iterator[None]:
    """An in-process server (uvicorn, MCP over stdio) that stops on SIGINT/SIGTERM: the signal
    raises ``Stopped`` (exit 0) in the main thread — uvicorn captures it first, shuts down
    gracefully and re-raises it — and child processes are ended on the way out."""

    def on_signal(signum, _frame):
        raise Stopped(signum)

    old = {s: signal.signal(s, on_signal) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        end_children(grace_s)
