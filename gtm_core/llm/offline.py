"""The offline teacher: a deterministic, seeded, schema-aware stand-in for an LLM.

It answers the pipeline's prompt templates from their structured payloads (see ``teacher_tasks``),
so the whole pipeline runs with no model and no network. Same request + seed -> same answer.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence

from tqdm.auto import tqdm

from gtm_core.llm.base import ChatRequest
from gtm_core.llm.teacher_tasks import load_all
from gtm_core.spec import canonical_json


class UnsupportedTask(ValueError):
    """The offline teacher has no deterministic answer for this prompt template."""


class OfflineTeacher:
    name = "offline"

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.tasks = load_all()

    def rng_for(self, r: ChatRequest) -> random.Random:
        key = canonical_json([self.seed, r.seed, r.task, r.payload])
        return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))

    def answer(self, r: ChatRequest):
        if r.task not in self.tasks:
            raise UnsupportedTask(
                f"offline teacher cannot answer prompt {r.task!r}; configure an LLM backend "
                f"(GTM_LLM__BACKEND=openai|vllm|transformers). Known tasks: {sorted(self.tasks)}"
            )
        return self.tasks[r.task](r.payload or {}, self.rng_for(r))

    def generate(self, requests: Sequence[ChatRequest], *, progress: bool = False) -> list[str]:
        return [
            json.dumps(self.answer(r), ensure_ascii=False)
            for r in tqdm(requests, desc="offline teacher", disable=not progress)
        ]
