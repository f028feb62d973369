"""Model step of the simulator behind one interface: a batch of ChatRequests -> one text each,
decoded under the request's ``response_schema`` where the backend can constrain decoding.

* ``offline``: the deterministic teacher (model-free baseline; task ``simulate``).
* ``transformers``: local HF model, batched ``generate`` + an xgrammar logits processor per row.
* ``vllm``: in-process vLLM (GPU), ``StructuredOutputsParams(json=schema)``, optional LoRA adapter.
* ``openai``: any OpenAI-compatible endpoint with ``response_format: json_schema``.

Error payloads a model may write are *semantic* only (``MODEL_ERROR_SCHEMA``: the types of
``tool_errors.SEMANTIC_ERROR_TYPES``): structural errors are the gate's, decided before the model.

``attempt`` > 0 marks a retry: backends then sample (temperature > 0) with another seed and twice
the previous token budget, and the transformers backend decodes under a *tightened* schema (bounded
strings, arrays, numbers), a subset of the original whose JSON text is bounded.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from gtm_core.llm.base import ChatRequest, Restart, ScoredText
from gtm_core.llm.decode import PREFIX_CACHE_MB, closer_ids
from gtm_core.schema_refs import MAX_REF_DEPTH, has_refs, rebase, resolve
from gtm_core.simulator.response_format import UNTYPED_RESULT_SCHEMA
from gtm_core.spec import canonical_json
from gtm_core.tool_errors import SEMANTIC_ERROR_TYPES

log = logging.getLogger(__name__)


def _error_schema(types: Sequence[str] | None) -> dict[str, Any]:
    """The canonical error payload ``{"error": {"type", "message", "field"}}`` (``types``: the
    allowed error types; None = any string)."""
    t: dict[str, Any] = {"type": "string", "enum": list(types)} if types else {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "type": t,
                    "message": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                },
                "required": ["type", "message", "field"],
            }
        },
        "required": ["error"],
    }


ERROR_SCHEMA: dict[str, Any] = _error_schema(
    None
)  # the shape of any error payload (gate, faults, model)
ERROR_OPENING = '{"error":'  # how every error payload's text begins (compact JSON)
MODEL_ERROR_SCHEMA: dict[str, Any] = _error_schema(SEMANTIC_ERROR_TYPES)  # what a model may write
# a tool without a response schema: any JSON, but an object's "error" must be a semantic error
# payload
ANY_OUTPUT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": ["string", "number", "boolean", "array", "null"], "items": {}},
        {
            "type": "object",
            "properties": {"error": MODEL_ERROR_SCHEMA["properties"]["error"]},
            "additionalProperties": {},
        },
    ]
}
# retry n decodes under ever tighter bounds so that it fits the token budget
RETRY_LIMITS: list[dict[str, int]] = [
    {"max_string": 32, "max_items": 3, "max_abs": 10**6, "max_depth": 4},
    {"max_string": 8, "max_items": 1, "max_abs": 10**4, "max_depth": 3, "int_numbers": True},
    {"max_string": 2, "max_items": 1, "max_abs": 100, "max_depth": 2, "int_numbers": True},
]
FALLBACK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"result": {"type": "string"}},
    "required": ["result"],
}


@runtime_checkable
class SimBackend(Protocol):
    """What the engine asks of a backend: a ``name``, whether its outputs are guaranteed to follow
    ``response_schema`` (``constrains``), and ``generate``. Optional abilities, read with defaults
    by ``model_stage.ModelStage`` (the one place that asks): ``concurrent`` (True: it merges calls
    from many threads itself, continuous batching), ``precompile(schemas, progress=)`` (output
    grammars ahead of traffic), ``warm_prefixes(requests, progress=)`` (prompt-prefix KV), texts
    returned as ``ScoredText`` (``head_prob``, ``restarted``: it ran ``ChatRequest.restart``)."""

    name: str
    constrains: bool

    def generate(self, requests: Sequence[ChatRequest], *, attempt: int = 0) -> list[str]: ...


def result_schema(response_schema: dict | None) -> dict:
    """The schema of a result without an error branch (``UNTYPED_RESULT_SCHEMA`` for a tool without
    one)."""
    return response_schema if response_schema is not None else UNTYPED_RESULT_SCHEMA


def decoding_schema(response_schema: dict | None, allow_errors: bool) -> dict | None:
    """The schema decoding is constrained to: the response schema, or it-or-a-semantic-error-payload
    (None: no response schema; the transformers backend then decodes under
    ``ANY_OUTPUT_SCHEMA``)."""
    if response_schema is None:
        return None
    if not allow_errors:
        return response_schema
    if not has_refs(response_schema):
        return {"anyOf": [response_schema, MODEL_ERROR_SCHEMA]}
    # local references (recursive ones too) keep their targets: the response schema moves under
    # $defs of the wrapper, its own $defs are lifted to the wrapper's root (where xgrammar looks)
    body, lifted = rebase(response_schema, "gtm_response")
    defs = {**lifted.get("$defs", {}), "gtm_response": body}
    return {
        "anyOf": [{"$ref": "#/$defs/gtm_response"}, MODEL_ERROR_SCHEMA],
        "$defs": defs,
        **({"definitions": lifted["definitions"]} if "definitions" in lifted else {}),
    }


def tighten_schema(
    schema: Any,
    *,
    max_string: int = 48,
    max_items: int = 3,
    max_abs: int = 10**6,
    max_depth: int = 4,
    int_numbers: bool = False,
    _depth: int = 0,
    _root: Any = None,
) -> Any:
    """A stricter copy of ``schema`` whose every instance is still valid for ``schema`` but whose
    JSON text is bounded: strings get maxLength, arrays maxItems, numbers bounds (``int_numbers``:
    integral, i.e. no unbounded fraction digits), free-form objects become empty objects, nesting is
    capped; local ``$ref``s are inlined down to the cap (recursive ones: ``MAX_REF_DEPTH`` further,
    where only required parts and non-recursive branches remain), so the bound holds for them
    too."""
    if _root is None:
        _root = schema
    kw = dict(
        max_string=max_string,
        max_items=max_items,
        max_abs=max_abs,
        max_depth=max_depth,
        int_numbers=int_numbers,
        _root=_root,
    )
    if not isinstance(schema, dict):
        return schema
    s = copy.copy(schema)
    if "$ref" in s and _depth <= max_depth + MAX_REF_DEPTH:
        target = resolve(_root, s["$ref"])
        if isinstance(target, dict):
            s = {**target, **{k: v for k, v in s.items() if k != "$ref"}}
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        if isinstance(s.get(key), list):
            branches = s[key]
            if key == "anyOf" and _depth >= max_depth:  # deep down: the non-recursive branches
                branches = [
                    x for x in branches if not (isinstance(x, dict) and "$ref" in x)
                ] or branches
            s[key] = [tighten_schema(x, **kw, _depth=_depth + 1) for x in branches]
    if "enum" in s or "const" in s:
        return s
    t = s.get("type")
    types = set(t) if isinstance(t, list) else ({t} if isinstance(t, str) else set())
    _bound_scalars(s, types, max_string, max_abs, int_numbers)
    if "array" in types or "items" in s:
        mn = s.get("minItems", 0) if isinstance(s.get("minItems"), int) else 0
        cur = s.get("maxItems")
        s["maxItems"] = max(mn, min(cur, max_items) if isinstance(cur, int) else max_items)
        if _depth >= max_depth and not mn:
            s["maxItems"] = 0
        if isinstance(s.get("items"), dict):
            s["items"] = tighten_schema(s["items"], **kw, _depth=_depth + 1)
        elif "items" not in s:
            s["items"] = {"type": "string", "maxLength": max_string}
    if "object" in types or "properties" in s:
        props = s.get("properties") if isinstance(s.get("properties"), dict) else {}
        req = [r for r in (s.get("required") or []) if isinstance(r, str)]
        if _depth >= max_depth:  # keep only what is required
            props = {k: v for k, v in props.items() if k in req}
        s["properties"] = {k: tighten_schema(v, **kw, _depth=_depth + 1) for k, v in props.items()}
        ap = s.get("additionalProperties")
        if ap is not False and not (isinstance(ap, dict) and req):
            s["additionalProperties"] = False
    if not types and not any(
        k in s for k in ("anyOf", "oneOf", "allOf", "properties", "items", "$ref")
    ):
        s["type"] = "string"  # untyped: a bounded string is always valid
        s["maxLength"] = max_string
    return s


def _bound_scalars(
    s: dict, types: set[str], max_string: int, max_abs: int, int_numbers: bool
) -> None:
    """``tighten_schema`` on strings (maxLength) and numbers (bounds; ``int_numbers``: integral)."""
    if "string" in types:
        mn = s.get("minLength", 0) if isinstance(s.get("minLength"), int) else 0
        cur = s.get("maxLength")
        s["maxLength"] = max(mn, min(cur, max_string) if isinstance(cur, int) else max_string)
    if types & {"integer", "number"}:
        lo, hi = s.get("minimum"), s.get("maximum")
        if not isinstance(lo, int | float) or lo < -max_abs:
            s["minimum"] = -max_abs if not isinstance(lo, int | float) else lo
        if not isinstance(hi, int | float) or hi > max_abs:
            s["maximum"] = max_abs if not isinstance(hi, int | float) else hi
        if int_numbers and s.get("type") == "number":
            s["type"] = "integer"  # every integer is a number


# ---------------------------------------------------------------------------------------------
class OfflineSimBackend:
    """The offline teacher's ``simulate`` task: outputs synthesised from the response schema, the
    arguments and the session history (no model)."""

    name = "offline"
    constrains = False

    def __init__(self, seed: int = 0):
        from gtm_core.llm.offline import OfflineTeacher

        self.teacher = OfflineTeacher(seed=seed)

    def generate(self, requests: Sequence[ChatRequest], *, attempt: int = 0) -> list[str]:
        if attempt:
            requests = [copy.copy(r) for r in requests]
            for r in requests:
                r.seed = (r.seed or 0) + 7919 * attempt
        return self.teacher.generate(requests)


# tokens a call's arguments add to its tool's prompt, in the KV a server reserves at warm-up
RESERVE_ARGS_TOKENS = 128


class TransformersSimBackend:
    """Local HF causal LM with xgrammar-constrained, batched decoding (CPU or GPU)."""

    constrains = True

    def __init__(
        self,
        model_path: str | Path,
        *,
        device: str | None = None,
        max_tokens: int = 512,
        batch_size: int = 32,
        chat=None,
        cpu_threads: int | None = 1,
        decoder: str = "loop",
        prefix_cache: bool = True,
        prefix_cache_mb: int = PREFIX_CACHE_MB,
        continuous: bool = False,
        loop_guard: int = 64,
        restart_in_place: bool = True,
        close_over_budget: bool = True,
    ):
        import torch

        from gtm_core.llm.transformers_chat import TransformersChat

        if (
            cpu_threads
            and not continuous
            and (device == "cpu" or (device is None and not torch.cuda.is_available()))
        ):
            # intra-op threads spin-wait and collapse under CPU contention; batching gives the
            # speed-up (continuous batching sets them per step: ``ContinuousDecoder``)
            torch.set_num_threads(cpu_threads)
        self.cpu_threads = cpu_threads

        self.chat = chat or TransformersChat(
            str(model_path),
            device=device,
            max_tokens=max_tokens,
            temperature=0.0,
            batch_size=batch_size,
        )
        if decoder not in ("loop", "generate"):
            raise ValueError(f"decoder: unknown {decoder!r} (loop, generate)")
        from gtm_core.llm.slot_model import unsupported_reason

        if decoder == "loop" and (why := unsupported_reason(self.chat.model)):
            log.warning(
                "decode loop unavailable for %s (%s): using model.generate", model_path, why
            )
            decoder = "generate"
        # loop: gtm_core.llm.decode (slot KV cache, rows leave as they finish); generate: HF
        self.decoder = decoder
        self.loop_guard = (
            loop_guard  # decode loop: a row repeating one short n-gram this long stops (0: never)
        )
        # decode loop: a request's ``restart`` hook (the engine's decline of a low-confidence error)
        # runs in place, on the prompt's KV; False leaves it to the engine's second request (same
        # output, slower)
        self.restart_in_place = restart_in_place
        # decode loop: a row that reaches its budget (or the loop guard) with its JSON open is
        # closed under its grammar (``decode.CLOSE_TOKENS``) rather than cut; False cuts it there,
        # as ``generate`` does
        self.close_over_budget = close_over_budget
        self._closers = None
        from gtm_core.llm.decode import PrefixCache

        self.prefix_cache = PrefixCache(max_bytes=prefix_cache_mb << 20) if prefix_cache else None
        self._prefixes: dict[str, list[int]] = {}  # prefix text -> its token ids
        self._seen: dict[str, int] = {}  # tool-line prefix text -> times seen
        # continuous: generate() may be called from many threads at once; their rows share one
        # running batch (rows join between decode steps); the engine then skips its model lock
        self.concurrent = continuous and decoder == "loop"
        self._continuous = None
        self.name = self.chat.name
        self._compiler = None
        self._grammars: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _compiler_(self):
        if self._compiler is None:
            import xgrammar as xgr

            tok = self.chat.tokenizer
            vocab = max(self.chat.model.config.vocab_size, len(tok))
            stops = [tok.eos_token_id] if tok.eos_token_id is not None else None
            info = xgr.TokenizerInfo.from_huggingface(tok, vocab_size=vocab, stop_token_ids=stops)
            self._compiler = xgr.GrammarCompiler(info)
            self._vocab = info.vocab_size
            if self.close_over_budget:
                self._closers = closer_ids(info.decoded_vocab, info.stop_token_ids)
        return self._compiler

    def grammar(self, schema: dict | None, attempt: int = 0):
        """Compiled grammar for ``schema`` (cached); None schema = ``ANY_OUTPUT_SCHEMA`` (any JSON
        but a structural error payload; ``FALLBACK_SCHEMA`` on retry)."""
        if schema is None:
            schema = FALLBACK_SCHEMA if attempt else ANY_OUTPUT_SCHEMA
        if attempt:
            schema = tighten_schema(schema, **RETRY_LIMITS[min(attempt, len(RETRY_LIMITS)) - 1])
        key = canonical_json(schema)
        with self._lock:
            g = self._grammars.get(key)
            if g is None:
                comp = self._compiler_()
                try:
                    g = comp.compile_json_schema(
                        json.dumps(schema), any_whitespace=False, strict_mode=True
                    )
                except (
                    Exception
                ):  # a schema xgrammar cannot express: any JSON (outputs are still checked)
                    g = comp.compile_builtin_json_grammar()
                self._grammars[key] = g
            return g

    def precompile(self, schemas: Sequence[dict | None], progress: bool = False) -> int:
        """Compile the grammars of ``schemas`` ahead of traffic (serving warm-up); returns how
        many."""
        from tqdm.auto import tqdm

        for s in tqdm(schemas, desc="compiling grammars", disable=not progress):
            self.grammar(s)
        return len(schemas)

    def generate(self, requests: Sequence[ChatRequest], *, attempt: int = 0) -> list[str]:
        reqs = retry_requests(requests, attempt)
        if self.decoder == "generate":
            return self._generate_hf(reqs, attempt)
        from gtm_core.llm.decode import decode

        tok = self.chat.tokenizer
        rows = self.rows(reqs, attempt)  # compiles grammars (and the compiler) first
        if self.concurrent:
            out = [f.result() for f in self._decoder().submit(rows)]
        else:
            out = []
            for start in range(0, len(rows), self.chat.batch_size):
                out += decode(
                    self.chat.model,
                    rows[start : start + self.chat.batch_size],
                    eos_ids=self.eos_ids,
                    pad_id=tok.pad_token_id,
                    vocab_size=self._vocab,
                    prefix_cache=self.prefix_cache,
                    max_rows=self.chat.batch_size,
                )
        texts = tok.batch_decode(out, skip_special_tokens=True)
        return [
            ScoredText(t, math.exp(r.head_logprob), r.restarted)
            for t, r in zip(texts, rows, strict=True)
        ]

    def _decoder(self):
        self._compiler_()  # the grammar vocabulary's size (``_vocab``)
        with self._lock:
            if self._continuous is None:
                from gtm_core.llm.decode import ContinuousDecoder

                self._continuous = ContinuousDecoder(
                    self.chat.model,
                    max_rows=self.chat.batch_size,
                    cpu_threads=self.cpu_threads,
                    eos_ids=self.eos_ids,
                    pad_id=self.chat.tokenizer.pad_token_id,
                    vocab_size=self._vocab,
                    prefix_cache=self.prefix_cache,
                )
            return self._continuous

    def rows(self, reqs: Sequence[ChatRequest], attempt: int = 0) -> list:
        """Decode rows (prompt ids, budget, grammar matcher, sampling) for ``reqs``."""
        import xgrammar as xgr

        from gtm_core.llm.decode import Row

        self._compiler_()  # the closers (``close_over_budget``)
        tok = self.chat.tokenizer
        texts = self.chat.encode_prompts(reqs)
        ids = tok(texts, add_special_tokens=False)["input_ids"]
        rows = []
        for text, p, r in zip(texts, ids, reqs, strict=True):
            sys_n, tool_n = (
                self._prefixes_of(text, p, r) if self.prefix_cache is not None else (0, 0)
            )
            # a greedy first attempt runs the request's restart hook in place (``decode.Row``)
            hook = r.restart if self.restart_in_place and not attempt else None
            rows.append(
                Row(
                    prompt=p,
                    max_new_tokens=r.max_tokens or self.chat.max_tokens,
                    prefix=tool_n or sys_n,
                    prefix_base=sys_n if tool_n else 0,
                    matcher=xgr.GrammarMatcher(self.grammar(r.response_schema, attempt)),
                    temperature=float(
                        r.temperature if r.temperature is not None else self.chat.temperature
                    ),
                    seed=r.seed,
                    loop_guard=self.loop_guard,
                    closers=self._closers,
                    restart_when=self._restart_when(hook) if hook else None,
                    fallback=self._fallback(hook.response_schema) if hook else None,
                )
            )
        return rows

    def _fallback(self, schema: dict):
        """A maker of the matcher a restarted row continues under (its grammar compiled only when
        a row restarts: most rows never do)."""
        import xgrammar as xgr

        return lambda: xgr.GrammarMatcher(self.grammar(schema))

    def _restart_when(self, hook: Restart):
        """``hook.when`` on the text of a row's tokens."""
        decode = self.chat.tokenizer.decode
        return lambda out, p: hook.when(decode(out, skip_special_tokens=True), p)

    def warm_prefixes(self, requests: Sequence[ChatRequest], progress: bool = False) -> int:
        """Compute the KV of system turn + tool line of each request's tool ahead of traffic
        (serving warm-up: a call's prefill is then only its own arguments), while the prefix cache
        has room, and (continuous batching) reserve the live rows' KV for the longest of these
        prompts. Call before serving starts. Returns how many tool prefixes are cached."""
        if self.decoder != "loop" or not requests:
            return 0
        from tqdm.auto import tqdm

        from gtm_core.llm.slot_model import slot_model

        tok = self.chat.tokenizer
        texts = self.chat.encode_prompts(requests)
        ids = tok(texts, add_special_tokens=False)["input_ids"]
        if self.concurrent:
            longest = max(len(p) for p in ids)
            self._decoder().reserve(longest + RESERVE_ARGS_TOKENS + self.chat.max_tokens)
        if self.prefix_cache is None:
            return 0
        per_token = slot_model(self.chat.model).kv_bytes_per_token
        cache = self.prefix_cache
        warmed = 0
        for text, p, r in tqdm(
            list(zip(texts, ids, requests, strict=True)),
            desc="warming tool prefixes",
            disable=not progress,
        ):
            sys_n, tool_n = self._prefixes_of(text, p, r, warm=True)
            if not tool_n:
                continue
            if (
                cache.bytes + per_token * (tool_n - sys_n) > cache.max_bytes
                or len(cache.entries) >= cache.max_entries
            ):
                break  # full: warming more would evict what was just warmed
            cache.get(self.chat.model, p[:tool_n], sys_n)
            warmed += 1
        return warmed

    def _prefixes_of(
        self, text: str, ids: list[int], req: ChatRequest, warm: bool = False
    ) -> tuple[int, int]:
        """Token counts of the prompt prefixes whose KV is cached: the system turn every call
        shares, and system turn + the user turn's first line (``TOOL: {spec}``) once that tool
        has been called before (or warmed, ``warm``). A prefix counts only where the prompt's ids
        start with its ids."""
        tok = self.chat.tokenizer

        def ids_of(prefix_text: str) -> list[int]:
            pre = self._prefixes.get(prefix_text)
            if pre is None:
                pre = tok(prefix_text, add_special_tokens=False)["input_ids"]
                if len(self._prefixes) > 4096:
                    self._prefixes.clear()
                self._prefixes[prefix_text] = pre
            return pre if len(pre) < len(ids) and ids[: len(pre)] == pre else []

        if not req.messages or len(req.messages) < 2:
            return 0, 0
        first = tok.apply_chat_template(
            req.messages[:1], tokenize=False, add_generation_prompt=False
        )
        sys_n = len(ids_of(first)) if text.startswith(first) else 0
        user = req.messages[1].get("content") or ""
        at, nl = text.find(user, len(first)), user.find("\n")
        tool_n = 0
        if sys_n and at >= 0 and nl > 0:
            line = text[: at + nl + 1]
            self._seen[line] = seen = self._seen.get(line, 0) + (2 if warm else 1)
            if len(self._seen) > 65536:
                self._seen.clear()
            if seen > 1:  # a tool called again: its line's KV is worth keeping
                tool_n = len(ids_of(line))
        return sys_n, tool_n

    @property
    def eos_ids(self) -> list[int]:
        tok, gc = self.chat.tokenizer, self.chat.model.generation_config
        ids = gc.eos_token_id if isinstance(gc.eos_token_id, list) else [gc.eos_token_id]
        return sorted({i for i in [*ids, tok.eos_token_id] if i is not None})

    def _generate_hf(self, reqs: Sequence[ChatRequest], attempt: int) -> list[str]:
        """``model.generate`` + xgrammar's HF logits processor (the reference path)."""
        import xgrammar as xgr

        def factory(batch: Sequence[ChatRequest]):
            return [
                xgr.contrib.hf.LogitsProcessor(
                    [self.grammar(r.response_schema, attempt) for r in batch]
                )
            ]

        # rows of one generate() call share temperature: group by it
        out: list[str | None] = [None] * len(reqs)
        groups: dict[float, list[int]] = {}
        for i, r in enumerate(reqs):
            groups.setdefault(float(r.temperature or 0.0), []).append(i)
        for idx in groups.values():
            texts = self.chat.generate([reqs[i] for i in idx], logits_processor_factory=factory)
            for i, t in zip(idx, texts, strict=True):
                out[i] = t
        return [t or "" for t in out]


