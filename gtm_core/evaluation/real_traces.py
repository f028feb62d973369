"""Sim-to-real audit: replay real tool calls (the ../shared/data call formats) through the simulator
and compare with what the real tools answered.

Calls of one ``episode`` are replayed in ``step`` order, each with the earlier *real* calls and
outputs as history (teacher forcing). Per tool, per stateful/stateless and overall:

* ``error_agreement``: real error <-> simulated error (share of calls where both agree);
* ``schema_agreement``: for calls where neither errored, the simulated output has the real
  output's shape (same keys and JSON types, one level into objects and list items);
* ``value_agreement``: exact agreement on the real output's scalar fields (live services drift,
  so only scalars are compared; strings case-insensitively, numbers to 1e-6 relative);
* ``text_f1``: for plain-text real outputs, the token F1 of the simulated text against the real one;
* ``no_answer_rate``: share of calls answered with an output that says nothing
  (``simulator.silence.no_answer``: empty, a lone bracket, the tool's name, an argument echoed);
  such an output never counts as schema agreement.

Outputs that are JSON-encoded strings (real and simulated alike) are decoded before any comparison,
so a simulated string holding an object compares as that object; plain text is compared as text
(a text answer to a text output agrees in shape).

Tools join their spec by name (MCP calls by ``mcp_server`` + name first). A call whose tool has no
(valid) spec gets a minimal spec built from the call (parameters typed from the arguments, no
response schema: the real output is never shown to the simulator); such tools are listed.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gtm_core.chat_format import error_payload
from gtm_core.simulator.call import SimCall, SimOptions
from gtm_core.simulator.config import ERROR_CONFIDENCE
from gtm_core.simulator.examples import ExampleIndex
from gtm_core.spec import Reject, SpecError, ToolSpec
from gtm_core.tool_errors import EXECUTION_ERROR, is_error_payload, json_type, parse_literal

HISTORY_LIMIT = 8


@dataclass
class RealCall:
    tool: str
    arguments: dict[str, Any]
    output: Any
    is_error: bool
    stateful: bool
    episode: str | None
    step: int
    mcp_server: str | None
    truncated: bool
    file: str
    line: int
    error: str = (
        ""  # the recorder's error text (ToolBench keeps a failure's message here, its output empty)
    )


def _jsonl(path: Path) -> Iterable[tuple[int, Any | None, str]]:
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line), ""
        except json.JSONDecodeError as e:
            yield n, None, f"invalid JSON: {e.msg}"


def load_calls(path: str | Path) -> tuple[list[RealCall], list[Reject]]:
    """Real calls of one file; bad lines are kept as rejects naming the field and reason."""
    calls, rejects = [], []
    p = Path(path)
    for n, rec, why in _jsonl(p):
        if rec is None or not isinstance(rec, dict):
            rejects.append(
                Reject(p.name, f"<line {n}>", "<json>", why or "not an object", None, "audit")
            )
            continue
        if not isinstance(rec.get("tool"), str) or not rec["tool"]:
            rejects.append(
                Reject(p.name, f"<line {n}>", "tool", "missing or not a string", None, "audit")
            )
            continue
        args = rec.get("arguments", {})
        if args is None:
            args = {}
        if not isinstance(args, dict):
            rejects.append(
                Reject(p.name, rec["tool"], "arguments", "must be an object", None, "audit")
            )
            continue
        if "output" not in rec:
            rejects.append(Reject(p.name, rec["tool"], "output", "missing", None, "audit"))
            continue
        err = rec.get("is_error")
        real_error = bool(err) if isinstance(err, bool) else bool(rec.get("exception"))
        step = rec.get("step")
        calls.append(
            RealCall(
                rec["tool"],
                args,
                rec["output"],
                real_error,
                bool(rec.get("stateful")),
                str(rec["episode"]) if rec.get("episode") is not None else None,
                int(step) if isinstance(step, int) else 0,
                rec.get("mcp_server"),
                bool(rec.get("truncated")),
                p.name,
                n,
                rec["error"] if isinstance(rec.get("error"), str) else "",
            )
        )
    return calls, rejects


def load_specs(
    paths: Sequence[str | Path],
) -> tuple[dict[tuple[str, str], ToolSpec], dict[str, list[ToolSpec]], list[Reject]]:
    """Specs by (mcp_server, name) and by name (first valid one first)."""
    by_server: dict[tuple[str, str], ToolSpec] = {}
    by_name: dict[str, list[ToolSpec]] = defaultdict(list)
    rejects: list[Reject] = []
    for path in paths:
        p = Path(path)
        for n, rec, why in _jsonl(p):
            if rec is None:
                rejects.append(Reject(p.name, f"<line {n}>", "<json>", why, None, "audit"))
                continue
            try:
                spec = ToolSpec.parse(rec)
            except SpecError as e:
                rejects.append(
                    Reject(
                        p.name,
                        str(rec.get("name", f"<line {n}>")),
                        e.field,
                        e.reason,
                        None,
                        "audit",
                    )
                )
                continue
            if isinstance(rec.get("mcp_server"), str):
                by_server.setdefault((rec["mcp_server"], spec.name), spec)
            by_name[spec.name].append(spec)
    return by_server, by_name, rejects


def _json_type(v: Any) -> str:
    """JSON type name; integers and floats are both ``number`` (a real 3
    and a simulated 3.0 agree)."""
    t = json_type(v)
    return "number" if t == "integer" else t


def spec_from_call(call: RealCall) -> ToolSpec:
    """A minimal spec for a tool with no spec: parameters typed from the
    recorded arguments, others allowed."""
    props = {
        k: ({"type": _json_type(v)} if _json_type(v) != "null" else {})
        for k, v in call.arguments.items()
    }
    # one call shows some of the tool's parameters, not all: other calls may pass others
    return ToolSpec.parse(
        {
            "name": call.tool,
            "description": f"{call.tool} (no specification found; built from a recorded call)",
            "parameters": {
                "type": "object",
                "properties": props,
                "required": [],
                "additionalProperties": True,
            },
            "source": f"audit:{call.file}",
        }
    )


def decode_text(out: Any) -> tuple[Any, bool]:
    """``out`` as a JSON value: text holding a JSON object/array/string (or a Python literal of one)
    is decoded; returns (value, decoded). Other values and plain text come back as they are."""
    if not isinstance(out, str):
        return out, False
    return parse_literal(out, max_chars=len(out))


def real_value(call: RealCall) -> tuple[Any, bool]:
    """The real output as a JSON value and whether its shape is known (text holding JSON or a
    Python literal is decoded; truncated text that does not decode has an unknown shape)."""
    value, decoded = decode_text(call.output)
    if isinstance(call.output, str) and not decoded and call.output.strip()[:1] in "[{":
        return call.output, not (call.truncated or call.output.strip().endswith("..."))
    return value, True


REAL_ERROR_TYPE = EXECUTION_ERROR  # a semantic failure reported by the real tool
ERROR_MESSAGE_CHARS = 300
# a plain-text real output (pages, logs, file contents) is trained as its first this-many characters
# (cut at a word boundary): the shape and opening of the answer fit the training budget, a cut JSON
# value never occurs (structured outputs are kept whole)
TEXT_TARGET_CHARS = 600


def target_output(c: RealCall) -> Any:
    """What the simulator should answer for ``c``: the decoded real output (plain text: its first
    ``TEXT_TARGET_CHARS``), or for a real error the canonical error payload carrying the real
    message (the recorder's ``error`` text when the output is empty)."""
    value = real_value(c)[0]
    if not c.is_error:
        if isinstance(value, str) and len(value) > TEXT_TARGET_CHARS:
            cut = value[:TEXT_TARGET_CHARS]
            return cut[: cut.rfind(" ")] if " " in cut[TEXT_TARGET_CHARS // 2 :] else cut
        return value
    msg = value.get("message") or value.get("error") if isinstance(value, dict) else value
    text = msg if isinstance(msg, str) else ("" if msg is None else str(msg))
    text = (
        " ".join((text if text.strip() else c.error).split())[:ERROR_MESSAGE_CHARS]
        or "The tool call failed."
    )
    return error_payload(REAL_ERROR_TYPE, text, None)


_TOKEN = re.compile(r"\w+", re.UNICODE)


def token_f1(real: str, sim: str) -> float:
    """SQuAD-style token F1 (lower-cased word tokens) of ``sim`` against ``real``."""
    a, b = Counter(_TOKEN.findall(real.lower())), Counter(_TOKEN.findall(sim.lower()))
    if not a or not b:
        return float(a == b)
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(b.values()), common / sum(a.values())
    return 2 * p * r / (p + r)


def text_f1(real: Any, sim: Any) -> float | None:
    """Token F1 for a plain-text real output (a non-text simulated output is compared as its JSON
    text); None when the real output is not text."""
    if not isinstance(real, str):
        return None
    return token_f1(
        real, sim if isinstance(sim, str) else json.dumps(sim, ensure_ascii=False, default=str)
    )


def _shape(v: Any, depth: int = 0) -> Any:
    t = _json_type(v)
    if depth >= 2:
        return t
    if t == "object":
        return {str(k): _shape(x, depth + 1) for k, x in v.items()}
    if t == "array":
        return [_shape(v[0], depth + 1)] if v else []
    return t


def _shape_match(real: Any, sim: Any) -> bool:
    if isinstance(real, dict):
        return (
            isinstance(sim, dict)
            and set(real) == set(sim)
            and all(_shape_match(real[k], sim[k]) for k in real)
        )
    if isinstance(real, list):
        return isinstance(sim, list) and (not real or not sim or _shape_match(real[0], sim[0]))
    return real == sim


def schema_agrees(real: Any, sim: Any) -> bool:
    """Same keys and JSON types (objects compared one level deep, lists by their first item)."""
    return _shape_match(_shape(real), _shape(sim))


def _scalar_eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    return a is None and b is None


def value_agreement(real: Any, sim: Any) -> float | None:
    """Share of the real output's scalar fields (the value itself, or top-level fields of an
    object) that the simulated output reproduces exactly; None when it has none."""
    if not isinstance(real, dict | list):
        return 1.0 if _scalar_eq(real, sim) else 0.0
    if isinstance(real, dict):
        keys = [k for k, v in real.items() if not isinstance(v, dict | list)]
        if not keys:
            return None
        s = sim if isinstance(sim, dict) else {}
        return sum(1 for k in keys if k in s and _scalar_eq(real[k], s[k])) / len(keys)
    return None


@dataclass
class Tally:
    n: int = 0
    err_ok: int = 0
    real_errors: int = 0
    sim_errors: int = 0
    schema_n: int = 0
    schema_ok: int = 0
    value_n: int = 0
    value_sum: float = 0.0
    text_n: int = 0
    text_sum: float = 0.0
    no_answer: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        real_err: bool,
        sim_err: bool,
        schema: bool | None,
        value: float | None,
        text: float | None = None,
        silent: bool = False,
    ) -> None:
        self.n += 1
        self.no_answer += silent
        self.err_ok += real_err == sim_err
        self.real_errors += real_err
        self.sim_errors += sim_err
        if schema is not None:
            self.schema_n += 1
            self.schema_ok += schema
        if value is not None:
            self.value_n += 1
            self.value_sum += value
        if text is not None:
            self.text_n += 1
            self.text_sum += text

    def figures(self) -> dict[str, Any]:
        return {
            "n_calls": self.n,
            "error_agreement": self.err_ok / self.n if self.n else None,
            "schema_agreement": self.schema_ok / self.schema_n if self.schema_n else None,
            "value_agreement": self.value_sum / self.value_n if self.value_n else None,
            "text_f1": self.text_sum / self.text_n if self.text_n else None,
            "no_answer_rate": self.no_answer / self.n if self.n else None,
            "real_errors": self.real_errors,
            "sim_errors": self.sim_errors,
            "n_schema_compared": self.schema_n,
            "n_value_compared": self.value_n,
            "n_text_compared": self.text_n,
            **self.extra,
        }


def episode_key(c: RealCall) -> str:
    """The episode a call belongs to (file-scoped); a call without an episode stands alone."""
    return f"{c.file}|{c.episode}" if c.episode is not None else f"{c.file}|#{c.line}"


def with_history(calls: Sequence[RealCall]) -> list[tuple[RealCall, list[dict[str, Any]]]]:
    """Every call with the earlier *real* calls of its episode as history (at most
    ``HISTORY_LIMIT``): episodes in step order, first-seen order kept. Each earlier output is what
    the simulator answers in its place (``target_output``): a real failure reads as the canonical
    error payload, as in a simulated session's history, so the prompt tells a failure from an
    answer the same way in training, serving and the audit (a failure's text alone,
    ``"Timeout error..."``, reads as an answer)."""
    order: dict[str, list[RealCall]] = defaultdict(list)
    for c in calls:
        order[episode_key(c)].append(c)
    out: list[tuple[RealCall, list[dict[str, Any]]]] = []
    for eps in order.values():
        eps.sort(key=lambda c: (c.step, c.line))
        for i, c in enumerate(eps):
            hist = [
                {"tool": h.tool, "arguments": h.arguments, "output": target_output(h)}
                for h in eps[max(0, i - HISTORY_LIMIT) : i]
            ]
            out.append((c, hist))
    return out


class SpecIndex:
    """Specs of the real calls' tools: by (mcp_server, name), then by name, else one built from the
    call (``spec_from_call``; such tools are remembered in ``built``)."""

    def __init__(self, tools_files: Sequence[str | Path]) -> None:
        self.by_server, self.by_name, self.rejects = load_specs(tools_files)
        self.built: dict[str, ToolSpec] = {}

    def spec(self, c: RealCall) -> ToolSpec:
        spec = self.by_server.get((c.mcp_server, c.tool)) if c.mcp_server else None
        spec = spec or (self.by_name[c.tool][0] if self.by_name.get(c.tool) else None)
        return spec or self.built.get(c.tool) or self.built.setdefault(c.tool, spec_from_call(c))

    def is_built(self, c: RealCall, spec: ToolSpec) -> bool:
        return c.tool in self.built and spec is self.built[c.tool]


def load_all_calls(calls_files: Sequence[str | Path]) -> tuple[list[RealCall], list[Reject]]:
    calls: list[RealCall] = []
    rejects: list[Reject] = []
    for f in calls_files:
        c, r = load_calls(f)
        calls += c
        rejects += r
    return calls, rejects


def _round_robin(replay: list, limit: int) -> list:
    """At most ``limit`` items: a prefix of each file, shared round-robin between the files."""
    by_file: dict[str, list[int]] = defaultdict(list)
    for i, (c, _) in enumerate(replay):
        by_file[c.file].append(i)
    keep: list[int] = []
    depth = 0
    while len(keep) < limit:
        for idx in by_file.values():
            if depth < len(idx) and len(keep) < limit:
                keep.append(idx[depth])
        depth += 1
    return [replay[i] for i in sorted(keep)]


def audit(
    calls_files: Sequence[str | Path],
    tools_files: Sequence[str | Path],
    backend,
    *,
    model: dict[str, Any],
    limit: int | None = None,
    batch_size: int = 32,
    seed: int = 0,
    max_retries: int = 1,
    lenient_types: bool = True,
    progress: bool = False,
    select: set[tuple[str, int]] | None = None,
    examples: ExampleIndex | None = None,
    error_confidence: float = ERROR_CONFIDENCE,
    error_evidence: bool = True,
    without: Sequence[str] = (),
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The audit report (one JSON object) and one row per replayed call. ``select`` keeps only the
    calls whose (file name, line) it holds (e.g. the held-out part of ``real_split``);
    histories are still the episode's earlier real calls. ``examples`` shows the simulator
    recorded calls of the same or nearest tools (never of the replayed call's own episode).
    ``limit`` bounds the replayed calls, shared round-robin between the files (a prefix of each
    file, episodes in order). ``backend`` may be a ``baselines.RecordCopy``; ``without``
    switches engine rules off (``simulator.rules.RULES``)."""
    from gtm_core.evaluation.baselines import RecordCopy
    from gtm_core.evaluation.runner import simulate_calls
    from gtm_core.simulator.silence import no_answer

    index = SpecIndex(tools_files)
    calls, rejects = load_all_calls(calls_files)
    replay = with_history(calls)
    if select is not None:
        replay = [(c, h) for c, h in replay if (c.file, c.line) in select]
    if limit is not None and len(replay) > limit:
        replay = _round_robin(replay, limit)
    items = []
    if examples is not None:
        examples.prefetch(index.spec(c) for c, _ in replay)
    for c, hist in replay:
        spec = index.spec(c)
        if (
            examples is not None and "relaxed_spec" not in without
        ):  # as the tool's recorded calls read it
            spec = examples.relaxed(spec)
        # the engine's example index shows and counts recorded calls of other episodes only
        items.append(
            (
                spec,
                SimCall(
                    spec.name,
                    c.arguments,
                    history=hist,
                    episode=episode_key(c),
                    options=SimOptions(seed=seed, use_cache=False, allow_errors=True),
                ),
            )
        )
    if isinstance(backend, RecordCopy):
        results = backend.answer(items)
    else:
        results = simulate_calls(
            backend,
            items,
            batch_size=batch_size,
            max_retries=max_retries,
            seed=seed,
            lenient_types=lenient_types,
            progress=progress,
            desc="audit",
            error_confidence=error_confidence,
            error_evidence=error_evidence,
            examples=examples,
            without=without,
        )
    overall, per_tool = Tally(), defaultdict(Tally)
    by_state, by_file = defaultdict(Tally), defaultdict(Tally)
    rows = []
    for (c, _), res in zip(replay, results, strict=True):
        real, known = real_value(c)
        sim = decode_text(res.output)[0]
        sim_err = is_error_payload(sim)
        both_ok = not c.is_error and not sim_err
        silent = not sim_err and no_answer(res.output, c.tool, c.arguments)
        schema = (schema_agrees(real, sim) and not silent) if both_ok and known else None
        value = value_agreement(real, sim) if both_ok and known else None
        text = text_f1(real, sim) if both_ok and known else None
        for t in (
            overall,
            per_tool[c.tool],
            by_state["stateful" if c.stateful else "stateless"],
            by_file[c.file],
        ):
            t.add(c.is_error, sim_err, schema, value, text, silent)
        per_tool[c.tool].extra = {
            "stateful": c.stateful,
            "spec": "built_from_call" if index.is_built(c, index.spec(c)) else "spec",
        }
        rows.append(
            {
                "file": c.file,
                "line": c.line,
                "tool": c.tool,
                "episode": c.episode or "",
                "step": c.step,
                "stateful": c.stateful,
                "real_error": c.is_error,
                "sim_error": sim_err,
                "source": res.source,
                "schema_agree": schema,
                "value_agree": value,
                "text_f1": text,
                "no_answer": silent,
                "head_prob": res.head_prob,
                "sim_output": json.dumps(res.output, ensure_ascii=False, default=str)[:2000],
            }
        )
    report = {
        **overall.figures(),
        "model": model,
        "examples_k": examples.k if examples is not None else 0,
        "without": sorted(without),
        "per_tool": {k: v.figures() for k, v in sorted(per_tool.items())},
        "by_statefulness": {k: v.figures() for k, v in sorted(by_state.items())},
        "per_file": {k: v.figures() for k, v in by_file.items()},
        "built_specs": sorted(index.built),
        "call_rejects": [r.to_row() for r in rejects][:50],
        "n_call_rejects": len(rejects),
        "n_spec_rejects": len(index.rejects),
    }
    return report, rows


# real call files of ../shared/data and the spec files they join
REAL_CALL_FILES = {
    "api_bank_calls.jsonl": "api_bank_tools.jsonl",
    "toolbench_rapidapi_real_calls.jsonl": "toolbench_rapidapi_tools.jsonl",
    "mcp_livemcpbench_real_calls.jsonl": "mcp_tools.jsonl",
    "bfcl_exec_real_outputs.jsonl": "bfcl_tools.jsonl",
}


# the visible sources by short name (``--holdout-source``, ``unseen_source``)
SOURCES = {
    "api_bank": "api_bank_calls.jsonl",
    "toolbench": "toolbench_rapidapi_real_calls.jsonl",
    "livemcpbench": "mcp_livemcpbench_real_calls.jsonl",
    "bfcl": "bfcl_exec_real_outputs.jsonl",
}


def source_file(name: str) -> str:
    """The call file of a source given by short name (``SOURCES``) or file name; ValueError naming
    the known ones."""
    if name in SOURCES:
        return SOURCES[name]
    if name in SOURCES.values():
        return name
    raise ValueError(f"source: unknown source {name!r} (known: {', '.join(SOURCES)})")


def shared_pairs(
    shared: Path | None, names: Sequence[str] | None = None
) -> tuple[list[Path], list[Path]]:
    """The visible real-call files in ``shared`` (or those named) and their spec files."""
    if shared is None:
        return [], []
    calls, tools = [], []
    for c, t in REAL_CALL_FILES.items():
        if (names is None or c in names) and (shared / c).exists():
            calls.append(shared / c)
            if (shared / t).exists():
                tools.append(shared / t)
    return calls, tools


FIDELITY = ("error_agreement", "schema_agreement", "value_agreement", "text_f1", "no_answer_rate")


def side_by_side(reports: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per part (every file, then overall) with each report's figures side by side:
    ``{"part", "n_calls", "<label> error_agreement", ...}`` (labels in the order given)."""
    parts = list(dict.fromkeys(p for r in reports.values() for p in r.get("per_file", {})))
    rows = []
    for part in [*parts, "overall"]:
        row: dict[str, Any] = {"part": part}
        for label, r in reports.items():
            fig = r if part == "overall" else r.get("per_file", {}).get(part, {})
            row.setdefault("n_calls", fig.get("n_calls", 0))
            row.update({f"{label} {m}": fig.get(m) for m in FIDELITY})
        rows.append(row)
    return rows
