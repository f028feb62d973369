"""TRL environments over the simulator: ``GRPOTrainer(environment_factory=environment_class(...))``.

TRL (>= 1.16) builds one environment object per rollout (``__init__`` without arguments), calls
``reset(**dataset_row)`` before generation, exposes every public method with a Google-style
docstring as a tool the policy can call, and hands the rollouts' environments to the reward
functions (``environments=``). ``environment_class`` makes such a class from tool specs (a JSONL,
the DuckDB ``tools`` table or a list of ``ToolSpec``) and a simulator (an in-process ``Simulator``
or a ``gtm serve`` URL / ``SimulatorClient``):

- one method per tool, named after the tool (made a Python identifier where it is not one:
  ``get-weather`` -> ``get_weather``; the docstring names the original), its description and
  parameters in the docstring and signature (``transformers.get_json_schema`` reads them);
  nested parameters (objects, arrays of objects, ``anyOf``...) keep a coarse type hint and carry
  their JSON Schema in their description, as ``gtm rl verl-config`` does;
- ``reset`` opens one simulator session per rollout, seeded from the row (``seed`` column, else a
  hash of the prompt, so the rollouts of a GRPO group share a seed) with the row's ground truth as
  the hint (``hint_column``); every call goes through the gate and the session like every other
  front (``Simulator.simulate(tool, args, session_id=...)``); the session ends with the rollout
  (``EnvCallback`` ends it after the step; a pooled instance also ends it at its next ``reset``);
- real implementations (``real={name: fn(arguments) -> output}``) answer instead of the simulator
  when the hybrid switch says so (``simulated_steps``: the simulator for the first N training steps,
  the real tools after; 0 = always real): the same class wraps either side. Real calls pass the
  same gate, so a malformed call gets the same structural error from both.

Large tool sets: every tool's schema is in every prompt, so ``environment_class`` refuses more
than ``max_tools`` tools; ``environment_classes`` splits a repository into named groups for TRL's
``{name: factory}`` form (each dataset row picks its group in an ``environment`` column, and only
that group's tools are in its prompt).

ChatML models without a tool-calling template (SmolLM2, the tiny test model) get one from
``prepare_tokenizer``: a compact Hermes-style template (``<tool_call>{json}</tool_call>``, tool
results as ``<tool_response>``) and TRL's response parser for it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import keyword
import re
import time
import uuid
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any, ClassVar

from gtm_core.chat_format import error_payload
from gtm_core.gate import gate_for
from gtm_core.serve.rl import (
    HybridRouter,
    SimulatorClient,
    SimulatorError,
    ranked_documents,
    search_r1_format,
)
from gtm_core.serve.verl_config import (
    MAX_INLINE_CHARS,
    NESTED_KEYS,
    tokens_for_chars,
    verl_tool_schema,
)
from gtm_core.spec import ToolSpec

RealFn = Callable[[dict[str, Any]], Any]
DEFAULT_MAX_TOOLS = 64
DEFAULT_RESPONSE_CHARS = 512
_UNSET = inspect.Parameter.empty
_JSON_HINTS: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "object": dict,
    "null": type(None),
}


# ---- simulator sides -----------------------------------------------------------------------------
class InProcessSimulator:
    """A ``gtm_core.simulator.Simulator`` in this process."""

    def __init__(self, sim: Any):
        self.sim = sim

    def open(self, session_id: str, seed: int) -> None:
        self.sim.create_session(seed, session_id)

    def call(self, tool: str, arguments: Any, session_id: str, options: dict) -> tuple[Any, str]:
        res = self.sim.simulate(tool, arguments, session_id=session_id, options=options)
        return res.output, res.source

    def close(self, session_id: str) -> None:
        self.sim.sessions.delete(session_id)

    def log(self, session_id: str) -> list[dict[str, Any]]:
        s = self.sim.sessions.get(session_id)
        return list(s.log) if s is not None else []


class SessionClient(SimulatorClient):
    """``SimulatorClient`` that can also end a session (``DELETE /v1/sessions/{id}``)."""

    def delete_session(self, session_id: str) -> None:
        r = self._c.delete(f"/v1/sessions/{session_id}")
        if r.status_code not in (200, 204, 404):
            r.raise_for_status()


class HttpSimulator:
    """A ``gtm serve`` server: a URL (plus ``token``) or a ``SimulatorClient`` (its connection is
    reused)."""

    def __init__(self, client: SimulatorClient | str, token: str | None = None):
        if isinstance(client, str):
            client = SessionClient(client, token)
        elif not isinstance(client, SessionClient):
            upgraded = SessionClient.__new__(SessionClient)
            upgraded.__dict__.update(client.__dict__)  # same connection, one more call
            client = upgraded
        self.client: SessionClient = client

    def open(self, session_id: str, seed: int) -> None:
        self.client.create_session(seed, session_id)

    def call(self, tool: str, arguments: Any, session_id: str, options: dict) -> tuple[Any, str]:
        res = self.client.simulate(tool, arguments, session_id=session_id, options=options)
        return res["output"], res["source"]

    def close(self, session_id: str) -> None:
        self.client.delete_session(session_id)

    def log(self, session_id: str) -> list[dict[str, Any]]:
        try:
            return list(self.client.session(session_id).get("log") or [])
        except SimulatorError as e:  # an ended or expired session has no log
            if e.status == 404:
                return []
            raise


def simulator_side(simulator: Any) -> InProcessSimulator | HttpSimulator | None:
    """The side that answers simulated calls: a ``Simulator``, a URL, a ``SimulatorClient``."""
    if simulator is None or isinstance(simulator, InProcessSimulator | HttpSimulator):
        return simulator
    if isinstance(simulator, str | SimulatorClient):
        return HttpSimulator(simulator)
    if hasattr(simulator, "simulate") and hasattr(simulator, "sessions"):
        return InProcessSimulator(simulator)
    raise TypeError(f"simulator: a Simulator, a URL or a SimulatorClient, got {type(simulator)}")


# ---- tool specs -> methods -----------------------------------------------------------------------
def load_specs(tools: str | Path | Sequence[ToolSpec] | None, names: Iterable[str] | None = None):
    """Specs from a JSONL path, a list of ``ToolSpec`` or (None) the DuckDB ``tools`` table."""
    if tools is not None and not isinstance(tools, str | Path):
        specs = list(tools)
        want = set(names) if names else None
        return [s for s in specs if want is None or s.name in want]
    from gtm_core.simulator import load_tools

    specs, _rejects = load_tools(tools, names=names)
    return specs


def py_name(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A Python identifier for a tool or parameter name, distinct from ``taken`` and reserved
    names: non-word characters become ``_``, a leading digit or underscore gets a ``t_`` prefix
    (TRL skips private methods), keywords and reserved names get a trailing ``_``."""
    s = re.sub(r"\W", "_", name, flags=re.ASCII) or "t"
    if s[0].isdigit() or s[0] == "_":
        s = "t_" + s.lstrip("_")
    while keyword.iskeyword(s) or s in reserved_names() or s in taken or s == "self":
        s += "_"
    return s


