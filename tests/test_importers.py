"""Importers: every real spec file in ../shared/data, hand-made native records of each format,
bad input (rejected with spec/field/reason, nothing lost), broken files, spec completion, dedup."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gtm_core.llm.offline import OfflineTeacher
from gtm_core.spec import ToolSpec
from gtm_core.tools.importers import (
    FORMATS,
    ImportResult,
    complete_specs,
    detect_format,
    import_file,
    import_sources,
)
from gtm_core.tools.importers.reader import read_records

SPEC_FILES = [
    "api_bank_synthetic_train_tools.jsonl",
    "api_bank_tools.jsonl",
    "bfcl_tools.jsonl",
    "mcp_tools.jsonl",
    "nestful_tools.jsonl",
    "seal_tools_tools.jsonl",
    "toolalpaca_tools.jsonl",
    "toolbench_rapidapi_tools.jsonl",
    "tooleyes_tools.jsonl",
    "toolbench_answer_functions.jsonl",
]
EXPECTED_FORMAT = {
    "bfcl_tools.jsonl": "bfcl",
    "mcp_tools.jsonl": "mcp_tools_list",
    "seal_tools_tools.jsonl": "seal_tools",
    "toolbench_rapidapi_tools.jsonl": "toolbench_rapidapi",
    "tooleyes_tools.jsonl": "tooleyes",
    "toolbench_answer_functions.jsonl": "toolbench_rapidapi",
}


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


# ---- real data ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fname", SPEC_FILES)
def test_real_spec_file_loads_at_least_95_percent(shared_data, fname):
    path = shared_data / fname
    n_lines = sum(1 for line in path.open() if line.strip())
    res = import_file(path)
    assert res.format == EXPECTED_FORMAT.get(fname, "openai_functions")
    assert res.n_read == n_lines == len(res.specs) + len(res.rejects)  # nothing lost
    assert res.load_rate >= 0.95, res.summary()
    for r in res.rejects:
        assert (
            r.name
            and r.field
            and r.reason
            and r.raw is not None
            and r.stage in ("read", "convert", "validate")
        )
    for s in res.specs[:50]:
        assert s.parameters["type"] == "object" and s.source and s.uid


def test_shared_data_metadata_is_kept(shared_data):
    seal = import_file(shared_data / "seal_tools_tools.jsonl", limit=20)
    assert all(
        s.field and s.subfield and s.meta["domain"] == f"{s.field}/{s.subfield}" for s in seal.specs
    )
    mcp = import_file(shared_data / "mcp_tools.jsonl", limit=50)
    assert all("mcp_server" in s.meta for s in mcp.specs)
    bfcl = import_file(shared_data / "bfcl_tools.jsonl", limit=5)
    assert bfcl.specs[0].parameters.get("x-original-type") == "dict"
    assert bfcl.specs[0].response["type"] == "object"  # multi-turn specs carry a response schema
    tb = import_file(shared_data / "toolbench_rapidapi_tools.jsonl", limit=20)
    assert all(s.meta.get("rapidapi_tool") for s in tb.specs)


def test_import_sources_real_with_limit(shared_data):
    res = import_sources([shared_data / f for f in SPEC_FILES], limit_per_source=30)
    assert res.n_read == 30 * len(SPEC_FILES) == len(res.specs) + len(res.rejects)
    assert {s.source.split("@")[0] for s in res.specs} >= {
        "fairyshine/Seal-Tools",
        "Junjie-Ye/ToolEyes",
    }


# ---- native records of each format ---------------------------------------------------------------
def test_openai_function_native(tmp_path):
    recs = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather for a city",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                    "required": ["city"],
                },
                "strict": True,
            },
        },
        {
            "name": "send_mail",
            "description": "Send an email",
            "input_schema": {
                "type": "object",
                "properties": {"to": {"type": "string", "format": "email"}},
            },
        },
    ]
    res = import_file(write_jsonl(tmp_path / "funcs.jsonl", recs))
    assert res.format == "openai_functions" and [s.name for s in res.specs] == [
        "get_weather",
        "send_mail",
    ]
    w = res.specs[0]
    assert (
        w.required == ["city"]
        and w.properties["days"]["type"] == "integer"
        and w.meta["strict"] is True
    )
    assert "response_missing" in w.flags
    # a {"tools": [...]} container as one JSON document
    (tmp_path / "tools.json").write_text(json.dumps({"tools": recs[:1]}))
    assert [s.name for s in import_file(tmp_path / "tools.json").specs] == ["get_weather"]


def test_seal_tools_native(tmp_path):
    rec = {
        "api_name": "getBasketballScore",
        "api_description": "Retrieve the score of a basketball game",
        "field": "Sports/Basketball",
        "parameters": {
            "team_name": {"type": "str", "description": "Team"},
            "period": {"type": "int", "description": "Period"},
            "type": {"type": "str", "description": "a parameter literally called type"},
        },
        "required": ["team_name"],
        "responses": {"team_score": {"type": "int", "description": "Score"}},
    }
    res = import_file(write_jsonl(tmp_path / "tool.jsonl", [rec]))
    assert res.format == "seal_tools"
    s = res.specs[0]
    assert (s.name, s.field, s.subfield) == ("getBasketballScore", "Sports", "Basketball")
    assert s.properties["period"]["type"] == "integer" and s.properties["type"]["type"] == "string"
    assert (
        s.required == ["team_name"] and s.response["properties"]["team_score"]["type"] == "integer"
    )


def test_tooleyes_native(tmp_path):
    d = tmp_path / "Tool_Library" / "Advice" / "Advice_slip"
    d.mkdir(parents=True)
    (d / "config_gpt4.json").write_text(
        json.dumps(
            [
                {
                    "name": "random_advice",
                    "description": "Returns a random advice slip.",
                    "parameters": {"type": "object", "properties": {}, "required": []},
                },
                {
                    "name": "advice_by_id",
                    "description": "Advice by id.",
                    "parameters": {
                        "type": "object",
                        "properties": {"slip_id": {"type": "string"}},
                        "required": ["slip_id"],
                    },
                },
            ]
        )
    )
    res = import_file(d / "config_gpt4.json")
    assert res.format == "tooleyes" and [s.name for s in res.specs] == [
        "random_advice",
        "advice_by_id",
    ]
    assert all(s.meta["domain"] == "Advice/Advice_slip" for s in res.specs)


def test_xlam_native(tmp_path):
    tools = [
        {
            "name": "live_giveaways_by_type",
            "description": "Retrieve live giveaways.",
            "parameters": {
                "type": {"description": "Giveaway type.", "type": "str", "default": "game"},
                "limit": {"description": "How many.", "type": "int"},
                "ids": {"description": "Ids.", "type": "List[int]"},
                "rows": {"description": "Rows.", "type": "List[Dict[str, Any]]"},
                "tag": {"description": "Tag.", "type": "str, optional", "default": ""},
                "ratio": {"description": "Ratio.", "type": "Optional[float]"},
            },
        }
    ]
    row = {"id": 7, "query": "Any giveaways?", "answers": "[]", "tools": json.dumps(tools)}
    res = import_file(write_jsonl(tmp_path / "xlam.jsonl", [row]))
    assert res.format == "apigen_xlam", res.rejects
    s = res.specs[0]
    assert s.required == ["limit", "ids", "rows"]  # defaults and optionals are not required
    p = s.properties
    assert (
        p["type"]["type"] == "string"
        and p["limit"]["type"] == "integer"
        and p["ratio"]["type"] == "number"
    )
    assert p["ids"] == {
        "type": "array",
        "items": {"type": "integer"},
        "description": "Ids.",
        "x-original-type": "List[int]",
    }
    assert p["rows"]["items"]["type"] == "object" and p["tag"]["x-original-type"] == "str, optional"
    assert s.meta["xlam_id"] == 7


def test_bfcl_native(tmp_path):
    q = {
        "id": "simple_12",
        "question": [[{"role": "user", "content": "area?"}]],
        "function": [
            {
                "name": "geometry.area_circle",
                "description": "Area of a circle.",
                "parameters": {
                    "type": "dict",
                    "properties": {
                        "radius": {"type": "float", "description": "r"},
                        "units": {"type": "string", "description": "u", "default": "m"},
                        "points": {"type": "array", "items": {"type": "tuple"}},
                        "extra": {"type": "any"},
                    },
                    "required": ["radius"],
                },
            }
        ],
    }
    res = import_file(write_jsonl(tmp_path / "BFCL_v3_simple.json", [q]))
    assert res.format == "bfcl"
    s = res.specs[0]
    assert s.name == "geometry.area_circle" and s.parameters["x-original-type"] == "dict"
    assert s.properties["radius"] == {
        "type": "number",
        "description": "r",
        "x-original-type": "float",
    }
    assert s.properties["points"]["items"] == {"type": "array", "x-original-type": "tuple"}
    assert "type" not in s.properties["extra"] and "param_type_missing:extra" in s.flags
    assert s.meta["bfcl_category"] == "simple"


def test_toolbench_native(tmp_path):
    tool = {
        "tool_name": "Suivi colis",
        "tool_description": "Track parcels",
        "category": "Logistics",
        "api_list": [
            {
                "name": "Latest",
                "description": "Current state",
                "method": "GET",
                "required_parameters": [
                    {"name": "colisId", "type": "STRING", "description": "", "default": "CA1"}
                ],
                "optional_parameters": [
                    {"name": "id", "type": "NUMBER", "description": "n"},
                    {"name": "day", "type": "DATE (YYYY-MM-DD)", "description": "d"},
                ],
                "template_response": {"status": "str", "count": 3, "items": [{"a": 1.5}]},
            }
        ],
    }
    query_api = {
        "category_name": "Data",
        "tool_name": "Web Search",
        "api_name": "newsSearch",
        "api_description": "Gets news.",
        "required_parameters": [{"name": "q", "type": "STRING"}],
        "optional_parameters": [],
        "method": "GET",
    }
    res = import_file(write_jsonl(tmp_path / "tools.jsonl", [tool, query_api]))
    assert res.format == "toolbench_rapidapi", res.rejects
    a, b = res.specs
    assert a.name == "latest_for_suivi_colis" and a.required == ["colisId"]
    assert a.properties["is_id"]["type"] == "number" and a.properties["day"]["format"] == "date"
    assert a.response["properties"]["items"]["items"]["properties"]["a"]["type"] == "number"
    assert a.meta["domain"] == "rapidapi/Logistics" and a.meta["method"] == "GET"
    assert b.name == "newssearch_for_web_search" and "response_missing" in b.flags


def test_mcp_tools_list_native(tmp_path):
    result = {
        "jsonrpc": "2.0",
        "id": 1,
        "result": {
            "tools": [
                {
                    "name": "read_file",
                    "title": "Read file",
                    "description": "Read a file",
                    "inputSchema": {
                        "type": "object",
                        "properties": {"path": {"type": "string"}},
                        "required": ["path"],
                    },
                    "outputSchema": {
                        "type": "object",
                        "properties": {"content": {"type": "string"}},
                    },
                    "annotations": {"readOnlyHint": True},
                },
                {
                    "name": "list_dir",
                    "description": "List a folder",
                    "inputSchema": {"type": "object", "properties": {}},
                },
            ]
        },
    }
    (tmp_path / "server.json").write_text(json.dumps(result))
    res = import_file(tmp_path / "server.json")
    assert res.format == "mcp_tools_list" and [s.name for s in res.specs] == [
        "read_file",
        "list_dir",
    ]
    r = res.specs[0]
    assert r.required == ["path"] and r.response["properties"]["content"]["type"] == "string"
    assert r.meta["annotations"] == {"readOnlyHint": True} and r.meta["title"] == "Read file"
    assert "response_missing" in res.specs[1].flags
    # JSON Lines of MCP tool objects
    res2 = import_file(write_jsonl(tmp_path / "tools.jsonl", result["result"]["tools"]))
    assert res2.format == "mcp_tools_list" and len(res2.specs) == 2


def test_formats_and_detection():
    assert set(FORMATS) == {
        "openai_functions",
        "seal_tools",
        "tooleyes",
        "apigen_xlam",
        "bfcl",
        "toolbench_rapidapi",
        "mcp_tools_list",
    }
    assert (
        detect_format("x.jsonl", [{"api_name": "a", "api_description": "b", "parameters": {}}])
        == "seal_tools"
    )
    assert (
        detect_format("x.jsonl", [{"tools": [{"name": "a", "inputSchema": {}}]}])
        == "mcp_tools_list"
    )
    assert detect_format("whatever.jsonl", [{"name": "a", "parameters": {}}]) == "openai_functions"
    assert (
        detect_format("seal_tools_tools.jsonl", [{"name": "a", "parameters": {}}]) == "seal_tools"
    )


# ---- bad input -----------------------------------------------------------------------------------
def _params(props, required=None):
    return {"type": "object", "properties": props, "required": required or []}


BAD = [
    (
        {"name": "f", "parameters": _params({"a": {"type": "string"}}, ["b"])},
        "required",
        "not in properties",
    ),
    (
        {"name": "f", "parameters": _params({"a": {"type": "string", "minLength": -1}})},
        "parameters.properties.a.minLength",
        "invalid JSON Schema",
    ),
    (
        {"name": "f", "parameters": _params({"a": {"type": "string", "enum": "x"}})},
        "parameters.properties.a.enum",
        "invalid JSON Schema",
    ),
    ({"name": "", "parameters": _params({})}, "name", "empty"),
    ({"name": "get weather!", "parameters": _params({})}, "name", "not an identifier"),
    (
        {
            "name": "f",
            "parameters": [{"name": "a", "type": "string"}, {"name": "a", "type": "int"}],
        },
        "parameters[1].name",
        "duplicated parameter 'a'",
    ),
    (
        {"name": "f", "parameters": _params({"a": {"type": "strng"}})},
        "parameters.properties.a.type",
        "unknown type 'strng'",
    ),
    ({"name": "f", "parameters": {"type": "array"}}, "parameters.type", "must be of type object"),
    ({"name": "f", "description": 3}, "description", "must be a string"),
]


def test_bad_specs_rejected_naming_field(tmp_path):
    good = {"name": "ok_tool", "parameters": _params({"q": {"type": "string"}}, ["q"])}
    path = write_jsonl(tmp_path / "mixed.jsonl", [good] + [b[0] for b in BAD])
    with path.open("a") as f:
        f.write(
            '{"name": "dup", "parameters": {"type": "object", "properties": '
            '{"a": {"type": "string"}, "a": {"type": "integer"}}}}\n'
        )
        f.write("{not json\n")
        f.write("[1, 2\n")
    res = import_file(path, "openai_functions")
    assert [s.name for s in res.specs] == ["ok_tool"]
    assert res.n_read == 1 + len(BAD) + 3 == len(res.specs) + len(res.rejects)
    by_line = res.rejects
    for rej, (_, field, reason) in zip(by_line, BAD, strict=False):
        assert rej.field == field and reason in rej.reason and rej.stage == "validate", rej
    dup, notjson, broken = by_line[-3:]
    assert (dup.stage, dup.field, dup.reason) == (
        "read",
        f"line {len(BAD) + 2}",
        "duplicated key 'a'",
    )
    assert (
        notjson.stage == "read"
        and notjson.field == f"line {len(BAD) + 3}"
        and "not valid JSON" in notjson.reason
    )
    assert broken.stage == "read" and "not valid JSON" in broken.reason
    frame = res.rejects_frame()
    assert list(frame.columns) == ["source", "name", "field", "reason", "stage", "raw"] and len(
        frame
    ) == len(res.rejects)


def test_convert_errors_keep_other_tools(tmp_path):
    row = {
        "id": 1,
        "query": "q",
        "answers": "[]",
        "tools": [
            {"name": "good", "description": "d", "parameters": {"x": {"type": "int"}}},
            {"name": "bad", "description": "d", "parameters": {"x": "not a schema"}},
        ],
    }
    res = import_file(write_jsonl(tmp_path / "x.jsonl", [row]), "apigen_xlam")
    assert [s.name for s in res.specs] == ["good"]
    (rej,) = res.rejects
    assert (rej.name, rej.field, rej.stage) == (
        "bad",
        "parameters.x",
        "convert",
    ) and "line 1" in rej.reason


def test_broken_files_do_not_stop_others(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [{"name": "a_tool", "parameters": _params({})}])
    notjson = tmp_path / "notjson.json"
    notjson.write_text("this is not JSON at all\n\x00\x01")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"name": "b_tool"}\n\xff\xfe\x00garbage\n')
    missing = tmp_path / "missing.jsonl"
    unreadable = tmp_path / "dir.jsonl"
    unreadable.mkdir()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    good2 = write_jsonl(tmp_path / "good2.jsonl", [{"name": "c_tool"}])
    res = import_sources([good, notjson, binary, missing, unreadable, empty, good2])
    assert sorted(s.name for s in res.specs) == ["a_tool", "b_tool", "c_tool"]
    reasons = {}
    for r in res.rejects:
        reasons.setdefault(r.source, r)
    assert [(r.stage, r.field) for r in res.rejects if r.source == "notjson.json"] == [
        ("read", "line 1"),
        ("read", "line 2"),
    ]
    assert (
        "not UTF-8" in reasons["binary.jsonl"].reason and reasons["binary.jsonl"].field == "line 2"
    )
    assert (
        reasons["missing.jsonl"].field == "file"
        and "cannot read" in reasons["missing.jsonl"].reason
    )
    assert reasons["dir.jsonl"].field == "file" and reasons["empty.jsonl"].reason == "file is empty"
    assert res.n_read == len(res.specs) + len(res.rejects)
    assert (
        isinstance(ImportResult.combine([res, res]), ImportResult)
        and (res + res).n_read == 2 * res.n_read
    )


def test_read_records_json_array_duplicate_keys(tmp_path):
    p = tmp_path / "arr.json"
    p.write_text('[{"name": "a"}, {"name": "b", "x": {"k": 1, "k": 2}}]')
    items = list(read_records(p))
    assert items[0] == ("item 1", {"name": "a"})
    assert items[1][0] == "item 2" and items[1][1].reason == "duplicated key 'k'"


# ---- completion ----------------------------------------------------------------------------------
def test_complete_specs_with_offline_teacher():
    raw = [
        {
            "name": "search_hotels",
            "description": "Search hotels in a city",
            "parameters": _params(
                {
                    "city": {"description": "City name"},
                    "max_price": {"description": "Upper price"},
                    "limit": {"description": "How many"},
                    "is_refundable": {},
                }
            ),
        },
        {
            "name": "get_user",
            "parameters": _params({"user_id": {"type": "string"}}),
            "response": {"type": "object", "properties": {"name": {"type": "string"}}},
        },
        {"name": "delete_item", "parameters": _params({"item_id": {"type": "string"}})},
        {"name": "long_weekend", "parameters": _params({"year": {"type": "string"}})},
    ]
    specs = [ToolSpec.parse(r) for r in raw]
    assert "param_type_missing:city" in specs[0].flags and "response_missing" in specs[0].flags
    out = complete_specs(specs, OfflineTeacher(seed=0))
    s0 = out[0]
    assert {p: s0.properties[p]["type"] for p in s0.properties} == {
        "city": "string",
        "max_price": "number",
        "limit": "integer",
        "is_refundable": "boolean",
    }
    assert not any(f.startswith("param_type_missing") or f == "response_missing" for f in s0.flags)
    assert {"completed:param_type:city", "completed:response"} <= set(s0.flags)
    assert s0.response["properties"]["results"]["type"] == "array"
    assert out[1] == specs[1]  # nothing missing: untouched
    assert out[2].response["properties"]["status"]["enum"] == ["success", "failed"]
    # a name that says nothing of its answer: no invented schema, the tool stays schema-less
    assert out[3].response is None and "response_missing" in out[3].flags
    assert out == complete_specs(specs, OfflineTeacher(seed=0))  # deterministic


class _BadChat:
    name = "bad"

    def __init__(self, answers):
        self.answers, self.calls = answers, 0

    def generate(self, requests, *, progress=False):
        self.calls += 1
        assert all(r.task == "complete_spec" and r.messages[-1]["content"] for r in requests)
        return self.answers[: len(requests)]


def test_complete_specs_failures_keep_spec():
    specs = [ToolSpec.parse({"name": f"t{i}", "parameters": _params({"a": {}})}) for i in range(3)]
    chat = _BadChat(
        [
            "no json here",
            '{"parameter_types": {"a": "strng"}, "response": null}',
            '```json\n{"parameter_types": {"a": "integer"}, "response": {"type": "object"}}\n```',
        ]
    )
    out = complete_specs(specs, chat)
    assert chat.calls == 1  # one batched call
    assert (
        out[0] == specs[0] and out[1] == specs[1]
    )  # unparseable / invalid answers: kept as they were
    assert out[2].properties["a"]["type"] == "integer" and "completed:response" in out[2].flags


# ---- dedup with the real embedder ----------------------------------------------------------------
def test_dedup_near_duplicate_names_real_embedder():
    from gtm_core.embed import Embedder
    from gtm_core.tools.dedup import dedup_embeddings, dedup_texts

    names = [
        "get_weather_forecast",
        "translate_text",
        "get_weather_forecasts",
        "weather_forecast_get",
        "book_flight",
        "translate_text",
        "search_recipes",
        "getWeatherForecast",
    ]
    emb = Embedder()
    res = dedup_texts(names, emb, threshold=0.8)
    kept = [n for n, k in zip(names, res.keep, strict=True) if k]
    assert (
        kept[:3] == ["get_weather_forecast", "translate_text", "book_flight"]
        and "search_recipes" in kept
    )
    assert res.duplicate_of[2] == 0 and res.duplicate_of[5] == 1 and res.similarity[2] > 0.8
    # greedy semantics against the similarity matrix: a removed item is > threshold to an earlier
    # kept one (the one it names); kept items are <= threshold to every earlier kept item
    v = emb.encode(names)
    sim = v @ v.T
    for i in range(len(names)):
        earlier_kept = [j for j in range(i) if res.keep[j]]
        if res.keep[i]:
            assert all(sim[i, j] <= 0.8 + 1e-6 for j in earlier_kept)
        else:
            assert res.duplicate_of[i] in earlier_kept and sim[i, res.duplicate_of[i]] > 0.8
    # greedy order: whichever comes first is kept
    res2 = dedup_texts(list(reversed(names[:3])), emb, threshold=0.8)
    assert list(res2.keep) == [True, True, False] and res2.duplicate_of[2] == 0
    # the blocked path agrees with the single-block path
    a, b = dedup_embeddings(v, 0.8, block=2), dedup_embeddings(v, 0.8, block=1024)
    assert np.array_equal(a.keep, b.keep) and np.array_equal(a.duplicate_of, b.duplicate_of)
