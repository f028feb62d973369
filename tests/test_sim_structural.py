"""The gate owns structural errors, the model owns behaviour: gate failures never reach the model,
the output grammar's error branch admits semantic types only, a model-written structural error is
rejected and retried, and structural-error samples are not SFT targets."""

from __future__ import annotations

import json
import random
import re

import pandas as pd
import pytest
from _sim_support import CountingBackend, real_specs, tiny_model_dir  # noqa: F401 - fixture

from gtm_core.carg import errors as E
from gtm_core.carg.export import (
    EXCLUDED_KINDS,
    GATED,
    SEMANTIC,
    STRUCTURAL,
    model_targets,
    target_kind,
)
from gtm_core.carg.records import Sample
from gtm_core.chat_format import error_payload
from gtm_core.llm.base import ChatRequest
from gtm_core.simulator import SimCall, SimOptions, Simulator
from gtm_core.simulator.backends import (
    ANY_OUTPUT_SCHEMA,
    MODEL_ERROR_SCHEMA,
    decoding_schema,
    tighten_schema,
)
from gtm_core.synth import ValueSynth
from gtm_core.tool_errors import (
    SEMANTIC_ERROR_TYPES,
    STRUCTURAL_ERROR_TYPES,
    is_structural_type,
    structural_claim,
)


@pytest.fixture(scope="module")
def seal():
    return [s for s in real_specs("seal_tools_tools.jsonl", 600) if s.required][:120]


def _bad_calls(specs) -> list[tuple[object, dict, str]]:
    """(spec, arguments, kind): CARG's four error generators applied to valid synthesized calls."""
    out = []
    for i, s in enumerate(specs):
        args = ValueSynth(random.Random(i)).arguments(s.parameters)
        for kind in STRUCTURAL_ERROR_TYPES:
            made = E.make_error(s, args, kind, random.Random(f"{i}|{kind}"))
            if made is not None and not E.v_error_exists(s, made[0], kind, made[1].field):
                out.append((s, made[0], kind))
    return out


def test_the_two_vocabularies_are_disjoint():
    assert not set(STRUCTURAL_ERROR_TYPES) & set(SEMANTIC_ERROR_TYPES)
    assert all(is_structural_type(t) for t in STRUCTURAL_ERROR_TYPES)
    assert not any(is_structural_type(t) for t in SEMANTIC_ERROR_TYPES)
    assert all(
        is_structural_type(t)
        for t in ("InvalidValue", "Missing-Parameter", "wrong_type", "VALIDATION_ERROR")
    )
    assert structural_claim(error_payload("unknown_parameter", "m", "x")) == "unknown_parameter"
    assert structural_claim(error_payload("not_found", "m", None)) is None
    assert (
        structural_claim({"error": {"type": "type_error"}, "data": 1}) is None
    )  # not an error payload
    assert MODEL_ERROR_SCHEMA["properties"]["error"]["properties"]["type"]["enum"] == list(
        SEMANTIC_ERROR_TYPES
    )


def test_gate_failures_never_reach_the_model(seal):
    """Every CARG-style structural error is answered by the gate on every path (engine, the
    evaluation/audit runner, HTTP) with the generated type; the backend is never asked."""
    from gtm_core.evaluation.runner import evaluate_model, simulate_calls
    from gtm_core.serve.http import create_app, running
    from gtm_core.serve.rl import SimulatorClient

    bad = _bad_calls(seal)
    kinds = {k for _, _, k in bad}
    assert (
        kinds == set(STRUCTURAL_ERROR_TYPES) and len(bad) >= 300
    )  # invalid_value incl. impossible dates, negative counts
    backend = CountingBackend()
    sim = Simulator(seal, backend)
    res = sim.simulate_batch(
        [SimCall(s.name, a, options=SimOptions(use_cache=False)) for s, a, _ in bad]
    )
    assert [(r.source, r.output["error"]["type"]) for r in res] == [("gate", k) for _, _, k in bad]
    runner = simulate_calls(backend, [(s, SimCall(s.name, a)) for s, a, _ in bad], batch_size=64)
    assert all(r.source == "gate" for r in runner)
    # the evaluation runner on error samples: Det is measured on the gate's answers
    rows = pd.DataFrame(
        [
            {
                **Sample(
                    f"e{i}", "error", "f", "f", s.uid, s.name, arguments=a, error_type=k
                ).to_row(),
                "split": "test",
            }
            for i, (s, a, k) in enumerate(bad[:80])
        ]
    )
    scored = evaluate_model(_ref(), rows, {s.uid: s for s in seal}, backend=backend)
    assert scored["det"].all() and set(scored["source"]) == {"gate"}
    with running(create_app(Simulator(seal, backend))) as url, SimulatorClient(url) as client:
        http = client.simulate_batch([{"tool": s.name, "arguments": a} for s, a, _ in bad[:50]])
    assert [r["source"] for r in http] == ["gate"] * 50
    assert backend.requests == 0
    # a valid call does reach it
    s = seal[0]
    assert (
        sim.simulate(s.name, ValueSynth(random.Random(0)).arguments(s.parameters)).source == "model"
    )
    assert backend.requests == 1


