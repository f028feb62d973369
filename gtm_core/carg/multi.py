"""Multi-turn generation (paper §4.2.2): API semantic association by greedy similarity groups,
then progressive dialogues whose last turn is the target call.

Every API is embedded from ``name: description (domain: field)``. From a seed API a group grows
greedily: the next member is the candidate whose *smallest* similarity to the members is largest,
and only candidates above ``threshold`` to every member may join, so every pair in a group is
above the threshold. Coherence = mean pairwise similarity. Neighbour lists come from one blocked
matrix product, so grouping ~17k APIs takes seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from gtm_core.carg.records import Sample, sample_id
from gtm_core.llm.base import ChatRequest, OutputParseError, extract_json, prompt_request
from gtm_core.record_state import role
from gtm_core.spec import ToolSpec

MULTI = "carg_multi"
TURN_SCHEMA = {
    "type": "object",
    "properties": {"context": {"type": "string"}, "arguments": {"type": "object"}, "output": {}},
    "required": ["context", "arguments", "output"],
}


def api_text(spec: ToolSpec) -> str:
    """The text embedded for an API: name, description and domain."""
    return (
        f"{spec.name}: {spec.description} (domain: "
        f"{spec.field or 'general'}{' / ' + spec.subfield if spec.subfield else ''})"
    )


def neighbours(emb: np.ndarray, k: int = 32, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` most similar other rows of unit-norm ``emb`` (indices,
    similarities), best first."""
    n = emb.shape[0]
    k = max(0, min(k, n - 1))
    idx = np.zeros((n, k), dtype=np.int64)
    sim = np.zeros((n, k), dtype=np.float32)
    if k == 0:
        return idx, sim
    for s in range(0, n, block):
        e = min(n, s + block)
        S = emb[s:e] @ emb.T
        S[np.arange(e - s), np.arange(s, e)] = -np.inf
        part = np.argpartition(-S, k - 1, axis=1)[:, :k]
        ps = np.take_along_axis(S, part, axis=1)
        order = np.argsort(-ps, axis=1)
        idx[s:e] = np.take_along_axis(part, order, axis=1)
        sim[s:e] = np.take_along_axis(ps, order, axis=1)
    return idx, sim


@dataclass
class Group:
    members: list[int]  # dialogue order: the target (seed) is last
    coherence: float

    @property
    def target(self) -> int:
        return self.members[-1]


def grow(
    seed: int, emb: np.ndarray, nb_idx: np.ndarray, nb_sim: np.ndarray, threshold: float, size: int
) -> list[int]:
    """Greedy group from ``seed``: add the candidate with the largest minimum similarity to the
    group while that minimum is above ``threshold``. Returns members in the order they joined."""
    cand = nb_idx[seed][nb_sim[seed] > threshold]
    group = [seed]
    if cand.size == 0:
        return group
    ce = emb[cand]
    minsim = nb_sim[seed][nb_sim[seed] > threshold].astype(np.float32).copy()
    while len(group) < size:
        j = int(np.argmax(minsim))
        if not minsim[j] > threshold:
            break
        group.append(int(cand[j]))
        minsim = np.minimum(minsim, ce @ emb[cand[j]])
        minsim[j] = -np.inf
    return group


def coherence(emb: np.ndarray, members: list[int]) -> float:
    """Mean pairwise cosine similarity of a group (NaN for a single API)."""
    if len(members) < 2:
        return float("nan")
    e = emb[members]
    s = e @ e.T
    iu = np.triu_indices(len(members), 1)
    return float(s[iu].mean())


