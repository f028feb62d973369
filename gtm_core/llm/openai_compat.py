"""OpenAI-compatible chat backend (vLLM's server, hosted APIs): retries, timeouts, concurrency."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx
from tqdm.auto import tqdm

from gtm_core.llm.base import ChatRequest

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class LLMRequestError(RuntimeError):
    """A request that still failed after every retry; says what the last failure was."""


class OpenAIChat:
    """POST /chat/completions against any base_url, with bounded concurrency and backoff."""

    def __init__(
        self,
        model: str,
        base_url: str,
        api_key: str | None = None,
        *,
        temperature: float = 0.7,
        max_tokens: int = 1024,
        timeout_s: float = 60.0,
        max_retries: int = 4,
        concurrency: int = 8,
        backoff_s: float = 0.5,
    ):
        self.name = f"openai:{model}"
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.temperature, self.max_tokens = temperature, max_tokens
        self.max_retries, self.concurrency, self.backoff_s = (
            max_retries,
            max(1, concurrency),
            backoff_s,
        )
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout_s)

    def _body(self, r: ChatRequest) -> dict:
        body = {
            "model": self.model,
            "messages": r.messages,
            "temperature": self.temperature if r.temperature is None else r.temperature,
            "max_tokens": r.max_tokens or self.max_tokens,
        }
        if r.seed is not None:
            body["seed"] = r.seed
        if r.response_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": r.response_schema},
            }
        return body

    def _one(self, r: ChatRequest) -> str:
        last = "no attempt"
        for attempt in range(self.max_retries + 1):
            try:
                resp = self._client.post("/chat/completions", json=self._body(r))
                if resp.status_code in RETRY_STATUS:
                    last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                    retry_after = resp.headers.get("retry-after")
                    wait = (
                        float(retry_after)
                        if retry_after and retry_after.replace(".", "", 1).isdigit()
                        else None
                    )
                    self._sleep(attempt, wait)
                    continue
                if resp.status_code >= 400:
                    raise LLMRequestError(
                        f"{self.base_url}: HTTP {resp.status_code}: {resp.text[:300]}"
                    )
                data = resp.json()
                content = data["choices"][0]["message"]["content"]
                if not isinstance(content, str):
                    raise ValueError("message.content is not a string")
                return content
            except (httpx.TimeoutException, httpx.TransportError) as e:
                last = f"{type(e).__name__}: {e}"
            except (ValueError, KeyError, IndexError, TypeError) as e:  # malformed / truncated body
                last = f"malformed response: {type(e).__name__}: {e}"
            self._sleep(attempt)
        raise LLMRequestError(
            f"{self.base_url}: failed after {self.max_retries + 1} attempts; last error: {last}"
        )

    def _sleep(self, attempt: int, wait: float | None = None) -> None:
        if attempt >= self.max_retries:
            return
        time.sleep(
            min(
                wait
                if wait is not None
                else self.backoff_s * 2**attempt * (1 + random.random() / 2),
                30.0,
            )
        )

    def generate(self, requests: Sequence[ChatRequest], *, progress: bool = False) -> list[str]:
        with ThreadPoolExecutor(self.concurrency) as pool:
            it = pool.map(self._one, requests)
            return list(tqdm(it, total=len(requests), desc=self.name, disable=not progress))

    def close(self) -> None:
        self._client.close()
