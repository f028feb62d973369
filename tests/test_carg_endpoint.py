"""The CARG driver against a real OpenAI-compatible HTTP endpoint on 127.0.0.1 (same interface as
the offline teacher): prompts rendered from templates, JSON pulled out of prose, a contradictory
sample rejected, and the tool retried with the validator's reasons in a refined prompt."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_carg_units import CTX, GOOD_ARGS, GOOD_OUT, HOTELS

from gtm_core.carg.generate import CargConfig, Generator
from gtm_core.llm.openai_compat import OpenAIChat
from gtm_core.storage import Store

BAD = {**GOOD_ARGS, "check_in": "2025-06-20"}  # after check_out: a contradiction


class _Handler(BaseHTTPRequestHandler):
    bodies: list[dict] = []

    def log_message(self, *a):  # quiet
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append(body)
        user = body["messages"][-1]["content"]
        if self.path != "/v1/chat/completions" or "search_hotels" not in user:
            self.send_response(404)
            self.end_headers()
            return
        refined = "The validator rejected earlier examples" in user
        samples = [
            {"context": CTX, "arguments": GOOD_ARGS, "output": GOOD_OUT},
            {"context": CTX, "arguments": GOOD_ARGS if refined else BAD, "output": GOOD_OUT},
        ]
        text = (
            "Here are the examples:\n```json\n"
            + json.dumps({"samples": samples})
            + "\n```\nHope this helps."
        )
        out = json.dumps(
            {"choices": [{"message": {"role": "assistant", "content": text}}]}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


@pytest.fixture
def endpoint():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    _Handler.bodies = []
    yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    srv.shutdown()
    srv.server_close()


def test_generation_over_http_endpoint_with_refinement(endpoint, tmp_path):
    chat = OpenAIChat("teacher-model", endpoint, max_retries=0, concurrency=2)
    store = Store(tmp_path / "e.duckdb")
    st = Generator(
        store, chat, cfg=CargConfig(samples_per_tool=2, max_rounds=3, pass_bound=0.6)
    ).run_single("travel", "Travel", [HOTELS])
    assert st.generated == 4 and st.accepted == 3 and st.rejected == 1
    first, second = _Handler.bodies
    assert first["response_format"]["type"] == "json_schema" and "samples" in json.dumps(
        first["response_format"]
    )
    assert (
        "check_in='2025-06-20' is after/above check_out" in second["messages"][-1]["content"]
    )  # reasons fed back
    rej = store.read("carg_rejects")
    assert json.loads(rej["reasons"][0]) == [
        "contradiction: check_in='2025-06-20' is after/above check_out='2025-06-12'"
    ]
    assert set(store.read("carg_samples")["teacher"]) == {"openai:teacher-model"}