def build_groups(
    emb: np.ndarray,
    *,
    threshold: float = 0.5,
    min_size: int = 2,
    max_size: int = 4,
    seed: int = 0,
    seeds: list[int] | None = None,
    k: int = 32,
) -> dict[int, Group]:
    """One group per seed API (all APIs by default, visited in a random order); the seed is the
    target (last) and the other members precede it, most similar last. Groups smaller than
    ``min_size`` are returned too (callers reject them)."""
    rng = random.Random(seed)
    nb_idx, nb_sim = neighbours(emb, k=max(k, max_size))
    order = list(range(emb.shape[0])) if seeds is None else list(seeds)
    rng.shuffle(order)
    out: dict[int, Group] = {}
    for s in order:
        size = rng.randint(min_size, max_size)
        g = grow(s, emb, nb_idx, nb_sim, threshold, size)
        members = list(reversed(g[1:])) + [s] if len(g) > 1 else [s]
        # most similar to the target right before it: joined first -> last before the target
        out[s] = Group(members=members, coherence=coherence(emb, members))
    return out


# the turn order of a dialogue's earlier calls by what they do to a record: created, then read,
# updated and finally deleted (tools that do none of these keep their place among the reads)
_ROLE_RANK = {"create": 0, "read": 1, "update": 2, "delete": 3}


def dialogue_order(specs: list[ToolSpec]) -> list[ToolSpec]:
    """``specs`` (the target last) with the earlier calls in record order (``record_state.role``): a
    record is created before it is read, updated or deleted, so a later read sees what the
    dialogue did to it. The target stays last."""
    *before, target = specs
    return [*sorted(before, key=lambda sp: _ROLE_RANK.get(role(sp.name) or "read")), target]


def turn_request(
    spec: ToolSpec,
    field: str,
    turn: int,
    n_turns: int,
    history: list[dict[str, Any]],
    context: str,
    seed: int | None = None,
) -> ChatRequest:
    return prompt_request(
        MULTI,
        {
            "tool": spec.to_public(),
            "field": field,
            "turn": turn,
            "n_turns": n_turns,
            "is_target": turn == n_turns - 1,
            "history": history,
            "context": context,
        },
        response_schema=TURN_SCHEMA,
        seed=seed,
    )


def parse_turn(text: str) -> tuple[dict[str, Any] | None, str]:
    """(turn, "") or (None, reason) from the teacher's answer for one turn."""
    try:
        t = extract_json(text)
    except OutputParseError as e:
        return None, str(e)
    if not isinstance(t, dict) or "arguments" not in t:
        return None, "answer has no 'arguments'"
    return t, ""


@dataclass
class Dialogue:
    """A multi-turn sample under construction."""

    sample: Sample
    specs: list[ToolSpec]
    history: list[dict[str, Any]]
    context: str = ""
    failed: str = ""

    @classmethod
    def start(
        cls,
        specs: list[ToolSpec],
        group: Group,
        *,
        field: str,
        field_key: str,
        idx: int,
        generation: str,
        teacher: str,
    ) -> Dialogue:
        target = specs[-1]
        s = Sample(
            sample_id=sample_id("multi", field_key, target.uid, 0, idx),
            scenario="multi",
            field_key=field_key,
            field=field,
            tool_uid=target.uid,
            tool_name=target.name,
            idx=idx,
            group_tools=[sp.name for sp in specs],
            coherence=group.coherence,
            generation=generation,
            teacher=teacher,
        )
        return cls(sample=s, specs=specs, history=[])

    @property
    def n_turns(self) -> int:
        return len(self.specs)

    def add(self, turn: int, text: str) -> None:
        t, why = parse_turn(text)
        if t is None:
            self.failed = f"turn {turn + 1}: {why}"
            return
        self.context = t.get("context") if isinstance(t.get("context"), str) else self.context
        if turn == self.n_turns - 1:
            self.sample.context, self.sample.arguments, self.sample.output = (
                self.context,
                t.get("arguments"),
                t.get("output"),
            )
            self.sample.history = self.history
        else:
            self.history.append(
                {
                    "tool": self.specs[turn].name,
                    "arguments": t.get("arguments"),
                    "output": t.get("output"),
                }
            )
