"""Schema-constrained decoding with a real tiny model on CPU, and the GPU/endpoint request
shapes."""

from __future__ import annotations

import random

import pytest
from _sim_support import real_specs, tiny_model_dir  # noqa: F401 - fixture
from jsonschema import Draft202012Validator

from gtm_core.chat_format import build_messages
from gtm_core.llm.base import ChatRequest
from gtm_core.simulator import SimCall, SimOptions, Simulator
from gtm_core.simulator.backends import (
    ERROR_SCHEMA,
    MODEL_ERROR_SCHEMA,
    decoding_schema,
    tighten_schema,
)
from gtm_core.simulator.response_format import response_schema_for
from gtm_core.synth import ValueSynth


def _specs_with_schema(n_seal: int, n_rapid: int):
    seal = [s for s in real_specs("seal_tools_tools.jsonl", 600) if s.response_schema][:n_seal]
    rapid = [
        s
        for s in real_specs("toolbench_rapidapi_tools.jsonl", 1500)
        if s.response_schema and s.response_schema.get("properties")
    ][:n_rapid]
    return seal + rapid


def test_every_output_parses_and_validates(tiny_model_dir):  # noqa: F811
    from gtm_core.simulator.backends import TransformersSimBackend

    specs = _specs_with_schema(150, 60)
    assert len(specs) >= 200
    backend = TransformersSimBackend(tiny_model_dir, max_tokens=96, batch_size=32)
    # what the grammar guarantees is measured on the model's own outputs: an untrained tiny model's
    # looping text would otherwise be answered by the rules (rules_fallback)
    sim = Simulator(specs, backend, max_tokens=96, max_retries=3, without=("rules_fallback",))
    vs = ValueSynth(random.Random(0))
    calls = [
        SimCall(
            s.name,
            vs.arguments(s.parameters),
            options=SimOptions(allow_errors=False, use_cache=False),
        )
        for s in specs
    ]
    results = []
    for i in range(0, len(calls), 32):
        results += sim.simulate_batch(calls[i : i + 32])
    assert len(results) >= 200
    failures = [(r.tool, r.output) for r in results if r.source != "model"]
    assert not failures, failures[:3]
    for s, r in zip(specs, results, strict=True):
        assert not list(Draft202012Validator(response_schema_for(s, None)).iter_errors(r.output)), (
            s.name,
            r.output,
        )
    assert sim.counters["model_calls"] >= len(specs)
    # with allow_errors the model may also answer with a well-formed error payload
    mixed = sim.simulate_batch(
        [
            SimCall(s.name, c.arguments, options=SimOptions(use_cache=False))
            for s, c in zip(specs[:32], calls[:32], strict=True)
        ]
    )
    for s, r in zip(specs[:32], mixed, strict=True):
        schema = ERROR_SCHEMA if r.is_error else response_schema_for(s, None)
        assert r.source == "model" and not list(Draft202012Validator(schema).iter_errors(r.output))


def test_a_budget_too_small_for_the_required_fields_grows_on_retry(tiny_model_dir):  # noqa: F811
    """An output the token budget cuts off before its required fields close is retried with twice
    the budget per attempt: no call ends as a ``simulator_error``."""
    from gtm_core.simulator.backends import TransformersSimBackend, retry_requests

    req = ChatRequest(messages=[{"role": "user", "content": "x"}], max_tokens=12)
    assert [retry_requests([req], a)[0].max_tokens for a in range(4)] == [12, 24, 48, 96]
    specs = [
        s
        for s in _specs_with_schema(60, 60)
        if len(response_schema_for(s, None).get("required", [])) >= 3
    ][:24]
    assert len(specs) >= 8
    backend = TransformersSimBackend(tiny_model_dir, max_tokens=12, batch_size=32)
    sim = Simulator(specs, backend, max_tokens=12, max_retries=3, without=("rules_fallback",))
    vs = ValueSynth(random.Random(1))
    opts = SimOptions(allow_errors=False, use_cache=False)
    results = sim.simulate_batch(
        [SimCall(s.name, vs.arguments(s.parameters), options=opts) for s in specs]
    )
    assert sim.counters["retries"] > 0  # the first budget was too small for some
    assert [r.source for r in results] == ["model"] * len(specs), [
        r.output for r in results if r.source != "model"
    ][:2]
    for s, r in zip(specs, results, strict=True):
        assert not list(Draft202012Validator(response_schema_for(s, None)).iter_errors(r.output))


def test_tightened_schema_is_a_subset():
    """Instances of the tightened schema (used on retries) still validate the original."""
    specs = _specs_with_schema(100, 100)
    checked = 0
    for i, s in enumerate(specs):
        t = tighten_schema(s.response_schema)
        Draft202012Validator.check_schema(t)
        inst = ValueSynth(random.Random(i)).value(t, "result")
        if not list(Draft202012Validator(t).iter_errors(inst)):
            assert not list(Draft202012Validator(s.response_schema).iter_errors(inst)), (
                s.name,
                inst,
            )
            checked += 1
    assert checked >= len(specs) * 0.9


def test_vllm_and_openai_requests_carry_the_schema():
    from gtm_core.llm.openai_compat import OpenAIChat
    from gtm_core.llm.vllm_chat import sampling_params_for

    spec = _specs_with_schema(1, 0)[0]
    schema = decoding_schema(spec.response_schema, allow_errors=True)
    assert schema == {
        "anyOf": [spec.response_schema, MODEL_ERROR_SCHEMA]
    }  # semantic error types only
    req = ChatRequest(
        messages=build_messages(spec, {}, []), response_schema=schema, seed=5, max_tokens=64
    )
    kw = sampling_params_for(req, temperature=0.0, max_tokens=512)
    assert kw == {
        "temperature": 0.0,
        "max_tokens": 64,
        "seed": 5,
        "structured_outputs": {"json": schema},
    }
    body = OpenAIChat("gtm", "http://127.0.0.1:9/v1")._body(req)
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "output", "schema": schema},
    }


def _cuda() -> bool:
    try:
        import torch

        return torch.cuda.is_available()
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.gpu
@pytest.mark.skipif(not _cuda(), reason="vLLM generation needs CUDA")
def test_vllm_backend_generates_valid_json(tiny_model_dir):  # noqa: F811
    from gtm_core.simulator.backends import VLLMSimBackend

    specs = _specs_with_schema(32, 0)
    sim = Simulator(
        specs,
        VLLMSimBackend(tiny_model_dir, max_tokens=128, gpu_memory_utilization=0.3),
        max_tokens=128,
    )
    vs = ValueSynth(1)
    res = sim.simulate_batch(
        [
            SimCall(s.name, vs.arguments(s.parameters), options=SimOptions(allow_errors=False))
            for s in specs
        ]
    )
    assert all(r.source == "model" for r in res)
