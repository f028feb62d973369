"""Security: `gtm serve` binds 127.0.0.1 unless told otherwise; with a token every route but
/healthz answers 401 without it; bodies and batches are bounded; nothing in a spec or an argument
is ever executed or template-rendered; no endpoint opens a file a request names."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from fuzzing import call_specs

from gtm_core.serve.http import create_app, running
from gtm_core.serve.rl import search_spec
from gtm_core.simulator import Simulator

pytestmark = pytest.mark.reliability
TOKEN = "sec-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tools_file(tmp_path: Path) -> Path:
    p = tmp_path / "tools.jsonl"
    p.write_text("\n".join(json.dumps(s.to_public()) for s in call_specs()) + "\n")
    return p


def test_gtm_serve_binds_loopback_by_default(tmp_path):
    port = _free_port()
    p = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from gtm_assets.cli import main; main()",
            "serve",
            "--tools",
            str(_tools_file(tmp_path)),
            "--port",
            str(port),
            "--no-warmup",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "GTM_DATA_DIR": str(tmp_path)},
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
            assert p.poll() is None, p.stderr.read().decode()[-2000:]
        listening = [
            c.laddr
            for c in psutil.Process(p.pid).net_connections("inet")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening and all(a.ip == "127.0.0.1" and a.port == port for a in listening), (
            listening
        )
    finally:
        p.kill()
        p.wait(10)


@pytest.fixture(scope="module")
def server():
    sim = Simulator(call_specs() + [search_spec()])
    with running(create_app(sim, token=TOKEN, max_body_bytes=32 * 1024, max_batch_calls=8)) as url:
        yield url, sim


def test_every_route_but_healthz_needs_the_token(server):
    url, _ = server
    spec = httpx.get(f"{url}/openapi.json").json()
    checked = 0
    for path, ops in spec["paths"].items():
        for method in ops:
            concrete = path.replace("{session_id}", "s1").replace("{name}", "open_any")
            r = httpx.request(method.upper(), f"{url}{concrete}", json={"tool": "open_any"})
            if path in ("/healthz", "/metrics"):
                assert r.status_code == 200
                continue
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", (
                method,
                path,
                r.status_code,
            )
            r = httpx.request(
                method.upper(),
                f"{url}{concrete}",
                json={},
                headers={"Authorization": "Bearer " + "x" * 9},
            )
            assert r.status_code == 401
            checked += 1
    assert checked >= 10


def test_bodies_and_batches_are_bounded(server):
    url, _ = server
    h = {"Authorization": f"Bearer {TOKEN}"}
    r = httpx.post(
        f"{url}/v1/simulate", headers=h, json={"tool": "open_any", "arguments": {"x": "a" * 40_000}}
    )
    assert r.status_code == 413 and r.json()["detail"]["field"] == "<body>"
    r = httpx.post(
        f"{url}/v1/simulate/batch", headers=h, json={"calls": [{"tool": "open_any"}] * 9}
    )
    assert r.status_code == 413 and r.json()["detail"]["field"] == "calls"
    r = httpx.post(
        f"{url}/v1/simulate/batch", headers=h, json={"calls": [{"tool": "open_any"}] * 8}
    )
    assert r.status_code == 200 and len(r.json()["results"]) == 8


def test_no_code_from_specs_or_arguments_is_executed(tmp_path):
    from gtm_core.chat_format import build_messages
    from gtm_core.llm.base import prompt_request
    from gtm_core.spec import ToolSpec

    canary = tmp_path / "pwned"
    payloads = [
        f"__import__('os').system('touch {canary}')",
        "{{ 7*7 }}",
        "{% for x in range(3) %}X{% endfor %}",
        f"$(touch {canary})",
        f"`touch {canary}`",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ]
    spec = ToolSpec.parse(
        {
            "name": "evil",
            "description": " ".join(payloads),
            "parameters": {
                "type": "object",
                "properties": {
                    "q": {"type": "string", "description": payloads[1], "default": payloads[0]}
                },
            },
            "response": {
                "type": "object",
                "properties": {"r": {"type": "string", "description": payloads[5]}},
            },
        }
    )
    user = build_messages(spec, {"q": payloads[0], "p": payloads[2]})[1]["content"]
    assert "{{ 7*7 }}" in user and "49" not in user and "XXX" not in user  # data, never a template
    req = prompt_request("carg_single", {"tool": spec.to_public(), "field": payloads[1], "n": 2})
    text = json.dumps(req.messages)
    assert "{{ 7*7 }}" in text and "uid=" not in text
    sim = Simulator([spec])
    for p in payloads:
        r = sim.simulate("evil", {"q": p})
        assert r.source == "model" and isinstance(r.output, dict)
    assert not canary.exists()


def test_no_endpoint_opens_a_file_a_request_names(server, tmp_path):
    url, _ = server
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-7f3a")
    opened: list[str] = []
    armed = [True]

    def hook(event, args):
        if (
            armed[0]
            and event == "open"
            and args
            and isinstance(args[0], str | bytes)
            and "secret.txt" in str(args[0])
        ):
            opened.append(str(args[0]))

    sys.addaudithook(hook)
    names = [str(secret), f"file://{secret}", f"../../..{secret}", "/etc/passwd"]
    h = {"Authorization": f"Bearer {TOKEN}"}
    bodies = []
    with httpx.Client(base_url=url, headers=h) as c:
        for n in names:
            bodies += [
                c.post("/v1/simulate", json={"tool": n}),
                c.get(f"/v1/tools/{n}"),
                c.get(f"/v1/sessions/{n}"),
                c.post(
                    "/v1/simulate",
                    json={
                        "tool": "open_any",
                        "arguments": {"path": n, "file": n},
                        "session_id": n,
                        "options": {"hint": n},
                        "history": [{"tool": n, "arguments": {"f": n}, "output": n}],
                    },
                ),
                c.post("/v1/sessions", json={"session_id": n[:200]}),
                c.post(
                    f"/v1/sessions/{n}/replay",
                    json={"log": [{"tool": "open_any", "arguments": {}, "output": n}]},
                ),
                c.post("/retrieve", json={"queries": [n], "ground_truths": [n]}),
            ]
    armed[0] = False
    assert not opened, opened
    for r in bodies:
        assert r.status_code < 500 and "CANARY-7f3a" not in r.text and "root:x:0:0" not in r.text
