"""``gtm ui`` and ``gtm serve`` stop when asked: started in their own session (as a service manager
runs them), signalled, they exit 0 and leave no process of their group (nor any process they
started) running."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict, log: Path, url: str, timeout_s: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gtm_assets.cli", *args],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{args[0]} exited early ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(1)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(
        f"{args[0]} did not answer {url} within {timeout_s:.0f} s: {log.read_text()[-2000:]}"
    )


def _group(pgid: int) -> list[psutil.Process]:
    out = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except (ProcessLookupError, psutil.Error):
            pass
    return out


def _signal_and_check(proc: subprocess.Popen, sig: int, log: Path, min_tree: int) -> None:
    tree = [proc.pid] + [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    assert len(tree) >= min_tree, f"expected at least {min_tree} processes, got {tree}"
    t0 = time.monotonic()
    os.killpg(proc.pid, sig)
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(
            f"did not stop within 60 s of {signal.Signals(sig).name}: {log.read_text()[-2000:]}"
        )
    took = time.monotonic() - t0
    deadline = time.monotonic() + 10  # children the command killed may take a moment to be reaped
    while time.monotonic() < deadline and (
        _group(proc.pid)
        or any(
            psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
            for p in tree[1:]
        )
    ):
        time.sleep(0.5)
    left = [p.pid for p in _group(proc.pid)]
    alive = [
        p
        for p in tree[1:]
        if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
    ]
    for p in set(left) | set(alive):  # never leave them to the next test
        os.kill(p, signal.SIGKILL)
    assert rc == 0, f"exit code {rc} after {signal.Signals(sig).name}: {log.read_text()[-2000:]}"
    assert not left and not alive, f"left running after {took:.1f} s: group {left}, started {alive}"


def test_gtm_ui_stops_on_sigterm_without_orphans(data_dir, tmp_path):
    from gtm_assets.instance import ensure_dagster_home
    from gtm_core.settings import get_settings

    home = ensure_dagster_home(get_settings(data_dir=data_dir))
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "GTM_DATA_DIR": str(data_dir),
        "GTM_AUTOMATION": "0",
    }
    log = tmp_path / "ui.log"
    proc = _start(
        ["ui", "--port", str(port)], env, log, f"http://127.0.0.1:{port}/server_info", 240
    )
    # gtm -> dagster dev -> webserver, daemon, code server(s): the processes SIGTERM used to orphan
    _signal_and_check(proc, signal.SIGTERM, log, min_tree=4)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_gtm_serve_stops_on_signal(sig, data_dir, tmp_path):
    sys.path.insert(0, str(REPO / "tests" / "reliability"))
    from fuzzing import TREE_TOOL

    tools = tmp_path / "tools.jsonl"
    tools.write_text(json.dumps(TREE_TOOL) + "\n")
    port = _free_port()
    log = tmp_path / "serve.log"
    proc = _start(
        ["serve", "--backend", "offline", "--tools", str(tools), "--port", str(port)],
        {**os.environ, "GTM_DATA_DIR": str(data_dir)},
        log,
        f"http://127.0.0.1:{port}/healthz",
        120,
    )
    r = httpx.post(
        f"http://127.0.0.1:{port}/v1/simulate",
        json={
            "tool": TREE_TOOL["name"],
            "arguments": {"root": {"name": "a", "children": [{"name": "b"}]}},
        },
        timeout=30,
    )
    assert r.status_code < 500, r.text
    _signal_and_check(proc, sig, log, min_tree=1)