def _one_line(text: Any) -> str:
    """A docstring-safe line: no newlines, no section headers transformers would split on."""
    s = " ".join(str(text or "").split())
    s = re.sub(r"\b(Args|Returns|Raises):", r"\1 -", s)
    if re.search(r"\(choices:.*\)\s*$", s, flags=re.IGNORECASE):
        s += "."  # not an enum marker of ours
    return s


def _hint(prop: dict[str, Any]) -> Any:
    """The type hint ``get_json_schema`` turns back into the parameter's (top-level) type."""
    t = prop.get("type")
    types = t if isinstance(t, list) else [t]
    hints = []
    for x in types:
        if x == "array":
            items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
            inner = (
                _JSON_HINTS.get(items.get("type")) if isinstance(items.get("type"), str) else None
            )
            hints.append(list[inner] if inner is not None and inner is not dict else list)
        else:
            hints.append(_JSON_HINTS.get(x, str))
    hints = list(dict.fromkeys(hints))
    return reduce(or_, hints) if len(hints) > 1 else hints[0]


def _nested_schema(prop: dict[str, Any]) -> str:
    """The parameter's structure as compact JSON Schema when its type hint loses it (objects with
    properties, arrays of objects, ``anyOf``...), capped; "" when the hint says it all."""
    keys = [k for k in NESTED_KEYS if k in prop]
    items = prop.get("items")
    simple_items = isinstance(items, dict) and set(items) <= {"type", "description"}
    if not keys or (keys == ["items"] and simple_items and isinstance(items.get("type"), str)):
        return ""
    schema = {k: v for k, v in prop.items() if k != "description"}
    text = json.dumps(schema, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text if len(text) <= MAX_INLINE_CHARS else text[:MAX_INLINE_CHARS] + "...(cut)"


class ToolMethod:
    """How one spec becomes an environment method: its name, docstring, signature, and the map
    from the method's parameter names back to the spec's."""

    def __init__(self, spec: ToolSpec, taken: set[str]):
        self.spec = spec
        self.name = py_name(spec.name, taken)
        schema, self.report = verl_tool_schema(spec, inline_nested=False)  # every param typed
        fn = schema["function"]
        props: dict[str, Any] = fn["parameters"]["properties"]
        required = set(fn["parameters"]["required"])
        self.params: dict[str, str] = {}  # method parameter -> spec parameter
        params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        lines, annotations = [], {}
        for pname, prop in props.items():
            mname = py_name(pname, set(self.params))
            self.params[mname] = pname
            hint = annotations[mname] = _hint(prop)
            default = _UNSET if pname in required else None
            kind = inspect.Parameter.KEYWORD_ONLY
            params.append(inspect.Parameter(mname, kind, default=default, annotation=hint))
            desc = _one_line(prop.get("description")) or pname
            if mname != pname:
                desc += f" (parameter {json.dumps(pname)})"
            nested = _nested_schema(prop)
            if nested:
                desc += f" JSON Schema: {nested}"
            if isinstance(prop.get("enum"), list) and prop["enum"]:
                desc += f" (choices: {json.dumps(prop['enum'], ensure_ascii=False)})"
            lines.append(f"    {mname}: {desc}")
        head = _one_line(spec.description) or spec.name
        if self.name != spec.name:
            head += f" (tool {json.dumps(spec.name)})"
        self.doc = head + ("\n\nArgs:\n" + "\n".join(lines) if lines else "")
        self.signature = inspect.Signature(params)
        self.annotations = annotations

    def spec_arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The call's arguments under the spec's parameter names (unknown names pass unchanged,
        for the gate to answer)."""
        return {self.params.get(k, k): v for k, v in kwargs.items() if v is not _UNSET}

    def function(self) -> Callable[..., str]:
        """The method TRL binds: ``(self, **arguments) -> rendered output``."""
        tool = self

        def method(self, **kwargs):
            return self._call(tool, kwargs)

        method.__name__ = method.__qualname__ = self.name
        method.__doc__ = self.doc
        method.__signature__ = self.signature  # type: ignore[attr-defined]
        method.__annotations__ = dict(self.annotations)
        return method


# ---- rendering -----------------------------------------------------------------------------------
def render_output(output: Any, parameters: dict | None, limit: int, fmt: str = "auto") -> str:
    """A tool output as the policy reads it: search-like results (``{"results": [...]}``) as
    Search-R1 ``Doc i(Title: t) text`` lines (``fmt`` "auto" or "search_r1"), anything else as
    compact JSON; longer than ``limit`` characters: whole documents dropped first, then cut."""
    if fmt != "json" and isinstance(output, dict) and isinstance(output.get("results"), list):
        top_k = (parameters or {}).get("top_k")
        docs = ranked_documents(output, top_k if isinstance(top_k, int) and top_k > 0 else None)
        text = search_r1_format(docs).strip()
        while len(docs) > 1 and len(text) > limit:
            docs = docs[:-1]
            text = search_r1_format(docs).strip()
    elif isinstance(output, str):
        text = output
    else:
        text = json.dumps(output, ensure_ascii=False, separators=(",", ":"), default=str)
    if len(text) > limit:
        mark = "...(truncated)"
        text = text[: max(0, limit - len(mark))] + mark
    return text


def row_seed(row: Mapping[str, Any], column: str = "seed") -> int:
    """The session seed of a dataset row: its ``column`` when it holds an integer, else a stable
    hash of its prompt (equal rows, e.g. a GRPO group, share it)."""
    v = row.get(column)
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    key = json.dumps(row.get("prompt", row), sort_keys=True, default=str, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % (2**31 - 1)


# ---- the environment -----------------------------------------------------------------------------
class GTMToolEnv:
    """Base of the classes ``environment_class`` builds: one instance per rollout (TRL pools and
    reuses instances through ``reset``). ``calls`` holds the rollout's calls as this side saw them
    (tool, arguments, output, source, latency_s, text); ``session_id`` its simulator session,
    ``session_log`` the simulator's log of it. TRL makes every public function of the class a
    tool, so the tools are the only public functions: the rest are properties, class methods or
    private."""

    tools: ClassVar[dict[str, ToolMethod]] = {}
    simulator: ClassVar[InProcessSimulator | HttpSimulator | None] = None
    real: ClassVar[dict[str, RealFn]] = {}
    router: ClassVar[HybridRouter] = HybridRouter()
    options: ClassVar[dict[str, Any]] = {}
    seed_column: ClassVar[str] = "seed"
    hint_column: ClassVar[str | None] = None
    max_response_chars: ClassVar[int] = DEFAULT_RESPONSE_CHARS
    output_format: ClassVar[str] = "auto"
    stats: ClassVar[Counter]
    _live: ClassVar[weakref.WeakSet]

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.seed = 0
        self.hint: str | None = None
        self.row: dict[str, Any] = {}
        self.calls: list[dict[str, Any]] = []
        type(self)._live.add(self)

    # -- lifecycle
    def reset(self, **row: Any) -> str | None:
        """Start a rollout on a dataset row: end the previous session, open a new one (when the
        simulator answers at this step) seeded from the row, with the row's hint."""
        self._end_session()
        self.row = row
        self.calls = []
        self.seed = row_seed(row, self.seed_column)
        hint = row.get(self.hint_column) if self.hint_column else None
        self.hint = None if hint is None else _hint_text(hint)
        if self.simulator is not None and self.uses_simulator():
            self.session_id = f"trl-{uuid.uuid4().hex}"
            self.simulator.open(self.session_id, self.seed)
        return None

    def _end_session(self) -> None:
        """End the rollout's simulator session (idempotent)."""
        sid, self.session_id = self.session_id, None
        if sid is not None and self.simulator is not None:
            self.simulator.close(sid)

    @classmethod
    def close_all(cls) -> None:
        """End every live instance's session (after a training step, at the end of training)."""
        for env in list(cls._live):
            env._end_session()

    @classmethod
    def set_step(cls, step: int) -> None:
        """The training step the hybrid switch reads (``EnvCallback`` sets it)."""
        cls.router.set_step(step)

    @classmethod
    def uses_simulator(cls) -> bool:
        """Whether the simulator answers at the current step (no real tools: always)."""
        return not cls.real or cls.router.use_simulator()

    @property
    def session_log(self) -> list[dict[str, Any]]:
        """The simulator's log of this rollout's session (empty once it has ended)."""
        if self.session_id is None or self.simulator is None:
            return []
        return self.simulator.log(self.session_id)

    # -- one call
    def _call(self, tool: ToolMethod, kwargs: dict[str, Any]) -> str:
        args = tool.spec_arguments(kwargs)
        name = tool.spec.name
        t0 = time.perf_counter()
        real = self.real.get(name)
        answered = False
        if real is not None and not self.uses_simulator():
            output, source = _call_real(tool.spec, real, args)
            fallback = self.simulator is not None and self.router.fallback_to_sim
            answered = source != "real-error" or not fallback
        if not answered:
            if self.simulator is None:
                raise RuntimeError(f"{name}: no simulator and no real implementation answers")
            if self.session_id is None:
                self.session_id = f"trl-{uuid.uuid4().hex}"
                self.simulator.open(self.session_id, self.seed)
            output, source = self.simulator.call(name, args, self.session_id, self._options())
        dt = time.perf_counter() - t0
        text = render_output(output, args, self.max_response_chars, self.output_format)
        self.calls.append(
            dict(tool=name, arguments=args, output=output, source=source, latency_s=dt, text=text)
        )
        st = type(self).stats
        st["calls"] += 1
        st["seconds"] += dt
        st[f"source:{source}"] += 1
        return text

    def _options(self) -> dict[str, Any]:
        opts = {"max_tokens": tokens_for_chars(self.max_response_chars), **self.options}
        if self.hint and "hint" not in opts:
            opts["hint"] = self.hint
        return opts


def reserved_names() -> frozenset[str]:
    """Names a tool method may not take: TRL's ``reset``/``get_reward`` and the attributes of
    ``GTMToolEnv`` and its instances."""
    instance = {"session_id", "seed", "hint", "row", "calls"}
    return frozenset({"reset", "get_reward", *instance, *vars(GTMToolEnv)})


def _hint_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, list | tuple):
        return "; ".join(map(str, v))
    return json.dumps(v, ensure_ascii=False, default=str)


