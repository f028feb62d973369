"""CARG generators and validators on hand-made cases (including ones that must be rejected), the
offline teacher on real specs, error generators, grouping, splits and
prompt-driven code versions."""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pandas as pd
import pytest
from carg_data import shared_data

from gtm_core.carg import errors as E
from gtm_core.carg import multi, single
from gtm_core.carg.generate import CargConfig, Generator
from gtm_core.carg.records import Sample
from gtm_core.carg.validate import (
    judge,
    v_coherence,
    v_contradiction,
    v_format,
    v_history,
    validate_single,
)
from gtm_core.llm.offline import OfflineTeacher
from gtm_core.spec import ToolSpec, parse_specs
from gtm_core.splits import EXCLUDED, SplitConfig, assign_samples, leaks, split_tools
from gtm_core.storage import Store

HOTELS = ToolSpec.parse(
    {
        "name": "search_hotels",
        "description": "Search hotels in a city between two dates.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "check_in": {"type": "string", "format": "date"},
                "check_out": {"type": "string", "format": "date"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50},
                "currency": {"type": "string", "enum": ["USD", "EUR"]},
                "min_price": {"type": "number"},
                "max_price": {"type": "number"},
                "email": {"type": "string"},
            },
            "required": ["city", "check_in", "check_out"],
        },
        "response": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "count": {"type": "integer"},
                "hotels": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "price": {"type": "number"}},
                    },
                },
            },
            "required": ["hotels"],
        },
    }
)
GOOD_ARGS = {
    "city": "Paris",
    "check_in": "2025-06-10",
    "check_out": "2025-06-12",
    "limit": 2,
    "currency": "EUR",
    "min_price": 50,
    "max_price": 200,
}
GOOD_OUT = {
    "city": "Paris",
    "count": 2,
    "hotels": [{"name": "Hotel Lutetia", "price": 180.0}, {"name": "Le Marais Inn", "price": 95.5}],
}
CTX = "A traveller plans two nights in Paris in June and wants hotels under 200 EUR."


# ---- single-turn validation ------------------------------------------------------------------
def test_valid_sample_passes_all_levels():
    s = Sample(
        "x",
        "single",
        "travel",
        "Travel",
        HOTELS.uid,
        HOTELS.name,
        context=CTX,
        arguments=GOOD_ARGS,
        output=GOOD_OUT,
    )
    assert validate_single(HOTELS, s) and s.checks == {
        "format": True,
        "contradiction": True,
        "coherence": True,
    }


@pytest.mark.parametrize(
    "args,out,needle",
    [
        (
            {k: v for k, v in GOOD_ARGS.items() if k != "city"},
            GOOD_OUT,
            "missing required parameter 'city'",
        ),
        ({**GOOD_ARGS, "limit": "2"}, GOOD_OUT, "is not of type 'integer'"),
        ({**GOOD_ARGS, "stars": 5}, GOOD_OUT, "unknown parameter 'stars'"),
        ({**GOOD_ARGS, "currency": "GBP"}, GOOD_OUT, "is not one of"),
        ({**GOOD_ARGS, "check_in": "2025-02-30"}, GOOD_OUT, "is not a 'date'"),
        (GOOD_ARGS, {"city": "Paris", "hotels": "none"}, "output.hotels"),
        (GOOD_ARGS, {}, "output is empty"),
        ("city=Paris", GOOD_OUT, "arguments must be an object"),
    ],
)
def test_format_rejects(args, out, needle):
    reasons = v_format(HOTELS, args, out)
    assert any(needle in r for r in reasons), reasons


def test_contradiction_rules():
    assert v_contradiction(HOTELS, GOOD_ARGS) == []
    r = v_contradiction(HOTELS, {**GOOD_ARGS, "check_in": "2025-06-20"})
    assert r and "check_in" in r[0] and "check_out" in r[0]
    r = v_contradiction(HOTELS, {**GOOD_ARGS, "min_price": 300})
    assert r and "min_price" in r[0]
    spec = ToolSpec.parse(
        {
            "name": "range",
            "parameters": {
                "properties": {"age_min": {"type": "integer"}, "age_max": {"type": "integer"}}
            },
        }
    )
    assert v_contradiction(spec, {"age_min": 40, "age_max": 30}) and not v_contradiction(
        spec, {"age_min": 30, "age_max": 40}
    )


