"""Recorded real calls as in-context examples and as evidence about their tools (StableToolBench's
cache fallback, MirrorAPI's real pairs).

An ``ExampleIndex`` holds real (tool, arguments, output) records. For the tool of a call it returns
a few of them (``for_tool``): first recorded calls of the same tool (other episodes only, so a call
never sees its own episode's outputs), then one answered call each of the nearest *other* tools by
MiniLM cosine similarity over name and description, at ``min_similarity`` or above (a neighbour
never lends a failure: that was its environment's). The prompt shows them as ``EXAMPLE[j]`` lines
(``chat_format``); training rows of the ``real`` scenario are rendered with the same lookup (own
episode left out), so the model is trained on the contract it is served with.

The records are also evidence about the tool itself, and outrank its declared spec:

* ``relaxed``: a required parameter that a recorded, answered call of the same tool did without is
  not required, and a parameter it passed that the spec does not declare is accepted (typed from
  the recorded values). Such calls fail the declared gate, so they are kept as evidence
  (``gated``) but never shown;
* ``recorded_failure``: a tool whose every recorded call failed in its environment (at least
  ``MIN_RECORDED_FAILURES`` of them, other episodes) fails with one of its recorded failures;
* ``declared_form``: a tool declaring a one-field response schema answers in the form (the field's
  value bare, or the declared object) that recorded tools declaring the same schema used
  (``FORM_SHARE`` of at least ``MIN_FORM_RECORDS`` answers; read by ``response_format``).

Records belong to a tool by its name *and* the opening of its description (``tool_key``), as
servers reuse names: a same-named tool of another server neither shows its records as the tool's
own nor lends them as evidence, and is never a neighbour.

The order of records is a content hash, not an RNG: the same index answers the same examples. The
real tools' behaviour behind each rule, with the measured counts: docs/simulator.md, "Answer
rules" and "The model request".
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gtm_core.simulator.response_format import bare_field
from gtm_core.spec import ToolSpec, canonical_json
from gtm_core.tool_errors import is_error_payload, json_type, resolve_aliases

# an unrelated tool never lends its shape: nearest tools count only at this MiniLM cosine or above
MIN_SIMILARITY = 0.7
# a tool fails when at least this many recorded calls of it (other episodes) all failed
MIN_RECORDED_FAILURES = 3
# a one-field response schema takes the form (bare or declared) that at least this share of at least
# ``MIN_FORM_RECORDS`` answered records of tools declaring the same schema took
FORM_SHARE, MIN_FORM_RECORDS = 2 / 3, 3
TOOL_KEY_DESCRIPTION_CHARS = 200  # a tool is its name and the opening of its description


def tool_key(name: str, description: str) -> str:
    """Which tool a record belongs to: its name and the opening of its description (whitespace and
    case folded), so same-named tools of different servers stay apart."""
    return f"{name}\x1f{' '.join(description.split()).lower()[:TOOL_KEY_DESCRIPTION_CHARS]}"


@dataclass(frozen=True)
class RealExample:
    """One recorded real call; ``episode`` scopes the leave-own-episode-out rule; a ``gated`` call
    (one the declared spec's gate rejects) is evidence for ``ExampleIndex.relaxed``, never shown;
    ``response`` (the declared response schema of the call's spec) is evidence for
    ``declared_form``."""

    tool: str
    description: str
    arguments: dict[str, Any]
    output: Any
    episode: str
    gated: bool = False
    # the tool's declared response schema (``declared_form``)
    response: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return tool_key(self.tool, self.description)

    def item(self) -> dict[str, Any]:
        return {"tool": self.tool, "arguments": self.arguments, "output": self.output}


def _failed(e: RealExample) -> bool:
    """A recorded failure: the canonical error payload (``{"error": {"type", ...}}``), as real
    errors are recorded. An answer whose text reads ``{"error": "..."}`` but that the recorder did
    not flag (MCP servers answering "No presentation is currently loaded") is an answer."""
    return is_error_payload(e.output) and isinstance(e.output["error"], dict)


def _order(e: RealExample) -> str:
    return hashlib.sha256(
        json.dumps([e.tool, e.episode, e.arguments], sort_keys=True, default=str).encode()
    ).hexdigest()


class ExampleIndex:
    """``k`` examples per call: same-tool records first, then the nearest tools' (one each). Records
    are grouped by ``tool_key``."""

    def __init__(
        self,
        examples: Iterable[RealExample],
        *,
        k: int = 2,
        min_similarity: float = MIN_SIMILARITY,
        embedder: Any = None,
    ) -> None:
        if k < 0:
            raise ValueError(f"k: must be >= 0 (got {k})")
        if not -1 <= min_similarity <= 1:
            raise ValueError(f"min_similarity: must be within [-1, 1] (got {min_similarity})")
        self.k, self.min_similarity = k, min_similarity
        self.by_tool: dict[str, list[RealExample]] = defaultdict(list)
        # arguments of answered calls
        self._answered: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # spec uid -> ``relaxed`` (one object per spec content)
        self._relaxed: dict[str, ToolSpec] = {}
        # declared one-field schema -> forms answered
        self._forms: dict[str, Counter[str]] = defaultdict(Counter)
        for e in examples:
            if not e.gated:
                self.by_tool[e.key].append(e)
            if not is_error_payload(e.output):
                self._answered[e.key].append(e.arguments)
                if e.response is not None and bare_field(e.response) is not None:
                    props = set(e.response.get("properties") or ())
                    form = (
                        "declared"
                        if isinstance(e.output, dict) and set(e.output) == props
                        else ("bare" if not isinstance(e.output, dict) else None)
                    )
                    if form is not None:
                        self._forms[canonical_json(e.response)][form] += 1
        for rows in self.by_tool.values():
            rows.sort(key=_order)
        self.tools = sorted(self.by_tool)
        self._embedder = embedder
        self._vectors: np.ndarray | None = None
        self._query_cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_tool.values())

    @staticmethod
    def text(name: str, description: str) -> str:
        return f"{name}: {description}"[:512]

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._embedder is None:
            from gtm_core.embed import Embedder

            self._embedder = Embedder()
        return self._embedder.encode(list(texts))

    def _tool_vectors(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embed(
                    [
                        self.text(self.by_tool[t][0].tool, self.by_tool[t][0].description)
                        for t in self.tools
                    ]
                )
            return self._vectors

    def prefetch(self, specs: Iterable[ToolSpec]) -> None:
        """Embed the lookup texts of many tools in one batch (an audit's or a server's tools)."""
        if self.k == 0 or not self.tools:
            return
        self._tool_vectors()
        with self._lock:
            todo = sorted(
                {self.text(s.name, s.description) for s in specs} - set(self._query_cache)
            )
        if todo:
            vecs = self._embed(todo)
            with self._lock:
                self._query_cache.update(zip(todo, vecs, strict=True))

    def _own(self, spec: ToolSpec) -> list[RealExample]:
        return self.by_tool.get(tool_key(spec.name, spec.description), [])

    def neighbours(self, spec: ToolSpec, n: int) -> list[tuple[str, float]]:
        """The names of the ``n`` nearest recorded tools not named as ``spec``, with similarity >=
        ``min_similarity``."""
        return [(self.by_tool[key][0].tool, sim) for key, sim in self._nearest(spec, n)]

    def _nearest(
        self, spec: ToolSpec, n: int, floor: float | None = None
    ) -> list[tuple[str, float]]:
        """``neighbours`` as ``(tool_key, similarity)`` (similarity >= ``floor``, default
        ``min_similarity``)."""
        floor = self.min_similarity if floor is None else floor
        if n <= 0 or not self.tools:
            return []
        key = self.text(spec.name, spec.description)
        with self._lock:
            q = self._query_cache.get(key)
        if q is None:
            q = self._embed([key])[0]
            with self._lock:
                if len(self._query_cache) > 100_000:
                    self._query_cache.clear()
                self._query_cache[key] = q
        sims = self._tool_vectors() @ q
        out = []
        for i in np.argsort(-sims, kind="stable"):
            if sims[i] < floor:
                break
            if self.by_tool[self.tools[i]][0].tool != spec.name:
                out.append((self.tools[i], float(sims[i])))
                if len(out) == n:
                    break
        return out

    def relaxed(self, spec: ToolSpec) -> ToolSpec:
        """``spec`` as the tool's recorded, answered calls read it: without the required
        parameters one of them did without (under any spelling the gate reads,
        ``tool_errors.resolve_aliases``), and with the undeclared parameters they passed (typed
        from the recorded values); ``spec`` itself when they show no drift."""
        answered = self._answered.get(tool_key(spec.name, spec.description))
        if not answered:
            return spec
        key = spec.uid
        done = self._relaxed.get(key)
        # the same object for the same spec: callers keyed by identity keep their caches
        if done is not None:
            return done
        names = frozenset(spec.properties)
        given = [resolve_aliases(args, names) for args in answered]
        drop = {r for r in spec.required for args in given if r not in args}
        added: dict[str, set[str]] = defaultdict(set)
        if spec.parameters.get("additionalProperties") is not True:
            for args in given:
                for k, v in args.items():
                    if k not in names:
                        added[k].add("number" if json_type(v) == "integer" else json_type(v))
        if drop or added:
            props = {
                **spec.properties,
                **{
                    k: ({"type": t.pop()} if len(t) == 1 and "null" not in t else {})
                    for k, t in sorted(added.items())
                },
            }
            params = {
                **spec.parameters,
                "properties": props,
                "required": [r for r in spec.parameters.get("required") or [] if r not in drop],
            }
            spec = spec.model_copy(
                update={
                    "required": [r for r in spec.required if r not in drop],
                    "parameters": params,
                }
            )
        with self._lock:
            return self._relaxed.setdefault(key, spec)

    def declared_form(self, spec: ToolSpec) -> str | None:
        """``"bare"`` or ``"declared"`` when recorded tools declaring ``spec``'s one-field response
        schema answered in that form (``FORM_SHARE`` of at least ``MIN_FORM_RECORDS`` answers); None
        when they disagree, are too few, or the schema has no bare field."""
        declared = spec.response_schema
        counts = self._forms.get(canonical_json(declared)) if declared is not None else None
        if not counts or sum(counts.values()) < MIN_FORM_RECORDS:
            return None
        form, n = counts.most_common(1)[0]
        return form if n >= FORM_SHARE * sum(counts.values()) else None

    def recorded_failure(
        self, spec: ToolSpec, arguments: Any, exclude_episode: str | None = None
    ) -> dict[str, Any] | None:
        """One of the tool's recorded failures (picked by the arguments' hash) when at least
        ``MIN_RECORDED_FAILURES`` recorded calls of it (other episodes than ``exclude_episode``)
        exist and every one failed; else None."""
        rows = [e for e in self._own(spec) if e.episode != exclude_episode]
        if len(rows) < MIN_RECORDED_FAILURES or not all(_failed(e) for e in rows):
            return None
        pick = int(hashlib.sha256(canonical_json(arguments).encode()).hexdigest()[:8], 16) % len(
            rows
        )
        return rows[pick].output

    def for_tool(self, spec: ToolSpec, exclude_episode: str | None = None) -> list[dict[str, Any]]:
        """Up to ``k`` example items ``{"tool", "arguments", "output"}`` for a call of ``spec``: its
        own records, then one answered record of each nearest tool (another tool's failure says
        nothing of this one)."""
        if self.k == 0:
            return []
        own = [e for e in self._own(spec) if e.episode != exclude_episode]
        picked = own[: self.k]
        # a neighbour lends an answer, never its failure (its environment's)
        if len(picked) < self.k:
            for tool, _ in self._nearest(spec, len(self.tools)):
                rows = [
                    e for e in self.by_tool[tool] if e.episode != exclude_episode and not _failed(e)
                ]
                if rows:
                    picked.append(rows[0])
                    if len(picked) == self.k:
                        break
        return [e.item() for e in picked]

    def nearest_record(
        self, spec: ToolSpec, exclude_episode: str | None = None
    ) -> RealExample | None:
        """The record a cache would answer ``spec``'s call with: the tool's own first record (other
        episodes), else the first answered record of the nearest recorded tool, however far; None
        when the index holds none."""
        own = [e for e in self._own(spec) if e.episode != exclude_episode]
        if own:
            return own[0]
        for key, _ in self._nearest(spec, len(self.tools), floor=-1.0):
            rows = [e for e in self.by_tool[key] if e.episode != exclude_episode and not _failed(e)]
            if rows:
                return rows[0]
        return None