def _call_real(spec: ToolSpec, fn: RealFn, args: dict[str, Any]) -> tuple[Any, str]:
    """The real tool's answer behind the simulator's gate: (output, "gate" | "real" |
    "real-error")."""
    err = gate_for(spec)(args)
    if err is not None:
        return err, "gate"
    try:
        return fn(args), "real"
    except Exception as e:  # noqa: BLE001 - the real tool's failure is the policy's observation
        return error_payload("tool_error", f"{type(e).__name__}: {e}", None), "real-error"


def environment_class(
    tools: str | Path | Sequence[ToolSpec] | None,
    simulator: Any = None,
    *,
    names: Iterable[str] | None = None,
    real: Mapping[str, RealFn] | None = None,
    simulated_steps: int | None = None,
    fallback_to_sim: bool = True,
    options: Mapping[str, Any] | None = None,
    seed_column: str = "seed",
    hint_column: str | None = None,
    max_response_chars: int = DEFAULT_RESPONSE_CHARS,
    output_format: str = "auto",
    max_tools: int = DEFAULT_MAX_TOOLS,
    class_name: str = "GTMEnv",
) -> type[GTMToolEnv]:
    """An environment class for ``GRPOTrainer(environment_factory=...)``.

    ``tools``: a JSONL path, a list of ``ToolSpec`` or None (the DuckDB ``tools`` table), cut to
    ``names``. ``simulator``: a ``Simulator``, a ``gtm serve`` URL or a ``SimulatorClient`` (None
    only when ``real`` answers every tool from step 0). ``real``: real implementations by tool name,
    ``fn(arguments) -> output``; ``simulated_steps``: the simulator answers for the first N
    training steps, the real tools after (None: always the simulator; 0: always the real tools);
    ``fallback_to_sim``: a real tool that raises is answered by the simulator. ``options``:
    simulator options for every call; ``hint_column``: the row's ground truth, sent as the hint.
    ``max_response_chars``: a longer output is cut (search results drop whole documents first).
    """
    specs = load_specs(tools, names)
    if not specs:
        raise ValueError("tools: no tool specs")
    if len(specs) > max_tools:
        raise ValueError(
            f"{len(specs)} tools: every tool's schema goes into every prompt; pick a subset "
            f"(names=...), raise max_tools (now {max_tools}), or split them into groups with "
            "environment_classes(...) and an `environment` column"
        )
    real = dict(real or {})
    unknown = sorted(set(real) - {s.name for s in specs})
    if unknown:
        raise ValueError(f"real: no spec for {unknown}")
    side = simulator_side(simulator)
    if side is None and not (real and simulated_steps == 0 and len(real) == len(specs)):
        raise ValueError("simulator: required unless real tools answer every tool from step 0")
    if output_format not in ("auto", "json", "search_r1"):
        raise ValueError(f"output_format: 'auto', 'json' or 'search_r1', got {output_format!r}")
    taken: set[str] = set()
    methods: dict[str, ToolMethod] = {}
    for s in specs:
        m = ToolMethod(s, taken)
        taken.add(m.name)
        methods[m.name] = m
    attrs: dict[str, Any] = {m.name: m.function() for m in methods.values()}
    attrs.update(
        tools=methods,
        simulator=side,
        real=real,
        router=HybridRouter(simulated_steps, fallback_to_sim=fallback_to_sim),
        options=dict(options or {}),
        seed_column=seed_column,
        hint_column=hint_column,
        max_response_chars=int(max_response_chars),
        output_format=output_format,
        stats=Counter(),
        _live=weakref.WeakSet(),
        __module__=__name__,
        __doc__=f"TRL environment over {len(specs)} GTM tool(s): {', '.join(methods)[:300]}",
    )
    return type(class_name, (GTMToolEnv,), attrs)