def test_coherence_rules():
    assert v_coherence(HOTELS, GOOD_ARGS, GOOD_OUT, CTX) == []
    assert (
        "contradicts argument city"
        in v_coherence(HOTELS, GOOD_ARGS, {**GOOD_OUT, "city": "Tokyo"}, CTX)[0]
    )
    three = {**GOOD_OUT, "hotels": GOOD_OUT["hotels"] * 2}
    assert any("has 4 items but limit=2" in r for r in v_coherence(HOTELS, GOOD_ARGS, three, CTX))
    assert any(
        "error payload" in r
        for r in v_coherence(HOTELS, GOOD_ARGS, {"error": {"type": "x", "message": "m"}}, CTX)
    )
    assert "context is empty" in v_coherence(HOTELS, GOOD_ARGS, GOOD_OUT, "")
    assert any(
        "shares no word" in r
        for r in v_coherence(HOTELS, GOOD_ARGS, GOOD_OUT, "Lorem ipsum dolor.")
    )


def test_history_rules():
    book = ToolSpec.parse(
        {
            "name": "book_hotel",
            "parameters": {
                "properties": {"hotel_id": {"type": "string"}, "guest": {"type": "string"}},
                "required": ["hotel_id"],
            },
        }
    )
    hist = [
        {
            "tool": "search_hotels",
            "arguments": GOOD_ARGS,
            "output": {"hotels": [{"hotel_id": "h_123", "name": "Lutetia"}]},
        }
    ]
    assert v_history(book, {"hotel_id": "h_123"}, hist) == []
    assert "does not appear earlier" in v_history(book, {"hotel_id": "h_999"}, hist)[0]
    assert any(
        "no value from the earlier turns" in r for r in v_history(book, {"guest": "Bob"}, hist)
    )
    assert v_history(book, {"hotel_id": "h_123"}, []) == ["multi-turn sample has no history"]


def test_parse_rejects_non_json_and_short_answers():
    ss = single.parse(
        "sorry, I cannot help",
        HOTELS,
        field="T",
        field_key="t",
        n=2,
        round_=0,
        generation="g",
        teacher="t",
    )
    assert len(ss) == 2 and not any(s.passed for s in ss) and "no JSON value" in ss[0].reasons[0]
    ans = json.dumps({"samples": [{"context": CTX, "arguments": GOOD_ARGS, "output": GOOD_OUT}]})
    ss = single.parse(
        ans, HOTELS, field="T", field_key="t", n=2, round_=0, generation="g", teacher="t"
    )
    assert ss[0].passed and not ss[1].passed and "expected 2" in ss[1].reasons[0]


class _Verdict:
    """A tiny ChatModel that answers every judge prompt with a fixed verdict."""

    name = "fixed-judge"

    def __init__(self, ok: bool):
        self.ok = ok
        self.tasks: list[str] = []

    def generate(self, requests, *, progress=False):
        self.tasks += [r.task for r in requests]
        return [
            json.dumps({"ok": self.ok, "reason": "city is not in that country"}) for _ in requests
        ]


def test_llm_judge_is_recorded_per_check():
    def mk():
        return Sample(
            "x",
            "single",
            "t",
            "T",
            HOTELS.uid,
            HOTELS.name,
            context=CTX,
            arguments=GOOD_ARGS,
            output=GOOD_OUT,
        )

    s = mk()
    validate_single(HOTELS, s)
    judge(OfflineTeacher(), [HOTELS], [s])
    assert s.passed and s.checks["judge_contradiction"] and s.checks["judge_coherence"]
    s2 = mk()
    validate_single(HOTELS, s2)
    j = _Verdict(False)
    judge(j, [HOTELS], [s2])
    assert not s2.passed and "judge_contradiction: city is not in that country" in s2.reasons
    assert sorted(set(j.tasks)) == ["judge_coherence", "judge_contradiction"]