def _ref():
    from gtm_core.simulator.models import ModelRef

    return ModelRef(label="counting-offline")


class StructuralFirst(CountingBackend):
    """The offline backend, but its first ``bad_attempts`` answers claim a structural error (as a
    model without a grammar might)."""

    def __init__(self, bad_attempts: int, claim: str = "unknown_parameter"):
        super().__init__()
        self.bad_attempts, self.claim = bad_attempts, claim

    def generate(self, requests, *, attempt: int = 0):
        good = super().generate(requests, attempt=attempt)
        if attempt < self.bad_attempts:
            return [
                json.dumps(error_payload(self.claim, "Unknown parameter 'priority'.", "priority"))
            ] * len(good)
        return good


@pytest.mark.parametrize("claim", ["unknown_parameter", "MissingParameter", "invalid_value"])
def test_a_model_written_structural_error_is_retried(seal, claim):
    s = seal[1]
    args = ValueSynth(random.Random(1)).arguments(s.parameters)
    assert Simulator([s]).simulate(s.name, args).source != "gate"
    backend = StructuralFirst(bad_attempts=1, claim=claim)
    sim = Simulator([s], backend, max_retries=2)
    r = sim.simulate(s.name, args, options={"use_cache": False})
    assert r.source == "model" and r.attempts == 2 and sim.counters["retries"] == 1
    assert structural_claim(r.output) is None and not r.is_error
    # never a valid answer: the rules answer (rules_fallback), or without them a simulator_error,
    # never the structural error
    stubborn = Simulator([s], StructuralFirst(bad_attempts=99, claim=claim), max_retries=2)
    r = stubborn.simulate(s.name, args, options={"use_cache": False})
    assert r.source == "rules" and r.attempts == 3 and structural_claim(r.output) is None
    stubborn = Simulator(
        [s],
        StructuralFirst(bad_attempts=99, claim=claim),
        max_retries=2,
        without={"rules_fallback"},
    )
    r = stubborn.simulate(s.name, args, options={"use_cache": False})
    assert (
        r.source == "error" and r.output["error"]["type"] == "simulator_error" and r.attempts == 3
    )
    assert "structural error" in r.output["error"]["message"]


def test_a_semantic_error_is_accepted(seal):
    from gtm_core.simulator.output_check import check_output

    s = seal[2]
    text = json.dumps(error_payload("not_found", "No user with id 42.", "user_id"))
    assert check_output(text, s, allow_errors=True, strict_json=True)[0]
    assert not check_output(text, s, allow_errors=False, strict_json=True)[0]
    no_schema = s.model_copy(update={"response": "text"})
    ok, _, why = check_output(text, no_schema, allow_errors=False, strict_json=True)
    assert not ok and "allow_errors" in why


def test_offline_teacher_never_writes_an_error(seal):
    from gtm_core.simulator.backends import OfflineSimBackend

    backend = OfflineSimBackend()
    sim = Simulator(seal, backend)
    calls = [
        SimCall(
            s.name,
            ValueSynth(random.Random(i)).arguments(s.parameters),
            options=SimOptions(use_cache=False),
        )
        for i, s in enumerate(seal)
    ]
    res = sim.simulate_batch(calls)
    assert {r.source for r in res} == {"model"} and not any(r.is_error for r in res)