def environment_classes(
    tools: str | Path | Sequence[ToolSpec] | None,
    simulator: Any = None,
    *,
    groups: Mapping[str, Iterable[str]] | None = None,
    group_size: int = 16,
    **kwargs: Any,
) -> dict[str, type[GTMToolEnv]]:
    """Environment classes by group name for TRL's ``environment_factory={name: cls}`` form, for
    tool sets too large for one prompt: ``groups`` maps a name to tool names (default: the specs in
    order, ``group_size`` per group, named ``g0``, ``g1``...). Each row's ``environment`` column
    picks its group; only that group's tools are in its prompt. One simulator serves them all."""
    specs = load_specs(tools)
    by_name = {s.name: s for s in specs}
    if groups is None:
        groups = {
            f"g{i // group_size}": [s.name for s in specs[i : i + group_size]]
            for i in range(0, len(specs), group_size)
        }
    side = simulator_side(simulator)
    out = {}
    for gname, tool_names in groups.items():
        missing = sorted(set(tool_names) - set(by_name))
        if missing:
            raise ValueError(f"groups[{gname!r}]: no spec for {missing}")
        out[gname] = environment_class(
            [by_name[n] for n in tool_names], side, class_name=f"GTMEnv_{py_name(gname)}", **kwargs
        )
    return out