# ---- offline teacher on real specs -------------------------------------------------------------
def test_offline_teacher_samples_pass_format_on_real_specs():
    data = shared_data()
    teacher = OfflineTeacher()
    n = ok = 0
    for f in (
        "seal_tools_tools.jsonl",
        "bfcl_tools.jsonl",
        "toolbench_rapidapi_tools.jsonl",
        "tooleyes_tools.jsonl",
        "api_bank_tools.jsonl",
    ):
        raws = [json.loads(line) for line in (data / f).open()][:80]
        specs, _ = parse_specs(raws)
        for spec, text in zip(
            specs, teacher.generate([single.request(s, "X", 2) for s in specs]), strict=True
        ):
            for s in single.parse(
                text, spec, field="X", field_key="x", n=2, round_=0, generation="g", teacher="t"
            ):
                n += 1
                ok += not v_format(spec, s.arguments, s.output)
    assert n > 600 and ok == n, f"{n - ok} of {n} offline samples failed V_format"


class _SloppyTeacher(OfflineTeacher):
    """First-round answers omit every argument; refined prompts are answered properly."""

    name = "sloppy"

    def __init__(self):
        super().__init__()
        self.payloads = []

    def answer(self, r):
        self.payloads.append((r.task, r.payload))
        a = super().answer(r)
        if r.task == "carg_single":
            for s in a["samples"]:
                s["arguments"] = {}
        return a


def test_low_pass_tools_are_retried_with_feedback(tmp_path):
    store = Store(tmp_path / "g.duckdb")
    t = _SloppyTeacher()
    st = Generator(store, t, cfg=CargConfig(samples_per_tool=2, max_rounds=3)).run_single(
        "travel", "Travel", [HOTELS]
    )
    refine = [p for task, p in t.payloads if task == "carg_refine"]
    assert len(refine) == 1 and any(
        "missing required parameter 'city'" in r for r in refine[0]["feedback"]
    )
    prog = store.read("carg_progress").sort_values("round")
    assert prog["round"].tolist() == [0, 1] and prog["n_pass"].tolist() == [0, 2]
    assert st.accepted == 2 and st.rejected == 2 and store.count("carg_rejects") == 2


# ---- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", E.ERROR_TYPES)
def test_each_error_generator_makes_a_confirmed_error(kind):
    assert E.detect_errors(HOTELS, GOOD_ARGS) == []
    for seed in range(5):
        args, err = E.make_error(HOTELS, GOOD_ARGS, kind, random.Random(seed))
        assert err.type == kind and args != GOOD_ARGS
        assert E.v_error_exists(HOTELS, args, kind, err.field) == []
        msg = E.error_message(kind, err.field, err.detail)
        assert E.v_error_message(msg, kind, err.field) == []
        payload = E.error_payload(kind, msg, err.field)
        assert E.v_error_format(payload, kind, err.field) == []


def test_error_validators_reject_bad_pairs():
    # claimed error that is not there
    assert E.v_error_exists(HOTELS, GOOD_ARGS, E.MISSING, "city")
    # two errors at once is ambiguous
    two = {k: v for k, v in GOOD_ARGS.items() if k != "city"} | {"stars": 5}
    assert "expected exactly one" in E.v_error_exists(HOTELS, two, E.MISSING, "city")[0]
    # message that does not name the parameter / the problem
    assert E.v_error_message("Something went wrong.", E.TYPE_ERROR, "limit")
    assert "does not describe" in E.v_error_message("The limit is weird.", E.MISSING, "limit")[0]
    assert E.v_error_format(
        {"error": {"type": "enum", "message": "m", "field": "x"}}, E.INVALID, "x"
    )
    assert E.v_error_format({"detail": "nope"}, E.INVALID, "x")


