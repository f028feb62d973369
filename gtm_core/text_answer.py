"""How tools without a response schema answer. Plain text, the way MCP servers, command-line tools
and chat services write it: a one-line status for a tool that acts (``Successfully added footnote
to document: paragraph 0, filename report.docx.``), ``field: value`` lines for a tool that reads.
Or the bare value a function named for one thing returns (``get_stock_price_by_stock_name`` ->
``169.02``; ``named_value``). The offline teacher answers schema-less tools with text, and CARG
trains the model on both where a sample's tool is shown without its response schema."""

from __future__ import annotations

import re
from typing import Any

# first words of tool names that change state: such tools answer a status line
ACTION_VERBS = frozenset(
    "add append apply approve archive assign attach book cancel change clear close commit "
    "configure copy create deactivate delete deploy disable edit enable execute export follow "
    "format generate import insert install invite kill launch like lock login logout mark merge "
    "modify move open pause pay post publish push put register reject remove rename reply reset "
    "restart resume revoke run save schedule send set share start stop submit subscribe switch "
    "tag transfer trigger unfollow unlock unsubscribe update upload upsert write".split()
)
_PAST = {
    "send": "sent",
    "set": "set",
    "put": "put",
    "run": "ran",
    "write": "wrote",
    "reset": "reset",
    "stop": "stopped",
    "submit": "submitted",
    "commit": "committed",
    "cancel": "cancelled",
    "login": "logged in",
    "logout": "logged out",
    "upsert": "upserted",
    "pay": "paid",
    "unfollow": "unfollowed",
    "tag": "tagged",
    "kill": "killed",
    "format": "formatted",
}
DETAIL_FIELDS = 6  # fields a status line names
RECORD_LINES = 12  # lines a read result shows
VALUE_CHARS = 120


# words after which a tool's name says what it takes, not what it returns (get_rating_by_asin)
NAME_PREPOSITIONS = frozenset("by for from of in on to with at per via into using".split())

# a lower-case letter or digit followed by an upper-case one: a word boundary of camelCase names
CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])([A-Z])")


def name_words(name: str) -> list[str]:
    """A tool name's words: ``addFootnoteToDocument`` / ``add-footnote_to_document``
    -> add footnote to document."""
    spaced = CAMEL_BOUNDARY.sub(r" \1", name)
    return [w.lower() for w in re.split(r"[\s_\-.:/]+", spaced) if w]


def past_tense(verb: str) -> str:
    if verb in _PAST:
        return _PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _text(v: Any) -> str:
    s = v if isinstance(v, str) else ("true" if v is True else "false" if v is False else str(v))
    s = " ".join(s.split())
    return s if len(s) <= VALUE_CHARS else s[:VALUE_CHARS].rstrip() + "…"


def _scalars(obj: Any, limit: int) -> list[tuple[str, Any]]:
    """(field, value) pairs of ``obj``'s scalar fields, nested objects' fields after their own."""
    out: list[tuple[str, Any]] = []

    def visit(o: Any, depth: int) -> None:
        if isinstance(o, dict):
            for k, v in o.items():
                if len(out) >= limit:
                    return
                if isinstance(v, str | int | float | bool) and v != "":
                    out.append((str(k).replace("_", " "), v))
            for v in o.values():
                if depth < 2 and isinstance(v, dict):
                    visit(v, depth + 1)

    visit(obj, 0)
    return out


def _lines(value: Any) -> list[str]:
    """``value`` as text lines: ``field: value`` for an object, ``- item`` for a list's items."""
    if isinstance(value, dict):
        lines = [f"{k}: {_text(v)}" for k, v in _scalars(value, RECORD_LINES)]
        for k, v in value.items():
            if isinstance(v, list) and len(lines) < RECORD_LINES:
                lines.append(f"{str(k).replace('_', ' ')}:")
                lines += [f"  {x}" for x in _lines(v)[: RECORD_LINES - len(lines)]]
        return lines
    if isinstance(value, list):
        items = []
        for x in value[:RECORD_LINES]:
            pairs = _scalars(x, DETAIL_FIELDS) if isinstance(x, dict) else [("", x)]
            items.append("- " + ", ".join(f"{k}: {_text(v)}" if k else _text(v) for k, v in pairs))
        return items
    return [] if value is None else [_text(value)]


def text_answer(name: str, arguments: dict[str, Any], result: Any = None) -> str:
    """The plain text a schema-less tool ``name`` answers for ``arguments``; ``result`` (a record
    the call produced, if known) supplies the reported values. A tool whose name starts with a
    state-changing verb answers a status line naming the arguments (and the result's ids); any other
    tool answers a heading naming its arguments and the result as ``field: value`` lines."""
    words = name_words(name) or ["result"]
    args = _scalars(arguments or {}, DETAIL_FIELDS)
    if words[0] in ACTION_VERBS:
        subject = " ".join(words[1:]) or "request"
        known = {k for k, _ in args}
        ids = [
            (k, v)
            for k, v in _scalars(result, DETAIL_FIELDS)
            if re.search(r"(^|\s)(id|status|url|path|name)$", k) and k not in known
        ]
        details = ", ".join(f"{k} {_text(v)}" for k, v in (args + ids)[:DETAIL_FIELDS])
        return f"Successfully {past_tense(words[0])} {subject}" + (
            f": {details}." if details else "."
        )
    subject = " ".join(
        words[1:]
        if words[0] in ("get", "fetch", "list", "search", "find", "read", "query")
        and len(words) > 1
        else words
    )
    head = (
        subject[:1].upper()
        + subject[1:]
        + (" for " + ", ".join(_text(v) for _, v in args) if args else "")
    )
    body = _lines(result)
    return head + (":\n" + "\n".join(body) if body else ".")


def named_value(name: str, arguments: dict[str, Any], result: Any) -> Any:
    """The one value a tool named for it returns, taken from ``result`` (an object): the field
    whose words end the tool's name before its first preposition, not an argument, and a scalar
    (``get_rating_by_amazon_ASIN`` -> ``rating``, ``getCyclingSpeed`` -> ``speed``): a list is
    a result's records, which schema-less tools answer in many forms.
    ``None`` when no field is so named, the tool acts (``create_url``), or the name is one word."""
    if not isinstance(result, dict):
        return None
    words = name_words(name)
    cut = next((i for i, w in enumerate(words) if i and w in NAME_PREPOSITIONS), len(words))
    words = words[:cut]
    if len(words) < 2 or words[0] in ACTION_VERBS:
        return None
    for key, value in result.items():
        key_words = name_words(str(key))
        if (
            key_words
            and len(key_words) < len(words)
            and words[-len(key_words) :] == key_words
            and key not in (arguments or {})
            and isinstance(value, str | int | float | bool)
        ):
            return value
    return None
