"""Completing specs that lack parameter types or a response schema with the configured LLM.

Flags written by ``ToolSpec.parse`` (``param_type_missing:<p>``, ``response_missing``) select the
specs; all prompts (template ``complete_spec``) go to the ChatModel in one batch. Answers are
parsed, applied, and the spec is re-validated; the filled parts are recorded as
``completed:<what>``. On any failure the spec is kept as it was, with its original flags.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from gtm_core.llm.base import ChatModel, extract_json, prompt_request
from gtm_core.spec import SpecError, ToolSpec

_PARAM_FLAG = "param_type_missing:"


def missing_parts(spec: ToolSpec) -> tuple[list[str], bool]:
    """(parameters without a type, whether the response is missing)."""
    params = [f[len(_PARAM_FLAG) :] for f in spec.flags if f.startswith(_PARAM_FLAG)]
    return [p for p in params if p in spec.properties], "response_missing" in spec.flags


def completion_payload(spec: ToolSpec, params: list[str], response: bool) -> dict[str, Any]:
    missing = ([f"types for parameters {', '.join(params)}"] if params else []) + (
        ["a response schema"] if response else []
    )
    return {
        "spec": spec.to_public(),
        "missing": missing,
        "missing_parameters": params,
        "missing_response": response,
    }


def apply_completion(spec: ToolSpec, answer: Any, params: list[str], response: bool) -> ToolSpec:
    """The spec with the answer's types / response filled in (raises on an unusable answer)."""
    if not isinstance(answer, dict):
        raise ValueError(f"completion answer must be an object, got {type(answer).__name__}")
    raw = spec.model_dump()
    raw["parameters"] = copy.deepcopy(spec.parameters)
    done: list[str] = []
    types = answer.get("parameter_types") or {}
    if not isinstance(types, dict):
        raise ValueError("parameter_types must map parameter names to types")
    for p in params:
        t = types.get(p)
        if isinstance(t, str | list) and t:
            raw["parameters"]["properties"][p]["type"] = t
            done.append(f"completed:param_type:{p}")
        elif isinstance(t, dict) and t.get("type"):
            raw["parameters"]["properties"][p].update(t)
            done.append(f"completed:param_type:{p}")
    if response and isinstance(answer.get("response"), dict) and answer["response"]:
        raw["response"] = answer["response"]
        done.append("completed:response")
    filled = {d.split(":", 2)[-1] for d in done if d.startswith("completed:param_type:")}
    raw["flags"] = [
        f
        for f in spec.flags
        if not (f.startswith(_PARAM_FLAG) and f[len(_PARAM_FLAG) :] in filled)
        and not (f == "response_missing" and "completed:response" in done)
    ] + done
    return ToolSpec.parse(raw)


def complete_specs(
    specs: Sequence[ToolSpec], chat: ChatModel, *, progress: bool = False
) -> list[ToolSpec]:
    """Fill missing parameter types / response schemas via ``chat`` (one
    batched call); keeps order."""
    todo: list[tuple[int, list[str], bool]] = []
    for i, s in enumerate(specs):
        params, resp = missing_parts(s)
        if params or resp:
            todo.append((i, params, resp))
    out = list(specs)
    if not todo:
        return out
    reqs = [prompt_request("complete_spec", completion_payload(specs[i], p, r)) for i, p, r in todo]
    try:
        answers = chat.generate(reqs, progress=progress)
    except Exception:
        return out  # no model answer at all: keep every spec as flagged
    for (i, p, r), text in zip(todo, answers, strict=False):
        try:
            out[i] = apply_completion(specs[i], extract_json(text), p, r)
        except (SpecError, ValueError, TypeError, KeyError):
            out[i] = specs[i]
    return out