def test_gate_types_and_mapping():
    errs = E.detect_errors(
        HOTELS, {"city": 5, "check_in": "2025-06-10", "currency": "GBP", "limit": 0, "foo": 1}
    )
    got = {(e.type, e.field) for e in errs}
    assert got == {
        (E.UNKNOWN, "foo"),
        (E.MISSING, "check_out"),
        (E.TYPE_ERROR, "city"),
        (E.INVALID, "currency"),
        (E.INVALID, "limit"),
    }
    tool = ToolSpec.parse(
        {"name": "no_req", "parameters": {"properties": {"q": {"type": "string"}}}}
    )
    assert E.make_error(tool, {"q": "x"}, E.MISSING, random.Random(0)) is None  # nothing to omit


# ---- grouping ------------------------------------------------------------------------------------
def _clusters(n_per=30, k=5, dim=32, noise=0.35, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, dim))
    x = np.concatenate([c + noise * rng.normal(size=(n_per, dim)) for c in centers]).astype(
        np.float32
    )
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.9])
def test_grouping_respects_threshold(threshold):
    emb = _clusters()
    groups = multi.build_groups(emb, threshold=threshold, min_size=2, max_size=4, seed=1)
    assert set(groups) == set(range(len(emb)))
    sizes = []
    for seed, g in groups.items():
        assert g.target == seed and len(set(g.members)) == len(g.members) <= 4
        s = emb[g.members] @ emb[g.members].T
        iu = np.triu_indices(len(g.members), 1)
        assert (s[iu] > threshold).all()
        if len(g.members) > 1:
            assert g.coherence == pytest.approx(float(s[iu].mean()), abs=1e-5)
        sizes.append(len(g.members))
    assert max(sizes) > 1
    lonely = multi.build_groups(emb, threshold=0.999, seed=1)
    assert all(len(g.members) == 1 for g in lonely.values())


def test_grouping_is_greedy_by_min_similarity():
    e = np.array([[1, 0, 0], [0.95, 0.31, 0], [0.9, 0, 0.43], [0, 1, 0]], dtype=np.float32)
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    nb_idx, nb_sim = multi.neighbours(e, k=3)
    assert multi.grow(0, e, nb_idx, nb_sim, 0.5, 4) == [0, 1, 2]  # 3 is below the threshold


# ---- splits --------------------------------------------------------------------------------------
def test_splits_never_leak_and_hold_out_similar_tools():
    emb = _clusters(n_per=40, k=4, noise=0.6)
    tools = pd.DataFrame(
        {
            "uid": [f"t{i:03d}" for i in range(len(emb))],
            "field": [f"f{i % 3}" for i in range(len(emb))],
        }
    )
    cfg = SplitConfig(unseen_frac=0.05, seed=3)
    ts = split_tools(tools, emb, cfg)
    assert set(ts["split"]) <= {"train", "val", "test", "unseen", EXCLUDED}
    for f, g in ts.groupby(
        "field"
    ):  # stratified: every field has unseen targets and val/test tools
        assert {"unseen", "val", "test", "train"} <= set(g["split"]), f
    targets = ts.index[ts["split"] == "unseen"].tolist()
    sims = (emb @ emb[targets].T).max(axis=1)
    train = ts["split"] == "train"
    assert (sims[train.to_numpy()] <= 0.7).all()  # no training tool close to an unseen target
    assert (
        (ts["split"] == EXCLUDED).to_numpy()
        == ((sims > 0.7) & ~ts["split"].isin(["unseen", "val", "test"]).to_numpy())
    ).all()
    samples = pd.DataFrame(
        {
            "sample_id": [f"s{i}" for i in range(600)],
            "tool_uid": [f"t{i % 160:03d}" for i in range(600)],
            "scenario": "single",
            "field_key": "x",
        }
    )
    ss = assign_samples(samples, ts)
    assert leaks(ts, ss) == [] and EXCLUDED not in set(ss["split"])
    perm = np.random.default_rng(7).permutation(len(tools))
    again = split_tools(tools.iloc[perm], emb[perm], cfg)
    assert dict(zip(again["uid"], again["split"], strict=True)) == dict(
        zip(ts["uid"], ts["split"], strict=True)
    )  # seeded, order-free
    assert not split_tools(tools, emb, SplitConfig(seed=4))["split"].equals(ts["split"])


