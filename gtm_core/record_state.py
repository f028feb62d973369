"""The record state a dialogue builds up: tools that create, read, update and delete records, told
apart by the first word of their names, and the records their calls touch, keyed by the values of
their id parameters and id fields.

A multi-turn dialogue whose history wrote a record binds what a later call answers: a record read
back carries the values the dialogue set (an id created earlier is the id read later; a field
updated earlier reads back updated), and a record deleted earlier is ``not_found``. The offline
teacher writes its multi-turn targets under this state (``expect``) and CARG's ``v_state`` check
holds every teacher's targets to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gtm_core.chat_format import error_payload
from gtm_core.synth import is_id
from gtm_core.text_answer import name_words
from gtm_core.tool_errors import is_error_payload
from gtm_core.values import is_scalar, same_value

# first words of tool names, by what the call does to the record it names
ROLES: dict[str, frozenset[str]] = {
    "create": frozenset("add create insert new register open book post upload".split()),
    "read": frozenset("get read fetch retrieve show view query describe lookup".split()),
    "update": frozenset("update edit modify change set rename patch replace".split()),
    "delete": frozenset("delete remove cancel drop destroy unregister".split()),
}
NOT_FOUND = "not_found"


def role(tool_name: str) -> str | None:
    """``create`` / ``read`` / ``update`` / ``delete`` by the tool name's first word, else None."""
    words = name_words(tool_name)
    first = words[0] if words else ""
    return next((r for r, verbs in ROLES.items() if first in verbs), None)


def _key(value: Any) -> str:
    return str(value).strip().lower()


def _plain(value: Any) -> bool:
    """A value a call sets and a later read gives back as it is (a string, number or flag)."""
    return is_scalar(value) or isinstance(value, bool)


def id_values(values: dict[str, Any]) -> dict[str, Any]:
    """The scalar values of id-named fields (``order_id``, ``id``, ``userId``)."""
    return {k: v for k, v in values.items() if is_id(k) and is_scalar(v) and _key(v)}


@dataclass
class Record:
    """One record the dialogue touched: the values its calls set, and whether it was deleted."""

    fields: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False


@dataclass
class Expectation:
    """What a call must answer given the state: ``not_found`` (its record was deleted), ``record``
    (the record's known ``fields`` read back) or ``free`` (the state does not bind it)."""

    kind: str
    id_field: str = ""
    id_value: Any = None
    fields: dict[str, Any] = field(default_factory=dict)


class RecordState:
    """Records created, updated and deleted by the calls of a dialogue, in order."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}

    @classmethod
    def replay(cls, history: Sequence[dict[str, Any]]) -> RecordState:
        state = cls()
        for h in history:
            if isinstance(h, dict):
                state.apply(str(h.get("tool") or ""), h.get("arguments"), h.get("output"))
        return state

    def apply(self, tool_name: str, arguments: Any, output: Any) -> None:
        """Fold one call into the state (a failed call changes nothing)."""
        act = role(tool_name)
        if act is None or not isinstance(arguments, dict) or is_error_payload(output):
            return
        ids = id_values(arguments)
        set_fields = {k: v for k, v in arguments.items() if _plain(v) and k not in ids}
        if act == "create":
            made = id_values(output) if isinstance(output, dict) else {}
            rec = Record(fields={**set_fields, **ids, **made})
            for v in {**ids, **made}.values():
                self.records[_key(v)] = rec
        elif act == "update":
            for v in ids.values():
                rec = self.records.setdefault(_key(v), Record(fields=dict(ids)))
                if not rec.deleted:
                    rec.fields.update(set_fields)
        elif act == "delete":
            for v in ids.values():
                self.records.setdefault(_key(v), Record(fields=dict(ids))).deleted = True

    def expect(self, tool_name: str, arguments: Any) -> Expectation:
        """What a call of ``tool_name`` with ``arguments`` must answer under this state."""
        act = role(tool_name)
        if act in (None, "create") or not isinstance(arguments, dict):
            return Expectation("free")
        known = [(k, v) for k, v in id_values(arguments).items() if _key(v) in self.records]
        for k, v in known:
            if self.records[_key(v)].deleted:
                return Expectation(NOT_FOUND, k, v)
        if act == "read" and known:
            k, v = known[0]
            return Expectation("record", k, v, dict(self.records[_key(v)].fields))
        return Expectation("free")


def error_expected(tool_name: str, arguments: Any, history: Sequence[dict[str, Any]]) -> bool:
    """Whether the records ``history`` wrote make an error the right answer to this call (it names
    a record deleted earlier)."""
    return RecordState.replay(history or ()).expect(tool_name, arguments).kind == NOT_FOUND


def not_found(exp: Expectation) -> dict[str, Any]:
    """The error payload of a call naming a record deleted earlier in the dialogue."""
    return error_payload(
        NOT_FOUND, f"No record with {exp.id_field} {exp.id_value!r}: it was deleted.", exp.id_field
    )


def apply_expectation(output: Any, exp: Expectation) -> Any:
    """``output`` made consistent with ``exp``: the not-found error, or a read-back record whose
    fields that ``output`` carries take the values the dialogue set."""
    if exp.kind == NOT_FOUND:
        return not_found(exp)
    if exp.kind == "record" and isinstance(output, dict) and not is_error_payload(output):
        return {k: exp.fields.get(k, v) if _plain(v) else v for k, v in output.items()}
    return output


def v_state(
    tool_name: str, arguments: Any, output: Any, history: Sequence[dict[str, Any]]
) -> list[str]:
    """Reasons a multi-turn target contradicts the records its history wrote: a deleted record
    answered as if present, a record created earlier and never deleted reported missing, a field
    read back with another value than the dialogue set."""
    exp = RecordState.replay(history).expect(tool_name, arguments)
    err = is_error_payload(output)
    if exp.kind == NOT_FOUND:
        if not err:
            return [
                f"{exp.id_field}={exp.id_value!r} was deleted earlier but is answered as present"
            ]
        return []
    if exp.kind != "record":
        return []
    if err:
        kind = output.get("error", {}).get("type") if isinstance(output.get("error"), dict) else ""
        return (
            [f"{exp.id_field}={exp.id_value!r} was created earlier but is reported missing"]
            if kind == NOT_FOUND
            else []
        )
    if not isinstance(output, dict):
        return []
    return [
        f"{k}={output[k]!r} disagrees with {v!r} set earlier in the dialogue"
        for k, v in exp.fields.items()
        if k in output and _plain(output[k]) and not same_value(output[k], v)
    ]