class VLLMSimBackend:
    """In-process vLLM (GPU) with structured outputs; ``lora_path`` serves a LoRA adapter."""

    constrains = True

    def __init__(
        self,
        model_path: str | Path,
        *,
        lora_path: str | None = None,
        max_tokens: int = 1024,
        **engine_kwargs,
    ):
        from gtm_core.llm.vllm_chat import VLLMChat

        self.chat = VLLMChat(
            str(model_path),
            temperature=0.0,
            max_tokens=max_tokens,
            lora_path=lora_path,
            **engine_kwargs,
        )
        self.name = self.chat.name

    def generate(self, requests: Sequence[ChatRequest], *, attempt: int = 0) -> list[str]:
        return self.chat.generate(retry_requests(requests, attempt))


class OpenAISimBackend:
    """Any OpenAI-compatible server (vLLM serve, hosted APIs) with json_schema response format."""

    constrains = False  # depends on the server; outputs are validated either way

    def __init__(self, model: str, base_url: str, api_key: str | None = None, **kw):
        from gtm_core.llm.openai_compat import OpenAIChat

        self.chat = OpenAIChat(
            model, base_url, api_key, temperature=kw.pop("temperature", 0.0), **kw
        )
        self.name = self.chat.name

    def generate(self, requests: Sequence[ChatRequest], *, attempt: int = 0) -> list[str]:
        return self.chat.generate(retry_requests(requests, attempt))


RETRY_TOKEN_CAP = 4096  # the most tokens a retry's budget grows to


def retry_requests(requests: Sequence[ChatRequest], attempt: int) -> list[ChatRequest]:
    """Copies of ``requests`` for retry ``attempt``: sampled, with a different seed, and a token
    budget doubled per attempt (up to ``RETRY_TOKEN_CAP``), so that an output the budget cut off
    before its required fields closed gets the room it needs."""
    if not attempt:
        return list(requests)
    out = []
    for r in requests:
        r = copy.copy(r)
        r.temperature = max(r.temperature or 0.0, 0.7)
        r.seed = (r.seed or 0) + 7919 * attempt
        if r.max_tokens:
            r.max_tokens = max(r.max_tokens, min(r.max_tokens * 2**attempt, RETRY_TOKEN_CAP))
        out.append(r)
    return out


# ---------------------------------------------------------------------------------------------