def group_of(tool: str, classes: Mapping[str, type[GTMToolEnv]]) -> str:
    """The group (``environment`` column value) whose class has ``tool``."""
    for gname, cls in classes.items():
        if any(m.spec.name == tool for m in cls.tools.values()):
            return gname
    raise KeyError(tool)


def env_callback(*env_classes: type[GTMToolEnv]):
    """A ``transformers.TrainerCallback`` that tells the classes the training step before each
    step (the hybrid switch) and ends their rollouts' sessions after it and at the end."""
    from transformers import TrainerCallback

    class EnvCallback(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            for c in env_classes:
                c.set_step(state.global_step)

        def on_step_end(self, args, state, control, **kw):
            for c in env_classes:
                c.close_all()

        def on_train_end(self, args, state, control, **kw):
            for c in env_classes:
                c.close_all()

    return EnvCallback()


# ---- the policy side: a tool template for ChatML models, and the final answer --------------------
TOOL_TEMPLATE = (
    "{% if messages and messages[0].role == 'system' %}{% set sys = messages[0].content %}"
    "{% set rest = messages[1:] %}{% else %}{% set sys = '' %}{% set rest = messages %}{% endif %}"
    "{% if sys or tools %}<|im_start|>system\n{{ sys }}"
    "{% if tools %}{% if sys %}{{ '\n\n' }}{% endif %}You can call these tools:"
    "{% for t in tools %}{{ '\n' }}{{ (t.function if t.function is defined else t) | tojson }}"
    "{% endfor %}{{ '\n' }}To call a tool, reply with "
    '<tool_call>{"name": ..., "arguments": {...}}</tool_call>'
    "{% endif %}<|im_end|>{{ '\n' }}{% endif %}"
    "{% for m in rest %}"
    "{% if m.role == 'tool' %}<|im_start|>user\n<tool_response>\n{{ m.content }}\n"
    "</tool_response><|im_end|>{{ '\n' }}"
    "{% elif m.role == 'assistant' %}<|im_start|>assistant\n{{ m.content or '' }}"
    "{% for c in m.tool_calls or [] %}{% set f = c.function if c.function is defined else c %}"
    "{% if loop.first and m.content %}{{ '\n' }}{% endif %}"
    '<tool_call>{"name": "{{ f.name }}", "arguments": '
    "{{ f.arguments if f.arguments is string else f.arguments | tojson }}}</tool_call>"
    "{% endfor %}<|im_end|>{{ '\n' }}"
    "{% else %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{{ '\n' }}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if tools and rest and rest[-1].role == 'user' %}{{ open_call }}{% endif %}{% endif %}"
)


def tool_chat_template(open_call: str = "") -> str:
    """The compact Hermes-style template for ChatML tokenizers (``<|im_start|>``/``<|im_end|>``):
    tools as one JSON line each in the system turn, calls as ``<tool_call>{json}</tool_call>``,
    results as a ``<tool_response>`` user turn. ``open_call``: text the assistant's first turn
    opens with when tools are offered (e.g. ``<tool_call>``), for a policy too small to open a
    call by itself; the policy writes the rest, later turns open empty."""
    if not open_call:
        return TOOL_TEMPLATE.replace("{{ open_call }}", "")
    return TOOL_TEMPLATE.replace("{{ open_call }}", "{{ " + json.dumps(open_call) + " }}")


def prepare_tokenizer(tokenizer: Any, open_call: str = "") -> Any:
    """Give a ChatML tokenizer the tool template and TRL's parser of its replies (the Qwen/Hermes
    ``response_template``); its end-of-turn ``<|im_end|>`` becomes the EOS and pad token where it
    has none. Returns the tokenizer."""
    from trl.chat_template_utils import qwen3_template

    if "<|im_start|>" not in tokenizer.get_vocab():
        raise ValueError("prepare_tokenizer: the tokenizer has no ChatML <|im_start|> token")
    tokenizer.chat_template = tool_chat_template(open_call)
    tokenizer.response_template = qwen3_template
    if tokenizer.eos_token is None:
        tokenizer.eos_token = "<|im_end|>"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def final_answer(completion: Sequence[Mapping[str, Any]] | str) -> str:
    """The policy's answer in a TRL completion: its assistant text after the last tool result
    (all of it when no tool was called)."""
    if isinstance(completion, str):
        return completion
    last_tool = max((i for i, m in enumerate(completion) if m.get("role") == "tool"), default=-1)
    return "\n".join(
        str(m.get("content") or "")
        for m in completion[last_tool + 1 :]
        if m.get("role") == "assistant"
    ).strip()
