"""Three-level validation of CARG samples (paper Eq. 2 and 5).

* ``v_format``: arguments and output valid against the tool's parameter / response schemas and
  every required parameter present (compiled jsonschema validators, cached per tool).
* ``v_contradiction``: parameters that contradict each other (range pairs such as start/end,
  min/max, check-in/check-out) — deterministic; an LLM judge can add a verdict.
* ``v_coherence``: the output follows from the input (echoed fields agree, requested counts are
  respected, the context is grounded in the call) — deterministic; an LLM judge can add a verdict.
* ``v_history`` (multi-turn): the final call follows from the dialogue history.
* ``record_state.v_state`` (multi-turn): the final call agrees with the records its history created,
  updated or deleted (a record read back as set, a deleted one ``not_found``).

Every check returns a list of human-readable reasons; an empty list means it passed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from gtm_core.carg.fastschema import compile_schema
from gtm_core.carg.records import Sample
from gtm_core.llm.base import ChatModel, prompt_request
from gtm_core.llm.teacher_tasks import task as offline_task
from gtm_core.llm.verdicts import VERDICT_SCHEMA, parse_verdict
from gtm_core.record_state import error_expected
from gtm_core.schema_refs import DEPTH_DETAIL, MAX_VALUE_DEPTH, is_recursive, value_depth
from gtm_core.spec import ToolSpec
from gtm_core.synth import classify, is_id, range_pairs, snake_case
from gtm_core.values import is_scalar, same_value

JUDGE_CONTRADICTION = "judge_contradiction"
JUDGE_COHERENCE = "judge_coherence"
_FORMATS = Draft202012Validator.FORMAT_CHECKER
_TOKEN = re.compile(r"[a-z0-9]+")
_COUNT = re.compile(r"(^|_)(limit|count|num|top_?k|max_results|per_page|page_size|size|n)$", re.I)


@dataclass
class ToolChecker:
    """Compiled validators and derived facts of one tool (built once, cached by uid)."""

    spec: ToolSpec
    params: Draft202012Validator
    response: Draft202012Validator | None
    known: frozenset[str]
    open_params: bool
    pairs: tuple[tuple[str, str], ...]
    count_params: tuple[str, ...]
    fast_params: Callable[[Any], bool] | None = None
    fast_response: Callable[[Any], bool] | None = None
    ground: frozenset[str] = frozenset()
    recursive_params: bool = False  # values are depth-checked before jsonschema sees them
    recursive_response: bool = False

    @classmethod
    def build(cls, spec: ToolSpec) -> ToolChecker:
        props = spec.properties
        rs = spec.response_schema
        return cls(
            spec=spec,
            params=Draft202012Validator(spec.parameters, format_checker=_FORMATS),
            response=Draft202012Validator(rs, format_checker=_FORMATS) if rs else None,
            known=frozenset(props),
            open_params=not props and spec.parameters.get("additionalProperties") is not False,
            pairs=range_pairs(list(props)),
            count_params=tuple(
                n
                for n, s in props.items()
                if _COUNT.search(snake_case(n))
                and isinstance(s, dict)
                and s.get("type") in ("integer", "number")
            ),
            fast_params=compile_schema(spec.parameters),
            fast_response=compile_schema(rs) if rs else None,
            ground=frozenset(tokens(spec.name.replace("_", " ")) | tokens(spec.description)),
            recursive_params=is_recursive(spec.parameters),
            recursive_response=bool(rs) and is_recursive(rs),
        )


_CACHE: dict[str, ToolChecker] = {}
_BY_OBJECT: dict[int, ToolChecker] = {}


def checker(spec: ToolSpec) -> ToolChecker:
    """The cached ``ToolChecker`` of ``spec``: by object identity first (no hashing on the hot
    path), then by content uid (a re-loaded spec reuses the compiled validators)."""
    c = _BY_OBJECT.get(id(spec))
    if c is not None and c.spec is spec:
        return c
    key = spec.uid
    c = _CACHE.get(key)
    if c is None:
        if len(_CACHE) > 200_000:
            _CACHE.clear()
            _BY_OBJECT.clear()
        c = _CACHE[key] = ToolChecker.build(spec)
    if len(_BY_OBJECT) > 200_000:
        _BY_OBJECT.clear()
    _BY_OBJECT[id(spec)] = c if c.spec is spec else ToolChecker(**{**c.__dict__, "spec": spec})
    return _BY_OBJECT[id(spec)]


def _errors(
    v: Draft202012Validator,
    instance: Any,
    what: str,
    limit: int = 3,
    fast: Callable[[Any], bool] | None = None,
    recursive: bool = False,
) -> list[str]:
    if recursive and value_depth(instance, MAX_VALUE_DEPTH + 1) > MAX_VALUE_DEPTH + 1:
        return [f"{what}: {DEPTH_DETAIL}"]
    if (fast is not None and fast(instance)) or v.is_valid(instance):
        return []
    out = []
    for e in v.iter_errors(instance):
        path = ".".join(str(p) for p in e.absolute_path)
        out.append(f"{what}{('.' + path) if path else ''}: {e.message[:160]}")
        if len(out) >= limit:
            break
    return out


# ---- level 1: format ------------------------------------------------------------------------
def v_format(
    spec: ToolSpec, arguments: Any, output: Any, *, expect_error: bool = False
) -> list[str]:
    """Arguments valid for the parameter schema (required present, no unknown names), output valid
    for the response schema (skipped for error samples, whose output shape is checked elsewhere)."""
    c = checker(spec)
    if not isinstance(arguments, dict):
        return [f"arguments must be an object, got {type(arguments).__name__}"]
    reasons = [f"missing required parameter {r!r}" for r in spec.required if r not in arguments]
    if not c.open_params:
        reasons += [f"unknown parameter {k!r}" for k in arguments if k not in c.known]
    if not reasons:
        reasons += _errors(
            c.params, arguments, "arguments", fast=c.fast_params, recursive=c.recursive_params
        )
    if expect_error:
        return reasons
    if output is None or output == "" or output == {} or output == []:
        reasons.append("output is empty")
    elif c.response is not None:
        reasons += _errors(
            c.response, output, "output", fast=c.fast_response, recursive=c.recursive_response
        )
    return reasons


# ---- level 2: contradiction -----------------------------------------------------------------
def _comparable(a: Any, b: Any) -> bool:
    num = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    return (isinstance(a, num) and isinstance(b, num)) or (
        isinstance(a, str) and isinstance(b, str) and _looks_ordered(a) and _looks_ordered(b)
    )


_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?([T ]\d{2}:\d{2}(:\d{2})?)?")


def _looks_ordered(s: str) -> bool:
    return bool(_ISO.match(s)) or bool(re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", s))


def v_contradiction(spec: ToolSpec, arguments: dict[str, Any]) -> list[str]:
    """Range pairs in the wrong order (start after end, min above max)."""
    reasons = []
    for lo, hi in checker(spec).pairs:
        a, b = arguments.get(lo), arguments.get(hi)
        if a is not None and b is not None and _comparable(a, b) and a > b:
            reasons.append(f"{lo}={a!r} is after/above {hi}={b!r}")
    return reasons


# ---- level 3: coherence ---------------------------------------------------------------------
def tokens(value: Any) -> set[str]:
    """Lower-case word tokens of every scalar inside ``value`` (for overlap checks)."""
    out: set[str] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, str):
            out.update(_TOKEN.findall(v.lower()))
        elif v is not None and not isinstance(v, bool):
            out.add(str(v).lower())
    return out


def is_error_output(output: Any) -> bool:
    return (
        isinstance(output, dict)
        and isinstance(output.get("error"), dict | str)
        and len(output) <= 2
    )


def v_coherence(
    spec: ToolSpec,
    arguments: dict[str, Any],
    output: Any,
    context: str = "",
    *,
    error_expected: bool = False,
) -> list[str]:
    """Output agrees with the input: same-named fields echo the argument, list lengths respect a
    requested count, a valid call is not answered with an error (unless ``error_expected``: the
    dialogue deleted the record it names), the context is grounded."""
    reasons: list[str] = []
    if is_error_output(output) and not error_expected:
        reasons.append("output is an error payload for a valid call")
    if isinstance(output, dict):
        for k, v in output.items():
            a = arguments.get(k)
            if (
                is_scalar(v)
                and is_scalar(a)
                and isinstance(v, str) == isinstance(a, str)
                and not same_value(v, a)
            ):
                reasons.append(f"output field {k!r}={v!r} contradicts argument {k}={a!r}")
        for p in checker(spec).count_params:
            n = arguments.get(p)
            if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
                for k, v in output.items():
                    if isinstance(v, list) and len(v) > n:
                        reasons.append(f"output list {k!r} has {len(v)} items but {p}={n}")
    if not isinstance(context, str) or not context.strip():
        reasons.append("context is empty")
    else:
        words = {t for t in _TOKEN.findall(context.lower()) if len(t) >= 3}
        if not (words & checker(spec).ground or words & tokens(arguments)):
            reasons.append("context shares no word with the call or the tool")
    return reasons


# ---- multi-turn: the final call follows from the history ------------------------------------
def _history_values(history: Sequence[dict[str, Any]]) -> tuple[set[str], dict[str, list[Any]]]:
    seen: set[str] = set()
    by_name: dict[str, list[Any]] = {}
    stack: list[tuple[str, Any]] = []
    for h in history:
        stack.extend((k, v) for k, v in (h.get("arguments") or {}).items())
        out = h.get("output")
        stack.extend(out.items() if isinstance(out, dict) else [("output", out)])
    while stack:
        k, v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.items())
        elif isinstance(v, list):
            stack.extend((k[:-1] if k.endswith("s") else k, x) for x in v)
        elif is_scalar(v):
            seen.add(str(v).strip().lower())
            by_name.setdefault(k, []).append(v)
    return seen, by_name


def v_history(
    spec: ToolSpec, arguments: dict[str, Any], history: Sequence[dict[str, Any]]
) -> list[str]:
    """Id-like values of the final call appear earlier; same-named values agree with the history;
    the call uses at least one value established earlier."""
    if not history:
        return ["multi-turn sample has no history"]
    seen, by_name = _history_values(history)
    reasons = []
    used = 0
    for k, v in arguments.items():
        if not is_scalar(v):
            continue
        known = str(v).strip().lower() in seen
        used += known
        if is_id(k) and not known:
            reasons.append(f"id {k}={v!r} does not appear earlier in the dialogue")
        elif (
            k in by_name
            and not known
            and (is_id(k) or classify(k) in ("person", "city", "email", "username"))
        ):
            reasons.append(f"{k}={v!r} disagrees with earlier value(s) {by_name[k][:3]!r}")
    if arguments and not used:
        reasons.append("the final call uses no value from the earlier turns")
    return reasons


# ---- drivers --------------------------------------------------------------------------------
def validate_single(spec: ToolSpec, s: Sample) -> bool:
    """Record V_format, V_contradiction, V_coherence on ``s``; returns whether all passed. A call
    whose history deleted the record it names (``record_state.error_expected``) is checked as an
    error: its arguments against the parameters, its output as the error it must be."""
    args = s.arguments if isinstance(s.arguments, dict) else {}
    stated = bool(s.history) and error_expected(spec.name, args, s.history)
    ok = s.record("format", v_format(spec, s.arguments, s.output, expect_error=stated))
    ok &= s.record("contradiction", v_contradiction(spec, args))
    ok &= s.record("coherence", v_coherence(spec, args, s.output, s.context, error_expected=stated))
    return ok


def judge(chat: ChatModel | None, specs: Sequence[ToolSpec], samples: Sequence[Sample]) -> None:
    """LLM checks (contradiction, coherence) for samples that passed the deterministic ones; each
    verdict is recorded as ``judge_contradiction`` / ``judge_coherence``. No-op without a judge."""
    if chat is None:
        return
    todo = [(sp, s) for sp, s in zip(specs, samples, strict=True) if s.passed]
    if not todo:
        return
    reqs = []
    for task in (JUDGE_CONTRADICTION, JUDGE_COHERENCE):
        for sp, s in todo:
            reqs.append(
                prompt_request(
                    task,
                    {
                        "tool": sp.to_public(),
                        "context": s.context,
                        "arguments": s.arguments,
                        "output": s.output,
                        "history": s.history,
                    },
                    response_schema=VERDICT_SCHEMA,
                    temperature=0.0,
                )
            )
    answers = chat.generate(reqs)
    n = len(todo)
    for j, task in enumerate((JUDGE_CONTRADICTION, JUDGE_COHERENCE)):
        for (_, s), text in zip(todo, answers[j * n : (j + 1) * n], strict=True):
            s.record(task, verdict_reasons(text))


@offline_task(JUDGE_CONTRADICTION)
def offline_contradiction(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The offline teacher's answer to ``judge_contradiction``: this module's level-2 rule."""
    r = v_contradiction(ToolSpec.model_validate(payload["tool"]), payload.get("arguments") or {})
    return {"ok": not r, "reason": "; ".join(r)}


@offline_task(JUDGE_COHERENCE)
def offline_coherence(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The offline teacher's answer to ``judge_coherence``: this module's level-3 rule."""
    spec = ToolSpec.model_validate(payload["tool"])
    args = payload.get("arguments") or {}
    r = v_coherence(
        spec,
        args,
        payload.get("output"),
        payload.get("context") or "",
        error_expected=error_expected(spec.name, args, payload.get("history") or []),
    )
    return {"ok": not r, "reason": "; ".join(r)}


def verdict_reasons(text: str) -> list[str]:
    """A judge answer -> reasons (empty when it passed), read by ``llm.verdicts.parse_verdict``
    (JSON, fences, prose, ``Score: 4/5``, yes/no); an answer with no verdict is a reason."""
    v = parse_verdict(text)
    if v.passed is None:
        return [f"judge answer holds no verdict: {text[:80]!r}"]
    return [] if v.passed else [v.reason or "rejected by judge"]