# ---- code versions follow prompts -------------------------------------------------------------
def test_prompt_edit_changes_exactly_the_dependent_versions(tmp_path, monkeypatch):
    from gtm_core import prompts
    from gtm_core.carg.versions import code_versions

    copy = tmp_path / "prompts"
    shutil.copytree(prompts.PROMPTS_DIR, copy)
    monkeypatch.setattr(prompts, "PROMPTS_DIR", copy)
    before = code_versions()
    (copy / "carg_multi.j2").write_text((copy / "carg_multi.j2").read_text() + "\nBe concise.")
    after = code_versions()
    assert {k for k in before if before[k] != after[k]} == {"multi_turn_samples"}
    (copy / "judge_coherence.j2").write_text(
        (copy / "judge_coherence.j2").read_text() + "\nBe strict."
    )
    again = code_versions()
    assert {k for k in after if after[k] != again[k]} == {
        "single_turn_samples",
        "multi_turn_samples",
    }


# ---- compiled fast path agrees with jsonschema ---------------------------------------------------
def test_fastschema_agrees_with_jsonschema_on_real_specs():
    from jsonschema import Draft202012Validator

    from gtm_core.carg.fastschema import compile_schema

    data = shared_data()
    teacher = OfflineTeacher()
    compiled = compared = 0
    for f in (
        "seal_tools_tools.jsonl",
        "bfcl_tools.jsonl",
        "toolbench_rapidapi_tools.jsonl",
        "mcp_tools.jsonl",
        "nestful_tools.jsonl",
    ):
        specs, _ = parse_specs([json.loads(line) for line in (data / f).open()][:120])
        for spec, text in zip(
            specs, teacher.generate([single.request(s, "X", 2) for s in specs]), strict=True
        ):
            fast = compile_schema(spec.parameters)
            if fast is None:
                continue
            compiled += 1
            ref = Draft202012Validator(spec.parameters)
            rng = random.Random(spec.name)
            for s in single.parse(
                text, spec, field="X", field_key="x", n=2, round_=0, generation="g", teacher="t"
            ):
                variants = [s.arguments, {}, {**s.arguments, "zz_extra": 1}]
                for kind in E.ERROR_TYPES:
                    made = E.make_error(spec, s.arguments, kind, rng)
                    if made:
                        variants.append(made[0])
                for k in list(s.arguments)[:2]:
                    variants += [
                        {**s.arguments, k: None},
                        {**s.arguments, k: 1.5},
                        {**s.arguments, k: True},
                        {**s.arguments, k: [1]},
                    ]
                for v in variants:
                    compared += 1
                    assert fast(v) == ref.is_valid(v), (spec.name, v)
    assert compiled > 300 and compared > 5000


