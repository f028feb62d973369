"""Reading spec files: one JSON document (object or array) or JSON Lines, never raising.

Every record comes back as ``(where, value)``; a record that cannot be read (bad JSON, duplicated
key inside an object, not UTF-8) comes back as ``(where, ReadFailure(reason))`` so the caller can
keep it as a reject and carry on with the rest of the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class ReadFailure:
    """A record (or a whole file) that could not be read, with the reason."""

    reason: str
    text: str = ""


class _DupDict(dict):
    """A JSON object in which some key occurred more than once."""

    dup_keys: list[str]


def _parse(text: str) -> tuple[Any, bool]:
    """Parse JSON; also say whether some object repeated a key (those objects become _DupDict)."""
    found: list[bool] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        d = dict(pairs)
        if len(d) != len(pairs):
            seen: set[str] = set()
            d = _DupDict(d)
            d.dup_keys = [k for k, _ in pairs if k in seen or seen.add(k)]
            found.append(True)
        return d

    value = json.loads(text, object_pairs_hook=hook)
    return value, bool(found)


def _first_dup(value: Any) -> str | None:
    """The first duplicated key anywhere inside ``value`` (None if there is none)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, _DupDict):
            return v.dup_keys[0]
        if isinstance(v, dict):
            stack.extend(x for x in v.values() if isinstance(x, dict | list))
        elif isinstance(v, list):
            stack.extend(x for x in v if isinstance(x, dict | list))
    return None


def loads_checked(text: str) -> Any:
    """``json.loads`` that raises ValueError("duplicated key 'x'") for repeated object keys."""
    value, dup = _parse(text)
    if dup:
        raise ValueError(f"duplicated key {_first_dup(value)!r}")
    return value


def _decode(data: bytes) -> tuple[str, list[tuple[int, str]]]:
    """Text of ``data``; lines that are not UTF-8 are blanked and reported as (line, reason)."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    lines, bad = [], []
    for i, raw in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8-sig" if i == 1 else "utf-8"))
        except UnicodeDecodeError as e:
            bad.append((i, f"not UTF-8 text ({e.reason} at byte {e.start})"))
            lines.append("")
    return "\n".join(lines), bad


def read_records(path: str | Path) -> Iterator[tuple[str, Any]]:
    """Yield ``(where, record)`` for every record of a JSON or JSON Lines file.

    ``where`` is ``"line N"`` (JSON Lines), ``"item N"`` (elements of a top-level JSON array) or
    ``"file"``. Problems yield ``ReadFailure`` values instead of raising.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        yield "file", ReadFailure(f"cannot read file: {e.strerror or e}")
        return
    text, bad_lines = _decode(data)
    stripped = text.lstrip()
    if not stripped:
        yield "file", ReadFailure("file is empty")
        return
    if stripped[0] in "[{" and not bad_lines:
        try:
            doc, any_dup = _parse(text)
        except json.JSONDecodeError as e:
            doc, any_dup = (
                e,
                False,
            )  # maybe JSON Lines ("Extra data") or broken JSON: read line by line below
        if not isinstance(doc, json.JSONDecodeError):
            items = doc if isinstance(doc, list) else [doc]
            label = "item" if isinstance(doc, list) else None
            one_line = "\n" not in text.strip()
            for i, rec in enumerate(items, 1):
                where = f"{label} {i}" if label else ("line 1" if one_line else "file")
                dup = _first_dup(rec) if any_dup else None
                yield (
                    where,
                    (
                        ReadFailure(f"duplicated key {dup!r}", json.dumps(rec, default=str)[:2000])
                        if dup is not None
                        else rec
                    ),
                )
            return
    bad = dict(bad_lines)
    for i, line in enumerate(text.split("\n"), 1):
        if i in bad:
            yield f"line {i}", ReadFailure(bad[i])
            continue
        s = line.strip()
        if not s:
            continue
        try:
            yield f"line {i}", loads_checked(s)
        except json.JSONDecodeError as e:
            yield f"line {i}", ReadFailure(f"not valid JSON: {e.msg} (column {e.colno})", s[:2000])
        except (ValueError, RecursionError) as e:
            yield f"line {i}", ReadFailure(str(e), s[:2000])
