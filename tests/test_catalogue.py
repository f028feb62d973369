"""The shipped seed tool catalogue and the offline ``generate_tools`` teacher answer."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from jsonschema import Draft202012Validator

from gtm_core.llm import extract_json, prompt_request
from gtm_core.llm.offline import OfflineTeacher
from gtm_core.seed_data.catalogue import SEED_TAXONOMY, load_seed_tools, seed_tools_for
from gtm_core.spec import ToolSpec
from gtm_core.synth import ValueSynth

TOOLS = load_seed_tools()
TAXONOMY = json.loads(SEED_TAXONOMY.read_text())
PAIRS = [(f["field"], s) for f in TAXONOMY["fields"] for s in f["subfields"]]
FORMATS = Draft202012Validator.FORMAT_CHECKER


def test_every_spec_parses_without_flags():
    assert len(TOOLS) >= 330
    for raw in TOOLS:
        spec = ToolSpec.parse(raw)
        assert spec.flags == [], (spec.name, spec.flags)
        assert spec.response_schema and spec.response_schema.get("properties"), spec.name
        assert set(spec.required) <= set(spec.properties), spec.name
        assert spec.description and all(p.get("description") for p in spec.properties.values()), (
            spec.name
        )
        assert (spec.field, spec.subfield) in PAIRS, (spec.name, spec.field, spec.subfield)


def test_every_subfield_covered_and_names_unique():
    per = Counter((t["field"], t["subfield"]) for t in TOOLS)
    thin = [p for p in PAIRS if per[p] < 2]
    assert not thin, thin
    names = [t["name"] for t in TOOLS]
    assert len(names) == len(set(names)), [n for n, c in Counter(names).items() if c > 1]


def test_required_special_tools():
    by = {t["name"]: t for t in TOOLS}
    ws = by["web_search"]
    assert (ws["field"], ws["subfield"]) == ("Search and Retrieval", "Web Search")
    assert set(ws["parameters"]["properties"]) >= {"query", "num_results"}
    assert set(ws["response"]["properties"]["results"]["items"]["properties"]) == {
        "title",
        "url",
        "snippet",
    }
    rd = by["retrieve_documents"]
    assert rd["field"] == "Search and Retrieval"
    assert set(rd["parameters"]["properties"]) >= {"query", "top_k"}
    assert set(rd["response"]["properties"]["documents"]["items"]["properties"]) == {
        "id",
        "title",
        "text",
        "score",
    }
    vk = by["validate_cuda_kernel"]
    assert (vk["field"], vk["subfield"]) == ("Hardware and Compute", "GPU Kernels")
    assert vk["required"] == ["reference_code", "kernel_code"]
    props = vk["response"]["properties"]
    assert {k: props[k]["type"] for k in props} == {
        "compiled": "boolean",
        "correct": "boolean",
        "runtime_ms": "number",
        "error": "string",
    }


WRITE_VERBS = {
    "create",
    "update",
    "delete",
    "send",
    "book",
    "cancel",
    "place",
    "submit",
    "post",
    "publish",
    "add",
    "apply",
    "checkout",
    "reserve",
    "record",
    "log",
    "start",
    "stop",
    "set",
    "schedule",
    "purchase",
    "enroll",
    "renew",
    "subscribe",
    "move",
    "follow",
    "take",
    "merge",
    "trigger",
    "transition",
    "launch",
    "upsert",
    "upload",
    "share",
    "bind",
    "file",
    "clear",
    "adjust",
    "assign",
    "propose",
    "activate",
    "arm",
    "lock",
    "grant",
    "revoke",
    "save",
    "join",
    "license",
    "change",
    "allocate",
    "register",
    "request",
    "complete",
}


def test_state_changing_and_read_only_tools_present():
    verbs = Counter(t["name"].split("_")[0] for t in TOOLS)
    assert sum(verbs[v] for v in WRITE_VERBS) >= 100, verbs
    assert sum(verbs[v] for v in ("get", "list", "search", "find", "check", "lookup")) >= 150, verbs


def test_ids_flow_between_tools():
    """Identifiers returned by one tool are accepted as parameters by
    another tool of the subfield."""
    flows = []
    for field, sub in PAIRS:
        tools = seed_tools_for(field, sub)
        for a in tools:
            out_ids = {k for k in a["response"]["properties"] if k.endswith("_id")}
            for b in tools:
                if b is not a:
                    flows += [
                        (a["name"], b["name"], k)
                        for k in out_ids & set(b["parameters"]["properties"])
                    ]
    assert len({(a, k) for a, _, k in flows}) >= 60, flows


def test_name_dedup_with_real_embedder_keeps_most():
    pytest.importorskip("sentence_transformers")
    from gtm_core.embed import Embedder
    from gtm_core.tools.dedup import dedup_texts

    names = [t["name"] for t in TOOLS]
    res = dedup_texts(names, Embedder(), threshold=0.8)
    kept = int(res.keep.sum())
    dups = [
        (names[i], names[res.duplicate_of[i]], round(float(res.similarity[i]), 3))
        for i in range(len(names))
        if not res.keep[i]
    ]
    assert kept >= 0.9 * len(names), dups


def test_offline_generate_tools_answers_from_catalogue():
    teacher = OfflineTeacher(seed=7)
    field, sub = "Finance", "Stock Trading"
    cat = {t["name"]: t for t in seed_tools_for(field, sub)}
    req = prompt_request(
        "generate_tools", {"field": field, "subfield": sub, "n": 2, "existing": []}
    )
    out = extract_json(teacher.generate([req])[0])
    tools = out["tools"]
    assert len(tools) == 2 and len({t["name"] for t in tools}) == 2
    for t in tools:
        ref = cat[t["name"]]
        assert t == {
            k: ref[k] for k in ("name", "description", "parameters", "required", "response")
        }
        assert ToolSpec.parse(t, field=field, subfield=sub).flags == []
    # deterministic for the same request and seed
    assert extract_json(OfflineTeacher(seed=7).generate([req])[0]) == out
    # 'existing' names are not repeated; the rest of the subfield comes next
    req2 = prompt_request(
        "generate_tools",
        {"field": field, "subfield": sub, "n": 10, "existing": [t["name"] for t in tools]},
    )
    rest = extract_json(teacher.generate([req2])[0])["tools"]
    assert {t["name"] for t in rest} == set(cat) - {t["name"] for t in tools}
    # case-insensitive match; unknown subfield gives nothing
    req3 = prompt_request(
        "generate_tools", {"field": "finance", "subfield": "stock trading", "n": 5, "existing": []}
    )
    assert {t["name"] for t in extract_json(teacher.generate([req3])[0])["tools"]} == set(cat)
    req4 = prompt_request(
        "generate_tools",
        {"field": "Finance", "subfield": "Underwater Basket Weaving", "n": 3, "existing": []},
    )
    assert extract_json(teacher.generate([req4])[0]) == {"tools": []}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synth_arguments_and_responses_validate_for_every_tool(seed):
    for raw in TOOLS:
        spec = ToolSpec.parse(raw)
        vs = ValueSynth(seed)
        args = vs.arguments(spec.parameters)
        errs = [
            e.message
            for e in Draft202012Validator(spec.parameters, format_checker=FORMATS).iter_errors(args)
        ]
        assert not errs, (spec.name, args, errs)
        assert set(spec.required) <= set(args), spec.name
        out = vs.response(spec.response_schema, args)
        errs = [
            e.message
            for e in Draft202012Validator(spec.response_schema, format_checker=FORMATS).iter_errors(
                out
            )
        ]
        assert not errs, (spec.name, out, errs)
