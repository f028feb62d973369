"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests, answering /v1/chat/completions from
a Python function, with scripted faults (HTTP 500/429, slow answers,
truncated or malformed JSON)."""

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubLLMServer:
    """``answer(body) -> str`` produces the assistant text; ``faults`` is consumed one per request
    (None = answer normally; 500 / 429 = that status; "slow" = sleep past the client timeout;
    "truncated" / "malformed" = a broken body)."""

    def __init__(
        self, answer: Callable[[dict], str], faults: list | None = None, slow_s: float = 3.0
    ):
        self.answer, self.faults, self.slow_s = answer, list(faults or []), slow_s
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(n) or b"{}")
                with outer.lock:
                    outer.requests.append(body)
                    fault = outer.faults.pop(0) if outer.faults else None
                if fault in (500, 429, 503):
                    self.send_response(fault)
                    if fault == 429:
                        self.send_header("retry-after", "0")
                    self.end_headers()
                    self.wfile.write(b'{"error": "injected"}')
                    return
                if fault == "slow":
                    time.sleep(outer.slow_s)
                text = outer.answer(body)
                payload = json.dumps(
                    {
                        "id": "x",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop",
                            }
                        ],
                    }
                ).encode()
                if fault == "truncated":
                    payload = payload[: len(payload) // 2]
                elif fault == "malformed":
                    payload = b'{"choices": [{"message": {"content": 42}}]}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "StubLLMServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
