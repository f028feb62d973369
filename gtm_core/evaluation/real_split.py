"""The visible real tool calls split into ``train`` and ``heldout``, deterministically by tool and
by episode, so that no held-out tool and no held-out episode is ever trained on.

Per file, tools and episodes are ranked by a content hash (no RNG state): the first tools in
that order are held out entirely (unseen tools) within a share of the file's calls, then whole
episodes (calls without an episode stand alone) up to a second share; an episode that contains
any held-out tool is held out whole, in every file, so train histories never show a held-out
output. The total held-out size is capped (``max_heldout``, shared between files by size) so
the audit replays it on a CPU.

Training rows render the train calls through ``chat_format.sft_example`` with the earlier real calls
of the episode as history, exactly as the audit replays them (``with_history``; spec joined by
``SpecIndex``). A real error becomes the canonical error payload with the real message.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from gtm_core.carg.export import GATED, target_kind
from gtm_core.carg.records import Sample
from gtm_core.chat_format import sft_example
from gtm_core.evaluation.real_traces import (
    RealCall,
    SpecIndex,
    episode_key,
    load_all_calls,
    source_file,
    target_output,
    with_history,
)
from gtm_core.simulator.examples import MIN_SIMILARITY, ExampleIndex, RealExample
from gtm_core.spec import Reject, ToolSpec

TRAIN, HELDOUT = "train", "heldout"
UNSEEN_REASONS = (
    "unseen_tool",
    "unseen_source",
)  # a tool held out entirely: no CARG sample names it either


@dataclass(frozen=True)
class RealSplitConfig:
    """``tool_frac``: share of each file's calls held out through unseen tools; ``episode_frac``: a
    further share held out through whole episodes; ``max_heldout``: cap on all held-out calls (None:
    no cap); ``salt`` changes the hash order (a different, equally deterministic split);
    ``unseen_source``: one source (``real_traces.SOURCES`` name or file) held out whole: its calls,
    tools and records are seen by nothing (leave-one-source-out), outside the cap;
    ``unrecorded_frac``: share of the train rows (hash-chosen) rendered without recorded examples,
    as the simulator serves a tool nobody recorded: the model learns the tool's answer from its
    spec and the session alone, not only by adapting a record."""

    tool_frac: float = 0.15
    episode_frac: float = 0.15
    max_heldout: int | None = 400
    salt: str = "gtm-real-split-v1"
    unseen_source: str | None = None
    unrecorded_frac: float = 0.35

    def __post_init__(self) -> None:
        for name in ("tool_frac", "episode_frac", "unrecorded_frac"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{name}: must be within [0, 1] (got {v})")
        if self.tool_frac + self.episode_frac > 1:
            raise ValueError(
                "tool_frac + episode_frac: must be at most 1 "
                f"(got {self.tool_frac + self.episode_frac})"
            )
        if self.max_heldout is not None and self.max_heldout < 0:
            raise ValueError(f"max_heldout: must be >= 0 or None (got {self.max_heldout})")
        if self.unseen_source is not None:
            try:
                source_file(self.unseen_source)
            except ValueError as e:
                raise ValueError(f"unseen_{e}") from None

    @property
    def unseen_file(self) -> str | None:
        """The call file held out whole, if any."""
        return source_file(self.unseen_source) if self.unseen_source else None


@dataclass
class RealTrace:
    """One real call, its split and why (``unseen_source``, ``unseen_tool``, ``heldout_episode``,
    ``episode_has_unseen_tool``, ``train``)."""

    file: str
    line: int
    tool: str
    episode: str
    step: int
    stateful: bool
    is_error: bool
    split: str
    reason: str
    n_history: int


def _rank(salt: str, *parts: str) -> str:
    return hashlib.sha256("\x1f".join((salt, *parts)).encode()).hexdigest()


def split_calls(
    calls: Sequence[RealCall], config: RealSplitConfig = RealSplitConfig()
) -> dict[tuple[str, int], tuple[str, str]]:
    """(file, line) -> (split, reason) for every call."""
    unseen = config.unseen_file
    by_file: dict[str, list[RealCall]] = defaultdict(list)
    for c in calls:
        by_file[c.file].append(c)
    total = sum(len(v) for f, v in by_file.items() if f != unseen)
    eps: dict[str, list[RealCall]] = defaultdict(list)
    for c in calls:
        eps[episode_key(c)].append(c)
    held_tools: set[str] = {c.tool for c in by_file.get(unseen or "", ())}
    held_eps: dict[str, str] = {}
    for f, fcalls in by_file.items():
        if f == unseen:
            continue
        share = len(fcalls) / total if total else 0.0
        cap = config.max_heldout * share if config.max_heldout is not None else math.inf
        tool_budget = min(
            config.tool_frac * len(fcalls),
            cap * config.tool_frac / max(config.tool_frac + config.episode_frac, 1e-9),
        )
        budget = min((config.tool_frac + config.episode_frac) * len(fcalls), cap)
        held = 0
        f_eps = {episode_key(c) for c in fcalls}
        tools = sorted({c.tool for c in fcalls}, key=lambda t: _rank(config.salt, f, t))
        for t in tools:
            pulled = {e for e in f_eps if e not in held_eps and any(c.tool == t for c in eps[e])}
            cost = sum(len(eps[e]) for e in pulled)
            if held + cost > tool_budget:
                continue
            held_tools.add(t)
            for e in pulled:
                held_eps[e] = "episode_has_unseen_tool"
            held += cost
        for e in sorted(f_eps - set(held_eps), key=lambda e: _rank(config.salt, e)):
            if held + len(eps[e]) > budget:
                continue
            held_eps[e] = "heldout_episode"
            held += len(eps[e])
    for e, ecalls in eps.items():  # a held-out tool name holds out its episodes in every file
        if e not in held_eps and any(c.tool in held_tools for c in ecalls):
            held_eps[e] = "episode_has_unseen_tool"
    out = {}
    for c in calls:
        if c.file == unseen:
            out[(c.file, c.line)] = (HELDOUT, "unseen_source")
        elif c.tool in held_tools:
            out[(c.file, c.line)] = (HELDOUT, "unseen_tool")
        elif episode_key(c) in held_eps:
            out[(c.file, c.line)] = (HELDOUT, held_eps[episode_key(c)])
        else:
            out[(c.file, c.line)] = (TRAIN, TRAIN)
    return out


@dataclass
class RealSplit:
    traces: list[RealTrace]
    examples: list[dict[str, Any]]  # train rows: sample_id, tool, episode, file, line, messages
    heldout: set[tuple[str, int]]
    heldout_tools: set[str]
    rejects: list[Reject]

    def rows(self) -> list[dict[str, Any]]:
        return [asdict(t) for t in self.traces]


def _example_records(items: Sequence[tuple[RealCall, ToolSpec, Any, str]]) -> list[RealExample]:
    """Train calls as example records: the ones the model could answer are shown; a ``gated_call``
    is kept as evidence of spec drift only (``ExampleIndex.relaxed``)."""
    return [
        RealExample(
            c.tool,
            spec.description,
            c.arguments,
            target,
            episode_key(c),
            gated=kind == GATED,
            response=spec.response_schema,
        )
        for c, spec, target, kind in items
    ]


def unrecorded(call: RealCall, config: RealSplitConfig) -> bool:
    """Whether ``call``'s train row is shown without recorded examples (a content hash below
    ``config.unrecorded_frac``)."""
    h = int(_rank(config.salt, "unrecorded", call.file, str(call.line))[:8], 16)
    return h / 0xFFFFFFFF < config.unrecorded_frac


def build_split(
    calls_files: Sequence[str | Path],
    tools_files: Sequence[str | Path],
    config: RealSplitConfig = RealSplitConfig(),
    *,
    examples_k: int = 0,
    min_similarity: float = MIN_SIMILARITY,
    embedder: Any = None,
) -> RealSplit:
    """Load, split and render the real calls of ``calls_files`` (specs joined from ``tools_files``).
    With ``examples_k`` > 0 each train row shows that many recorded examples of the train part
    (``ExampleIndex``; the row's own episode left out), as the simulator serves them, but the
    ``config.unrecorded_frac`` of rows that show none (``unrecorded``)."""
    calls, rejects = load_all_calls(calls_files)
    split = split_calls(calls, config)
    index = SpecIndex(tools_files)
    traces, train = [], []
    for c, hist in with_history(calls):
        part, reason = split[(c.file, c.line)]
        traces.append(
            RealTrace(
                c.file,
                c.line,
                c.tool,
                c.episode or "",
                c.step,
                c.stateful,
                c.is_error,
                part,
                reason,
                len(hist),
            )
        )
        if part == TRAIN:
            spec, target = index.spec(c), target_output(c)
            train.append((c, hist, spec, target, target_kind(spec, c.arguments, target, "real")))
    shots = (
        ExampleIndex(
            _example_records([(c, sp, t, k) for c, _, sp, t, k in train]),
            k=examples_k,
            min_similarity=min_similarity,
            embedder=embedder,
        )
        if examples_k
        else None
    )
    examples = []
    for c, hist, spec, target, kind in train:
        ex = (
            shots.for_tool(spec, exclude_episode=episode_key(c))
            if shots is not None and not unrecorded(c, config)
            else None
        )
        msgs = sft_example(spec, c.arguments, target, hist or None, ex or None)["messages"]
        examples.append(
            {
                "sample_id": f"real:{c.file}:{c.line}",
                "tool": c.tool,
                "episode": c.episode or "",
                "file": c.file,
                "line": c.line,
                "is_error": c.is_error,
                "messages": msgs,
                "kind": kind,
            }
        )  # gated_call: not a target
    heldout = {k for k, (p, _) in split.items() if p == HELDOUT}
    tools = {t.tool for t in traces if t.reason in UNSEEN_REASONS}
    return RealSplit(traces, examples, heldout, tools, rejects)


def train_example_index(
    calls_files: Sequence[str | Path],
    tools_files: Sequence[str | Path],
    traces: pd.DataFrame | None = None,
    config: RealSplitConfig = RealSplitConfig(),
    *,
    k: int = 2,
    min_similarity: float = MIN_SIMILARITY,
    embedder: Any = None,
) -> ExampleIndex:
    """The recorded examples the simulator may show: the train part of the split only (from a
    stored ``real_traces`` table when it covers these files), so held-out calls never leak."""
    keep = selection(calls_files, TRAIN, traces, config) or set()
    calls, _ = load_all_calls(calls_files)
    index = SpecIndex(tools_files)
    items = []
    for c in calls:
        if (c.file, c.line) in keep:
            spec, target = index.spec(c), target_output(c)
            items.append((c, spec, target, target_kind(spec, c.arguments, target, "real")))
    return ExampleIndex(
        _example_records(items), k=k, min_similarity=min_similarity, embedder=embedder
    )


def shared_example_index(
    settings: Any, traces: pd.DataFrame | None = None, exclude: Sequence[str] = ()
) -> ExampleIndex | None:
    """The ``train_example_index`` of the shared real-call files under ``settings`` but the call
    files named in ``exclude`` (None when there are none or ``real_examples_k`` is 0)."""
    from gtm_core.embed import Embedder
    from gtm_core.evaluation.real_traces import REAL_CALL_FILES, shared_pairs

    calls, tools = shared_pairs(
        settings.shared_data(), [f for f in REAL_CALL_FILES if f not in exclude]
    )
    if not calls or settings.real_examples_k <= 0:
        return None
    return train_example_index(
        calls,
        tools,
        traces,
        split_config(settings),
        k=settings.real_examples_k,
        min_similarity=settings.real_examples_min_similarity,
        embedder=Embedder(settings.embedder_model),
    )


def files_digest(paths: Sequence[str | Path]) -> str:
    """Hash of the files' names and contents (the data version of the split)."""
    h = hashlib.sha256()
    for p in sorted(Path(x) for x in paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def unseen_tools(traces: pd.DataFrame) -> set[str]:
    """Names of the tools held out entirely (never trained on, not even through CARG samples)."""
    return set(traces.loc[traces["reason"].isin(UNSEEN_REASONS), "tool"]) if len(traces) else set()


def touches_tools(sample: Sample, tools: set[str]) -> bool:
    """Whether a CARG sample's target or history names one of ``tools``."""
    return sample.tool_name in tools or any(h.get("tool") in tools for h in sample.history or [])


def real_sft_rows(
    examples: pd.DataFrame, val_frac: float = 0.05, salt: str = RealSplitConfig.salt
) -> pd.DataFrame:
    """The train calls as SFT rows (scenario ``real``): a hash-chosen ``val_frac`` of the episodes
    goes to ``val``, the rest to ``train``. ``examples`` is the ``real_examples`` table."""
    cols = ["sample_id", "split", "scenario", "tool_uid", "field_key", "messages", "kind"]
    if not len(examples):
        return pd.DataFrame(columns=cols)
    if not 0 <= val_frac < 1:
        raise ValueError(f"real_val_frac: must be within [0, 1) (got {val_frac})")

    def part(r: dict[str, Any]) -> str:
        key = f"{r['file']}|{r['episode']}" if r["episode"] else r["sample_id"]
        return "val" if int(_rank(salt, "val", key)[:8], 16) / 0xFFFFFFFF < val_frac else "train"

    recs = examples.to_dict("records")
    return pd.DataFrame(
        {
            "sample_id": [r["sample_id"] for r in recs],
            "split": [part(r) for r in recs],
            "scenario": "real",
            "tool_uid": [f"real:{r['file']}:{r['tool']}" for r in recs],
            "field_key": "real",
            "messages": [
                json.loads(r["messages"]) if isinstance(r["messages"], str) else r["messages"]
                for r in recs
            ],
            "kind": [r.get("kind") or "real" for r in recs],
        },
        columns=cols,
    )


# heldout: the held-out calls of the trained sources; unseen_source: the calls
# of the source held out whole
PARTS = ("heldout", "unseen_source", "train", "all")


def split_config(settings: Any) -> RealSplitConfig:
    """The split the main job makes under ``settings`` (its ``unseen_source``)."""
    return RealSplitConfig(unseen_source=settings.unseen_source_name)


def _part(split: str, reason: str) -> str:
    return "unseen_source" if reason == "unseen_source" else split


def selection(
    calls_files: Sequence[str | Path],
    part: str,
    traces: pd.DataFrame | None = None,
    config: RealSplitConfig = RealSplitConfig(),
) -> set[tuple[str, int]] | None:
    """The (file name, line) keys of one part of the split (None for ``all``): from a stored
    ``real_traces`` table when one is given and covers these files, else computed from the files
    under ``config``."""
    if part not in PARTS:
        raise ValueError(f"split: must be one of {', '.join(PARTS)} (got {part!r})")
    if part == "all":
        return None
    names = {Path(f).name for f in calls_files}
    if traces is not None and len(traces) and names <= set(traces["file"]):
        parts = [_part(p, r) for p, r in zip(traces["split"], traces["reason"], strict=True)]
        return {
            (f, int(n))
            for f, n, p in zip(traces["file"], traces["line"], parts, strict=True)
            if f in names and p == part
        }
    calls, _ = load_all_calls(calls_files)
    return {k for k, (p, r) in split_calls(calls, config).items() if _part(p, r) == part}
