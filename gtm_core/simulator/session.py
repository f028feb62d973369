"""Sessions (history + state version), the state-aware result cache, and the replay log.

A session's history feeds the prompt of every later call (multi-turn consistency). Calls to
state-changing tools (create/update/delete/send/set... verbs, overridable per tool) bump the
session's state version, which is part of every cache key: reads after a write miss the cache.
``reset(seed)`` starts a session over; the replay log records each call with its seed and output so
an RL rollout can be reproduced call for call.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from gtm_core.spec import ToolSpec, canonical_json

_WRITE_VERBS = (
    "create|add|insert|update|upsert|edit|modify|patch|put|post|delete|remove|del|drop|clear|cancel|send|"
    "set|reset|write|save|store|upload|book|reserve|register|unregister|subscribe|unsubscribe|assign|move|"
    "rename|copy|mkdir|touch|rm|append|push|publish|submit|approve|reject|transfer|pay|purchase|buy|order|"
    "enable|disable|start|stop|close|open|archive|restore|mark|tag|like|follow|unfollow|share|invite|"
    "schedule|apply|deposit|withdraw|modify|change|make|generate_and_save"
)
_WRITE_RE = re.compile(rf"^(?:{_WRITE_VERBS})(?:$|[_\-.A-Z0-9])")


def _words(name: str) -> list[str]:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return [w for w in re.split(r"[_\-.\s]+", snake.lower()) if w]


def is_state_changing(spec: ToolSpec, overrides: dict[str, bool] | None = None) -> bool:
    """Whether calling ``spec`` changes backend state. Explicit wins: ``overrides[name]``, then
    ``spec.meta['state_changing']``; otherwise a verb heuristic on the tool name (first word, or
    any word for names like ``calendar_create_event``)."""
    if overrides and spec.name in overrides:
        return bool(overrides[spec.name])
    meta = spec.meta.get("state_changing")
    if isinstance(meta, bool):
        return meta
    return name_writes(spec.name)


def name_writes(name: str) -> bool:
    """The verb heuristic of ``is_state_changing`` on a tool name alone."""
    return any(_WRITE_RE.match(w) for w in _words(name)[:3])


@dataclass
class Session:
    """One simulated environment: ordered history, state version, seed and replay log."""

    id: str
    seed: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    state_version: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    touched: float = field(default_factory=time.time)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def call_seed(self, index: int | None = None) -> int:
        """The seed of call number ``index`` (default: the next call): derived from the session
        seed so a reset with the same seed replays identically."""
        i = len(self.log) if index is None else index
        return (self.seed * 1_000_003 + i * 7919 + 17) % (2**31 - 1)

    def reset(self, seed: int | None = None) -> None:
        with self.lock:
            if seed is not None:
                self.seed = int(seed)
            self.history.clear()
            self.log.clear()
            self.state_version += 1  # never reuse a version: stale cache keys stay unreachable

    def record(
        self,
        tool: str,
        arguments: Any,
        output: Any,
        *,
        source: str,
        seed: int | None,
        state_changing: bool,
        max_history: int,
    ) -> int:
        """Log a call and return its index in the log. An answered call also enters the history,
        and a successful write bumps the state version; a call the simulator could not answer
        (source ``error``) is only logged."""
        with self.lock:
            if source != "error":
                self.history.append({"tool": tool, "arguments": arguments, "output": output})
                if max_history and len(self.history) > max_history:
                    del self.history[: len(self.history) - max_history]
                is_err = isinstance(output, dict) and set(output) == {"error"}
                if state_changing and not is_err:
                    self.state_version += 1
                self.touched = time.time()
            entry = {"index": len(self.log), "tool": tool, "arguments": arguments, "seed": seed}
            entry.update(output=output, source=source, state_version=self.state_version)
            self.log.append(entry)
            return len(self.log) - 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.id,
            "seed": self.seed,
            "state_version": self.state_version,
            "calls": len(self.log),
            "history": self.history,
        }


class SessionStore:
    """Thread-safe sessions by id, with LRU eviction beyond ``max_sessions`` and expiry of
    sessions untouched for ``ttl_s`` seconds (None: never), so abandoned RL trajectories cannot
    grow memory. ``expired`` counts both kinds of eviction."""

    def __init__(self, max_sessions: int = 10_000, ttl_s: float | None = None):
        if max_sessions < 1:
            raise ValueError("max_sessions: must be >= 1")
        if ttl_s is not None and ttl_s <= 0:
            raise ValueError("ttl_s: must be > 0 (or None for no expiry)")
        self.max_sessions, self.ttl_s = max_sessions, ttl_s
        self._s: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        self.expired = 0

    def _expire(self, now: float) -> None:
        """Drop idle sessions from the LRU end (oldest first); caller holds the lock."""
        if self.ttl_s is None:
            return
        while self._s:
            s = next(iter(self._s.values()))
            if now - s.touched <= self.ttl_s:
                break
            self._s.popitem(last=False)
            self.expired += 1

    def create(self, seed: int = 0, session_id: str | None = None) -> Session:
        with self._lock:
            now = time.time()
            self._expire(now)
            sid = session_id or uuid.uuid4().hex
            s = self._s.get(sid)
            if s is None:
                s = self._s[sid] = Session(id=sid, seed=int(seed))
            s.touched = now
            self._s.move_to_end(sid)
            while len(self._s) > self.max_sessions:
                self._s.popitem(last=False)
                self.expired += 1
            return s

    def get(self, session_id: str) -> Session | None:
        with self._lock:
            now = time.time()
            self._expire(now)
            s = self._s.get(session_id)
            if s is not None:
                s.touched = now
                self._s.move_to_end(session_id)
            return s

    def get_or_create(self, session_id: str, seed: int = 0) -> Session:
        return self.get(session_id) or self.create(seed, session_id)

    def delete(self, session_id: str) -> bool:
        with self._lock:
            return self._s.pop(session_id, None) is not None

    def __len__(self) -> int:
        with self._lock:
            self._expire(time.time())
            return len(self._s)


class ResultCache:
    """LRU cache of simulated outputs keyed on (tool, canonical arguments, session, state
    version)."""

    def __init__(self, max_entries: int = 100_000):
        self.max_entries = max_entries
        self._d: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def key(tool: str, arguments: Any, session_id: str | None, state_version: int) -> tuple:
        return (tool, canonical_json(arguments), session_id or "", state_version)

    def get(self, key: tuple) -> tuple[bool, Any]:
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                self.hits += 1
                return True, self._d[key]
            self.misses += 1
            return False, None

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.max_entries:
                self._d.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()

    def __len__(self) -> int:
        return len(self._d)


class ReplayMismatch(ValueError):
    """A replayed call differs from the logged one (tool or arguments)."""


class Replayer:
    """Serves a recorded log back call for call, checking each call matches the recording."""

    def __init__(self, log: list[dict[str, Any]]):
        self.log = list(log)
        self.pos = 0

    def next(self, tool: str, arguments: Any) -> Any:
        if self.pos >= len(self.log):
            raise ReplayMismatch(f"call {self.pos}: the log has only {len(self.log)} calls")
        rec = self.log[self.pos]
        if rec["tool"] != tool or canonical_json(rec["arguments"]) != canonical_json(arguments):
            raise ReplayMismatch(
                f"call {self.pos}: expected "
                f"{rec['tool']}({canonical_json(rec['arguments'])[:200]}), "
                f"got {tool}({canonical_json(arguments)[:200]})"
            )
        self.pos += 1
        return rec["output"]