def test_multi_turn_values_flow_from_earlier_outputs(tmp_path):
    search = ToolSpec.parse(
        {
            "name": "search_hotels",
            "description": "Search hotels in a city.",
            "field": "Travel",
            "parameters": {"properties": {"city": {"type": "string"}}, "required": ["city"]},
            "response": {
                "type": "object",
                "properties": {
                    "hotels": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "hotel_id": {"type": "string"},
                                "name": {"type": "string"},
                            },
                            "required": ["hotel_id", "name"],
                        },
                    }
                },
                "required": ["hotels"],
            },
        }
    )
    book = ToolSpec.parse(
        {
            "name": "book_hotel",
            "description": "Book a hotel found by a search.",
            "field": "Travel",
            "parameters": {
                "properties": {
                    "hotel_id": {"type": "string"},
                    "nights": {"type": "integer", "minimum": 1},
                },
                "required": ["hotel_id", "nights"],
            },
            "response": {
                "type": "object",
                "properties": {"booking_id": {"type": "string"}, "hotel_id": {"type": "string"}},
                "required": ["booking_id"],
            },
        }
    )
    emb = np.array([[1.0, 0.0], [0.8, 0.6]], dtype=np.float32)  # cosine 0.8
    store = Store(tmp_path / "m.duckdb")
    st = Generator(
        store, OfflineTeacher(), cfg=CargConfig(group_threshold=0.5, group_max=2)
    ).run_multi("travel", "Travel", [search, book], emb)
    assert st.generated == 2
    rows = store.read("carg_samples")
    final = rows[rows["tool_name"] == "book_hotel"].iloc[0]
    hist = json.loads(final["history"])
    assert [h["tool"] for h in hist] == ["search_hotels"] and json.loads(final["group_tools"]) == [
        "search_hotels",
        "book_hotel",
    ]
    ids = {h["hotel_id"] for h in hist[0]["output"]["hotels"]}
    assert json.loads(final["arguments"])["hotel_id"] in ids
    assert final["coherence"] == pytest.approx(0.8, abs=1e-5)
    assert json.loads(final["checks"]) == {
        "group": True,
        "parse": True,
        "format": True,
        "contradiction": True,
        "coherence": True,
        "history": True,
        "state": True,
    }
    # a group below the threshold is rejected with its reason, not silently dropped
    st = Generator(store, OfflineTeacher(), cfg=CargConfig(group_threshold=0.9)).run_multi(
        "travel2", "Travel", [search, book], emb
    )
    rej = store.read("carg_rejects", "field_key = 'travel2'")
    assert st.rejected == 2 and all("similarity > 0.9" in r for r in rej["reasons"])


def _id_age_tool(name: str, description: str):
    """A tool taking an ``id`` and answering ``{id, age}``."""
    from gtm_core.spec import ToolSpec

    return ToolSpec.parse(
        {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
            "response": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "age": {"type": "integer"}},
            },
        }
    )


def test_samples_show_the_response_format_as_schema_prose_or_not_at_all():
    """About a quarter of the CARG samples show their tool's response schema as prose naming its
    fields, half show no response format: their output is then the JSON record where the
    description says the tool returns one, else the tool's plain-text answer. The rest, schema-less
    tools and tools already answered in the history are shown as they are."""
    from gtm_core.carg.export import NO_RESPONSE_SHARE, PROSE_RESPONSE_SHARE, example, shown_sample
    from gtm_core.carg.records import Sample
    from gtm_core.spec import ToolSpec

    spec = _id_age_tool("get_user", "Get a user")
    bare = ToolSpec.parse({**spec.to_public(), "name": "ping", "response": None})
    record = {"id": "a", "age": 3}
    samples = [
        Sample(
            f"s{i}", "single", "f", "F", spec.uid, spec.name, arguments={"id": "a"}, output=record
        )
        for i in range(400)
    ]
    shown = [shown_sample(spec, s) for s in samples]
    assert [shown_sample(spec, s) for s in samples] == shown  # deterministic
    prose = [x.response for x, _ in shown if isinstance(x.response, str)]
    assert abs(len(prose) / len(samples) - PROSE_RESPONSE_SHARE) < 0.08
    assert all("id (text)" in p and "age (integer)" in p and "JSON" in p for p in prose)
    hidden = [(x, out) for x, out in shown if x.response is None]
    assert abs(len(hidden) / len(samples) - NO_RESPONSE_SHARE) < 0.08
    said = [out for x, out in hidden if "JSON" in x.description]
    texts = [out for x, out in hidden if "JSON" not in x.description]
    assert said and all(out == record for out in said)
    assert texts and all(out == "User for a:\nid: a\nage: 3" for out in texts)
    assert all(out == record for x, out in shown if x.response is not None)
    assert all(shown_sample(bare, s) == (bare, record) for s in samples[:20])
    i = next(n for n, (x, _) in enumerate(shown) if isinstance(x.response, str))
    rec = example(spec, samples[i])["messages"]
    assert prose[0] in rec[1]["content"] and rec[2]["content"] == '{"id": "a", "age": 3}'
    # a tool the history already answered keeps its schema; an error stays an error without one
    answered = [
        Sample(
            s.sample_id,
            "multi",
            "f",
            "F",
            spec.uid,
            spec.name,
            arguments={"id": "a"},
            output=record,
            history=[{"tool": "get_user", "arguments": {"id": "b"}, "output": record}],
        )
        for s in samples
    ]
    assert all(shown_sample(spec, s)[0].response is not None for s in answered)
    err = {"error": {"type": "not_found", "message": "no user a", "field": "id"}}
    failed = [
        Sample(
            s.sample_id, "error", "f", "F", spec.uid, spec.name, arguments={"id": "a"}, output=err
        )
        for s in samples
    ]
    assert all(shown_sample(spec, s)[1] == err for s in failed)


