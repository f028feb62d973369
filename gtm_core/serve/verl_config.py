"""verl's tool config for simulated tools (``gtm rl verl-config``), and what verl's schema model
drops.

verl reads ``tools: [{class_name, config, tool_schema}]`` from ``multi_turn.tool_config_path`` and
validates each ``tool_schema`` into ``OpenAIFunctionToolSchema``, whose parameter model keeps only
``type``, ``description`` and ``enum``: nested ``items`` / ``properties`` / ``anyOf``... vanish from
the schema the policy sees, and a parameter without ``type`` fails to load. The simulator keeps the
full spec (its gate checks the real schema); here each parameter gets a ``type`` verl accepts, and
optionally a compact copy of its nested structure in its description so the policy still sees it.
Importable without verl.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gtm_core.spec import ToolSpec

TOOL_CLASS = "gtm_core.serve.rl.GTMSimTool"
AGENT_LOOP = "gtm_core.serve.verl_loop.GTMToolAgentLoop"
AGENT_LOOP_NAME = "gtm_tool_agent"
VERL_PROPERTY_KEYS = frozenset(
    {"type", "description", "enum"}
)  # verl's OpenAIFunctionPropertySchema
NESTED_KEYS = (
    "items",
    "properties",
    "additionalProperties",
    "patternProperties",
    "prefixItems",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "$ref",
    "if",
    "then",
    "else",
)
VERL_DEFAULT_RESPONSE_CHARS = 256  # verl's rollout.multi_turn.max_tool_response_length default
CHARS_PER_TOKEN = 3.0  # a conservative chars/token of JSON tool output (more tokens would be cut)
MAX_INLINE_CHARS = 800


def tokens_for_chars(chars: int, chars_per_token: float = CHARS_PER_TOKEN) -> int:
    """The simulator's ``max_tokens`` for a response cut at ``chars`` characters."""
    if not isinstance(chars, int) or isinstance(chars, bool) or chars < 1:
        raise ValueError(f"max_response_chars: must be a positive integer, got {chars!r}")
    if chars_per_token <= 0:
        raise ValueError(f"chars_per_token: must be > 0, got {chars_per_token!r}")
    return max(8, math.ceil(chars / chars_per_token))


def _json_type(v: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }.get(type(v), "string")


def _derive_type(prop: dict[str, Any]) -> str | list[str] | None:
    """A ``type`` for a parameter schema that has none (None when nothing says)."""
    if "enum" in prop and isinstance(prop["enum"], list) and prop["enum"]:
        ts = sorted({_json_type(v) for v in prop["enum"]})
        return ts[0] if len(ts) == 1 else ts
    for k in ("anyOf", "oneOf"):
        if isinstance(prop.get(k), list):
            ts: list[str] = []
            for m in prop[k]:
                t = m.get("type") if isinstance(m, dict) else None
                for x in t if isinstance(t, list) else [t]:
                    if isinstance(x, str) and x not in ts:
                        ts.append(x)
            if ts:
                return ts[0] if len(ts) == 1 else ts
    if "properties" in prop or "additionalProperties" in prop:
        return "object"
    if "items" in prop or "prefixItems" in prop:
        return "array"
    return None


@dataclass
class SchemaReport:
    """What verl's schema model does to one tool's parameters."""

    tool: str
    nested_lost: dict[str, list[str]] = field(
        default_factory=dict
    )  # parameter -> dropped nested keys
    typed: dict[str, str] = field(
        default_factory=dict
    )  # parameter -> how its missing type was filled

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "nested_lost": self.nested_lost, "typed": self.typed}