def test_grammar_error_branch_admits_semantic_types_only(tiny_model_dir, seal):  # noqa: F811
    """The compiled grammars reject structural error payloads and accept semantic ones, and a
    sampled decode under the error branch never yields a structural type."""
    import xgrammar as xgr

    from gtm_core.chat_format import build_messages
    from gtm_core.simulator.backends import TransformersSimBackend

    backend = TransformersSimBackend(tiny_model_dir, max_tokens=48, batch_size=16)
    spec = next(s for s in seal if s.response_schema)

    def accepts(schema, value) -> bool:
        m = xgr.GrammarMatcher(backend.grammar(schema))
        return m.accept_string(json.dumps(value)) and m.accept_token(backend.eos_ids[0])

    ok, bad = (
        error_payload("not_found", "No such record.", None),
        error_payload("unknown_parameter", "Unknown.", "x"),
    )
    for schema in (
        decoding_schema(spec.response_schema, True),
        None,
    ):  # None: a tool without a response schema
        assert accepts(schema, ok) and not accepts(schema, bad), schema
    assert accepts(None, {"items": [1, "a"], "next": None}) and accepts(None, "plain text")
    # the error branch alone (message bounded so an untrained model ends within budget), sampled
    branch = tighten_schema(MODEL_ERROR_SCHEMA, max_string=6)
    reqs = [
        ChatRequest(
            messages=build_messages(spec, {}, []),
            response_schema=branch,
            temperature=1.0,
            seed=i,
            max_tokens=64,
        )
        for i in range(16)
    ]
    texts = backend.generate(reqs)
    types = [
        m.group(1) for m in (re.match(r'\{"error": \{"type": "([a-z_]+)"', t) for t in texts) if m
    ]
    assert len(types) == 16, texts  # the type is the first value decoded
    assert set(types) <= set(SEMANTIC_ERROR_TYPES) and len(set(types)) > 1
    assert (
        ANY_OUTPUT_SCHEMA["anyOf"][1]["properties"]["error"]
        == MODEL_ERROR_SCHEMA["properties"]["error"]
    )


def test_sft_mix_excludes_structural_errors(seal, tmp_path):
    """Real CARG samples (offline teacher, real DuckDB): structural-error samples and calls the gate
    answers are not targets; single / multi / semantic error samples are; the mix counts them
    all."""
    from carg_data import write_tools

    from gtm_core.carg.generate import CargConfig, Generator
    from gtm_core.carg.records import SAMPLES_TABLE, from_frame
    from gtm_core.llm.offline import OfflineTeacher
    from gtm_core.storage import Store

    specs = [s.model_copy(update={"field": "Sports"}) for s in seal[:12]]
    store = Store(tmp_path / "gtm.duckdb")
    write_tools(store, specs)
    gen = Generator(store, OfflineTeacher(), cfg=CargConfig(samples_per_tool=2, batch_tools=6))
    gen.run_single("sports", "Sports", specs)
    gen.run_error("sports", "Sports", specs)
    samples = from_frame(store.read(SAMPLES_TABLE))
    by_uid = {s.uid: s for s in specs}
    errs = [s for s in samples if s.scenario == "error"]
    assert errs and {s.error_type for s in errs} <= set(STRUCTURAL_ERROR_TYPES)
    # a semantic error sample (state-dependent: the record is gone) and a single-turn call that
    # fails the gate
    single = next(s for s in samples if s.scenario == "single")
    extra = [
        Sample(
            "sem1",
            "error",
            "sports",
            "Sports",
            single.tool_uid,
            single.tool_name,
            arguments=single.arguments,
            output=error_payload("not_found", "No such record.", None),
            error_type="not_found",
        ),
        Sample(
            "gated1",
            "single",
            "sports",
            "Sports",
            single.tool_uid,
            single.tool_name,
            arguments={**single.arguments, "unexpected_flag": True},
            output=single.output,
        ),
    ]
    rows = pd.DataFrame(
        [
            {
                "sample_id": s.sample_id,
                "split": ("train", "val", "test")[i % 3],
                "scenario": s.scenario,
                "kind": target_kind(by_uid[s.tool_uid], s.arguments, s.output, s.scenario),
            }
            for i, s in enumerate(samples + extra)
        ]
    )
    kept, mix = model_targets(rows)
    assert dict(zip(rows["sample_id"], rows["kind"], strict=True))["sem1"] == SEMANTIC
    assert dict(zip(rows["sample_id"], rows["kind"], strict=True))["gated1"] == GATED
    assert set(rows.loc[rows["scenario"] == "error", "kind"]) == {STRUCTURAL, SEMANTIC}
    assert not kept["kind"].isin(EXCLUDED_KINDS).any()
    assert set(kept["sample_id"]) == {s.sample_id for s in samples if s.scenario == "single"} | {
        "sem1"
    }
    assert sum(n for v in mix.values() for n in v.values()) == len(rows)
    assert sum(v.get(STRUCTURAL, 0) for v in mix.values()) == len(errs)
    assert set(mix) == {"train", "val", "test", "unseen"} and mix["unseen"] == {}
