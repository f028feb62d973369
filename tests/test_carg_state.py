"""Stateful CARG dialogues (gtm_core/record_state.py): a record created, updated or deleted earlier
binds what a later call answers; the offline teacher writes such targets through the real
multi-turn generator into a real DuckDB store, and ``v_state`` rejects targets that contradict
their history."""

from __future__ import annotations

import json

import numpy as np

from gtm_core.carg import multi
from gtm_core.carg.generate import CargConfig, Generator
from gtm_core.llm.offline import OfflineTeacher
from gtm_core.record_state import RecordState, error_expected, role, v_state
from gtm_core.spec import ToolSpec
from gtm_core.storage import Store

RECORD = {
    "type": "object",
    "properties": {
        "reminder_id": {"type": "string"},
        "content": {"type": "string"},
        "time": {"type": "string"},
    },
    "required": ["reminder_id", "content", "time"],
}


def _tool(name: str, params: dict, required: list[str], response: dict) -> ToolSpec:
    return ToolSpec.parse(
        {
            "name": name,
            "description": f"{name} of the reminder service.",
            "field": "Productivity",
            "parameters": {"type": "object", "properties": params, "required": required},
            "response": response,
        }
    )


ID = {"reminder_id": {"type": "string"}}
FIELDS = {"content": {"type": "string"}, "time": {"type": "string"}}
ADD = _tool("AddReminder", FIELDS, ["content", "time"], RECORD)
MODIFY = _tool("ModifyReminder", {**ID, "content": {"type": "string"}}, ["reminder_id"], RECORD)
DELETE = _tool(
    "DeleteReminder",
    ID,
    ["reminder_id"],
    {"type": "object", "properties": {"status": {"type": "string"}}, "required": ["status"]},
)
QUERY = _tool("QueryReminder", ID, ["reminder_id"], RECORD)


def test_roles_come_from_the_first_word_of_the_name():
    assert [role(t.name) for t in (ADD, MODIFY, DELETE, QUERY)] == [
        "create",
        "update",
        "delete",
        "read",
    ]
    assert role("get-user-profile") == "read" and role("summarize_text") is None


def test_a_record_reads_back_as_the_dialogue_left_it():
    created = {"reminder_id": "r-7", "content": "call mom", "time": "09:00"}
    history = [
        {
            "tool": "AddReminder",
            "arguments": {"content": "call mom", "time": "09:00"},
            "output": created,
        },
        {
            "tool": "ModifyReminder",
            "arguments": {"reminder_id": "r-7", "content": "call dad"},
            "output": {**created, "content": "call dad"},
        },
    ]
    exp = RecordState.replay(history).expect("QueryReminder", {"reminder_id": "r-7"})
    assert exp.kind == "record" and exp.fields["content"] == "call dad"
    stale = {"reminder_id": "r-7", "content": "call mom", "time": "09:00"}
    assert v_state("QueryReminder", {"reminder_id": "r-7"}, stale, history) == [
        "content='call mom' disagrees with 'call dad' set earlier in the dialogue"
    ]
    fresh = {**stale, "content": "Call Dad"}
    assert v_state("QueryReminder", {"reminder_id": "r-7"}, fresh, history) == []
    missing = {
        "error": {"type": "not_found", "message": "no such reminder", "field": "reminder_id"}
    }
    assert v_state("QueryReminder", {"reminder_id": "r-7"}, missing, history)
    # an id the dialogue never touched is not bound by it
    assert v_state("QueryReminder", {"reminder_id": "r-9"}, missing, history) == []

    deleted = [
        *history,
        {
            "tool": "DeleteReminder",
            "arguments": {"reminder_id": "r-7"},
            "output": {"status": "deleted"},
        },
    ]
    assert error_expected("QueryReminder", {"reminder_id": "r-7"}, deleted)
    assert v_state("QueryReminder", {"reminder_id": "r-7"}, fresh, deleted) == [
        "reminder_id='r-7' was deleted earlier but is answered as present"
    ]
    assert v_state("QueryReminder", {"reminder_id": "r-7"}, missing, deleted) == []
    # a failed delete changes nothing
    failed = [
        *history,
        {"tool": "DeleteReminder", "arguments": {"reminder_id": "r-7"}, "output": missing},
    ]
    assert not error_expected("QueryReminder", {"reminder_id": "r-7"}, failed)


def test_dialogues_create_before_they_update_delete_and_read():
    ordered = multi.dialogue_order([QUERY, DELETE, MODIFY, ADD, QUERY])
    assert [s.name for s in ordered] == [
        "AddReminder",
        "QueryReminder",
        "ModifyReminder",
        "DeleteReminder",
        "QueryReminder",
    ]


def test_the_teacher_writes_stateful_targets_that_pass_every_check(tmp_path):
    specs = [ADD, MODIFY, DELETE, QUERY]
    emb = np.array([[1.0, 0.0], [0.9, 0.1], [0.85, 0.2], [0.8, 0.3]], dtype=np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    store = Store(tmp_path / "m.duckdb")
    cfg = CargConfig(group_threshold=0.5, group_min=4, group_max=4, multi_per_tool=1)
    st = Generator(store, OfflineTeacher(), cfg=cfg).run_multi(
        "productivity", "Productivity", specs, emb
    )
    rows = store.read("carg_samples")
    assert st.generated == len(rows) == len(specs)  # every dialogue passed (state check included)
    assert all(json.loads(r)["state"] for r in rows["checks"])
    query = rows[rows["tool_name"] == "QueryReminder"].iloc[0]
    hist = json.loads(query["history"])
    assert [h["tool"] for h in hist] == ["AddReminder", "ModifyReminder", "DeleteReminder"]
    created = hist[0]["output"]["reminder_id"]
    assert all(h["arguments"]["reminder_id"] == created for h in hist[1:])
    out = json.loads(query["output"])
    assert json.loads(query["arguments"])["reminder_id"] == created
    assert out["error"]["type"] == "not_found"  # deleted earlier in the dialogue