def verl_tool_schema(
    spec: ToolSpec, inline_nested: bool = True
) -> tuple[dict[str, Any], SchemaReport]:
    """The OpenAI function schema of ``spec`` as verl loads it: every parameter has a ``type``;
    with ``inline_nested`` a parameter whose nested structure verl drops carries it (compact JSON
    Schema, capped) in its description. The full schema stays in the YAML for later verl
    versions."""
    rep = SchemaReport(spec.name)
    params = spec.parameters if isinstance(spec.parameters, dict) else {}
    props_in = params.get("properties") if isinstance(params.get("properties"), dict) else {}
    props: dict[str, Any] = {}
    for name, raw in props_in.items():
        prop = dict(raw) if isinstance(raw, dict) else {}
        if not isinstance(prop.get("type"), str | list):
            t = _derive_type(prop)
            prop["type"] = t if t is not None else "string"
            rep.typed[name] = f"{prop['type']}" + (
                "" if t is not None else " (nothing in the schema says; any value)"
            )
        lost = [k for k in NESTED_KEYS if k in prop]
        if lost:
            rep.nested_lost[name] = lost
            if inline_nested:
                nested = {k: v for k, v in prop.items() if k not in ("description",)}
                text = json.dumps(nested, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                if len(text) > MAX_INLINE_CHARS:
                    text = text[:MAX_INLINE_CHARS] + "...(cut)"
                desc = str(prop.get("description") or "").rstrip()
                prop["description"] = (desc + " " if desc else "") + f"JSON Schema: {text}"
        props[name] = prop
    required = [r for r in (params.get("required") or spec.required or []) if r in props]
    fn = {
        "name": spec.name,
        "description": spec.description or spec.name,
        "parameters": {"type": "object", "properties": props, "required": required},
    }
    return {"type": "function", "function": fn}, rep


def verl_tool_config(
    specs: Sequence[ToolSpec],
    url: str,
    *,
    max_response_chars: int = 1024,
    chars_per_token: float = CHARS_PER_TOKEN,
    token_env: str | None = None,
    fmt: str | None = None,
    simulated_steps: int | None = None,
    seed: int = 0,
    inline_nested: bool = True,
) -> tuple[dict[str, Any], list[SchemaReport]]:
    """verl's tool config (``{"tools": [...]}``) for ``specs`` served at ``url``, and per-tool
    reports.
    ``fmt``: "json" or "search_r1" (default: search_r1 for the search preset, json otherwise);
    ``token_env``: the bearer token is read from that environment variable when verl loads the
    file."""
    if not url or not url.startswith(("http://", "https://")):
        raise ValueError(f"url: must be an http(s) URL of a running 'gtm serve', got {url!r}")
    tokens_for_chars(max_response_chars, chars_per_token)  # validates both
    if fmt not in (None, "json", "search_r1"):
        raise ValueError(f"format: must be 'json' or 'search_r1', got {fmt!r}")
    if simulated_steps is not None and simulated_steps < 0:
        raise ValueError(f"simulated_steps: must be >= 0, got {simulated_steps}")
    if not specs:
        raise ValueError("tools: no tools to configure")
    tools, reports = [], []
    for s in specs:
        schema, rep = verl_tool_schema(s, inline_nested)
        cfg: dict[str, Any] = {
            "type": "native",
            "simulator_url": url.rstrip("/"),
            "tool": s.name,
            "max_response_chars": max_response_chars,
            "chars_per_token": chars_per_token,
            "seed": seed,
            "format": fmt or ("search_r1" if s.meta.get("preset") == "search" else "json"),
        }
        if token_env:
            cfg["token"] = "${oc.env:" + token_env + "}"
        if simulated_steps is not None:
            cfg["simulated_steps"] = simulated_steps
        tools.append({"class_name": TOOL_CLASS, "config": cfg, "tool_schema": schema})
        reports.append(rep)
    return {"tools": tools}, reports


def agent_loop_config() -> list[dict[str, str]]:
    """verl's ``agent.agent_loop_config_path`` entry for the loop that ends simulator sessions."""
    return [{"name": AGENT_LOOP_NAME, "_target_": AGENT_LOOP}]


def verl_overrides(
    tool_config_path: str, max_response_chars: int, agent_loop_path: str | None = None
) -> list[str]:
    """The verl (hydra) command-line settings that go with a generated tool config."""
    r = "actor_rollout_ref.rollout"
    out = [
        f"{r}.mode=async",
        f"{r}.multi_turn.enable=True",
        f"{r}.multi_turn.format=hermes",
        f"{r}.multi_turn.tool_config_path={tool_config_path}",
        f"{r}.multi_turn.max_tool_response_length={max_response_chars}",
    ]
    if agent_loop_path:
        out += [
            f"{r}.agent.agent_loop_config_path={agent_loop_path}",
            f"{r}.agent.default_agent_loop={AGENT_LOOP_NAME}",
        ]
    return out