def test_a_tool_named_for_one_value_answers_it_bare_without_a_schema():
    """Shown without its response schema, a tool named for one scalar field of its result answers
    that value bare, as functions do (``get_rating_by_asin`` -> ``4.1``); a field that is an
    argument, a list, or the result of an acting tool is not a named value."""
    from gtm_core.carg.export import shown_sample
    from gtm_core.carg.records import Sample
    from gtm_core.text_answer import named_value

    assert named_value("get_rating_by_asin", {"asin": "B1"}, {"asin": "B1", "rating": 4.1}) == 4.1
    assert named_value("getCyclingSpeed", {}, {"speed": "31 km/h"}) == "31 km/h"
    assert named_value("get_user_age", {"id": "a"}, {"id": "a", "age": 0}) == 0
    assert named_value("decode_vin", {"vin": "X"}, {"vin": "X", "make": "Ford"}) is None
    assert named_value("search_songs", {}, {"songs": ["a"]}) is None
    assert named_value("create_url", {}, {"url": "https://x"}) is None
    assert named_value("rating", {}, {"rating": 4}) is None
    spec = _id_age_tool("get_user_age", "Get the age of a user")
    samples = [
        Sample(
            f"s{i}",
            "single",
            "f",
            "F",
            spec.uid,
            spec.name,
            arguments={"id": "a"},
            output={"id": "a", "age": 3},
        )
        for i in range(200)
    ]
    hidden = [out for x, out in map(shown_sample, [spec] * 200, samples) if x.response is None]
    assert 3 in hidden and {"id": "a", "age": 3} in hidden  # bare, or a record where described
    assert all(out in (3, {"id": "a", "age": 3}) for out in hidden)


def test_text_answers_name_the_call_and_its_result():
    """A schema-less tool's plain-text answer: a status line for a state-changing tool (arguments
    and the result's ids), a heading and field lines for a reading tool."""
    from gtm_core.text_answer import past_tense, text_answer

    assert (
        text_answer(
            "addFootnoteToDocument", {"filename": "a.docx", "paragraph": 0}, {"id": "fn1", "x": 2}
        )
        == "Successfully added footnote to document: filename a.docx, paragraph 0, id fn1."
    )
    assert text_answer("send-email", {}) == "Successfully sent email."
    assert (
        text_answer("search_hotels", {"city": "Rome"}, [{"hotel_id": "h1", "price": 120}, "x"])
        == "Hotels for Rome:\n- hotel id: h1, price: 120\n- x"
    )
    assert (
        text_answer("weather", {"city": "Oslo"}, {"now": {"temp": -3}, "days": [1, 2]})
        == "Weather for Oslo:\ntemp: -3\ndays:\n  - 1\n  - 2"
    )
    assert text_answer("ping", {}) == "Ping."
    assert [past_tense(v) for v in ("create", "copy", "stop", "play", "send")] == [
        "created",
        "copied",
        "stopped",
        "played",
        "sent",
    ]
