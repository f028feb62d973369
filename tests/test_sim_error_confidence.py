"""A model-written semantic error stands only where the prompt gives it grounds and the model gave
the error branch at least ``error_confidence``: the decode loop reports each output's opening-token
probability (``ScoredText.head_prob``) and the engine decodes a result instead of a low-confidence
or ungrounded error."""

from __future__ import annotations

import json

import pytest
from _sim_support import real_specs, tiny_model_dir  # noqa: F401 - fixture

from gtm_core.llm.base import ScoredText
from gtm_core.simulator.backends import MODEL_ERROR_SCHEMA, TransformersSimBackend
from gtm_core.simulator.engine import SimCall, Simulator
from gtm_core.simulator.response_format import (
    UNTYPED_RESULT_SCHEMA,
    VALUE_SCHEMA,
    response_schema_for,
)
from gtm_core.spec import ToolSpec

SPEC = ToolSpec.parse(
    {
        "name": "get_order",
        "description": "Look up an order by id",
        "parameters": {
            "type": "object",
            "properties": {"id": {"type": "string"}},
            "required": ["id"],
        },
        "response": {
            "type": "object",
            "properties": {"status": {"type": "string"}},
            "required": ["status"],
        },
    }
)
NOT_FOUND = json.dumps({"error": {"type": "not_found", "message": "No order 'A1'.", "field": "id"}})


class ScriptedModel:
    """A model stand-in that answers an error with probability ``p_error`` whenever the grammar
    allows one, else a result; it records the schemas it was asked to decode under."""

    constrains = True
    name = "scripted"

    def __init__(self, p_error: float):
        self.p_error, self.schemas = p_error, []

    def generate(self, requests, *, attempt: int = 0):
        out = []
        for r in requests:
            self.schemas.append(r.response_schema)
            errors_allowed = (
                r.response_schema is None
                or MODEL_ERROR_SCHEMA in r.response_schema.get("anyOf", ())
            )
            result = (
                '"shipped"'
                if r.response_schema == UNTYPED_RESULT_SCHEMA
                else '{"status": "shipped"}'
            )
            out.append(
                ScoredText(NOT_FOUND, self.p_error) if errors_allowed else ScoredText(result, 0.9)
            )
        return out


@pytest.mark.parametrize(
    "p_error,threshold,want_error", [(0.3, 0.5, False), (0.8, 0.5, True), (0.3, 0.0, True)]
)
def test_low_confidence_errors_become_results(p_error, threshold, want_error) -> None:
    model = ScriptedModel(p_error)
    sim = Simulator([SPEC], model, error_confidence=threshold, error_evidence=False)
    res = sim.simulate_batch([SimCall("get_order", {"id": "A1"})])[0]
    assert res.source == "model" and res.is_error == want_error
    if not want_error:
        assert res.output == {"status": "shipped"}
        assert model.schemas[-1] == response_schema_for(
            SPEC, None
        )  # re-decoded without the error branch
        assert sim.stats()["counters"]["errors_declined"] == 1
        assert res.attempts == 1  # the re-decode used no retry (same attempt, same bounds)


PARCEL = SPEC.model_copy(
    update={"name": "track_parcel"}
)  # a read, by its name (``get_order`` reads as a write)
TIMEOUT = {"error": {"type": "execution_error", "message": "Read timed out.", "field": None}}
GATED = {
    "error": {
        "type": "missing_required",
        "message": "Missing required parameter 'id'.",
        "field": "id",
    }
}


@pytest.mark.parametrize(
    "history,examples,p_error,want_error",
    [
        ([], None, 0.99, False),  # no grounds: even a confident error is declined
        (
            [{"tool": "track_parcel", "arguments": {"id": "A0"}, "output": TIMEOUT}],
            None,
            0.95,
            True,
        ),  # seen failing
        (
            [{"tool": "track_parcel", "arguments": {"id": "A0"}, "output": TIMEOUT}],
            None,
            0.5,
            False,
        ),  # ... but unsure
        (
            [{"tool": "track_parcel", "arguments": {}, "output": GATED}],
            None,
            0.99,
            False,
        ),  # the gate's error: no grounds
        (
            [{"tool": "list_parcels", "arguments": {}, "output": TIMEOUT}],
            None,
            0.99,
            False,
        ),  # another tool's failure
        (
            [{"tool": "cancel_parcel", "arguments": {"id": "A1"}, "output": {"ok": True}}],
            None,
            0.95,
            True,
        ),  # a write
        (
            [],
            [{"tool": "track_parcel", "arguments": {"id": "B2"}, "output": TIMEOUT}],
            0.95,
            True,
        ),  # a recorded failure
        (
            [],
            [{"tool": "track_parcel", "arguments": {"id": "B2"}, "output": {"status": "shipped"}}],
            0.99,
            False,
        ),
    ],
)
def test_a_model_written_error_needs_grounds_in_the_prompt(
    history, examples, p_error, want_error
) -> None:
    """With ``error_evidence`` (the default) a semantic error stands only where the prompt shows the
    tool failing (its history or its recorded calls) or an earlier state-changing call, and then
    only above ``error_confidence``; otherwise a result is decoded in its place."""
    model = ScriptedModel(p_error)
    sim = Simulator([PARCEL], model, error_confidence=0.9)
    res = sim.simulate_batch(
        [SimCall("track_parcel", {"id": "A1"}, history=history, examples=examples)]
    )[0]
    assert res.source == "model" and res.is_error == want_error
    assert sim.stats()["counters"].get("errors_declined", 0) == (not want_error)


def test_an_error_without_grounds_is_declined_without_probabilities() -> None:
    """A backend that reports no head probability (vLLM, an API) gets the same rule: an error
    without grounds is decoded again as a result; with grounds it stands."""

    class Unscored(ScriptedModel):
        def generate(self, requests, *, attempt: int = 0):
            return [str(t) for t in super().generate(requests, attempt=attempt)]

    sim = Simulator([PARCEL], Unscored(1.0), error_confidence=0.9)
    plain, grounded = sim.simulate_batch(
        [
            SimCall("track_parcel", {"id": "A1"}),
            SimCall(
                "track_parcel",
                {"id": "A1"},
                history=[{"tool": "track_parcel", "arguments": {"id": "A0"}, "output": TIMEOUT}],
            ),
        ]
    )
    assert plain.output == {"status": "shipped"} and grounded.is_error


def test_bad_threshold_names_the_field() -> None:
    with pytest.raises(ValueError, match="error_confidence"):
        Simulator([SPEC], ScriptedModel(0.5), error_confidence=1.5)


def test_decode_loop_reports_head_probability(tiny_model_dir) -> None:  # noqa: F811
    """The real decode loop: ``head_prob`` is the grammar-masked probability of the first
    ``HEAD_TOKENS`` greedy tokens, recomputed here step by step with HF forward passes and
    xgrammar."""
    import torch
    import xgrammar as xgr

    from gtm_core.chat_format import build_messages
    from gtm_core.llm.base import ChatRequest
    from gtm_core.llm.decode import HEAD_TOKENS

    be = TransformersSimBackend(tiny_model_dir, max_tokens=24, batch_size=4, prefix_cache=False)
    specs = [s for s in real_specs("seal_tools_tools.jsonl", 600) if s.response_schema][:3]
    reqs = [
        ChatRequest(messages=build_messages(s, {}, []), response_schema=schema, max_tokens=24)
        for s in specs
        for schema in (VALUE_SCHEMA, s.response_schema)
    ]
    outs = be.generate(reqs)
    model = be.chat.model
    for req, out in zip(reqs, outs, strict=True):
        assert isinstance(out, ScoredText) and 0 < out.head_prob <= 1
        row = be.rows([req])[0]
        ids, lp = list(row.prompt), 0.0
        mask = xgr.allocate_token_bitmask(1, be._vocab)
        with torch.no_grad():
            for _ in range(HEAD_TOKENS):
                logits = model(torch.tensor([ids])).logits[:, -1].float()
                row.matcher.fill_next_token_bitmask(mask)
                xgr.apply_token_bitmask_inplace(
                    logits, mask, vocab_size=min(be._vocab, logits.shape[-1])
                )
                t = int(logits.argmax(-1))
                lp += float(torch.log_softmax(logits, -1)[0, t])
                row.matcher.accept_token(t)
                ids.append(t)
        assert out.head_prob == pytest.approx(float(torch.tensor(lp).exp()), rel=1e-3, abs=1e-5)


def test_a_declined_error_of_a_tool_without_response_schema_is_never_an_error_payload() -> None:
    """A declined error is re-decoded under ``UNTYPED_RESULT_SCHEMA``: its grammar admits text,
    numbers, lists and objects but one whose one key is ``error``, so no ``{"error": ...}`` (an
    error payload whatever it holds) can come back."""
    import xgrammar as xgr

    g = xgr.Grammar.from_json_schema(json.dumps(UNTYPED_RESULT_SCHEMA), any_whitespace=False)
    accept = {
        t: xgr.testing._is_grammar_accept_string(g, t)
        for t in (
            '"Completed."',
            "3.5",
            '["a", 1]',
            "null",
            '{"error": "x"}',
            '{"error": {"type": "not_found"}}',
            '{"id": 3, "name": "x"}',
            '{"status": "ok"}',
        )
    }
    assert accept == {
        '"Completed."': True,
        "3.5": True,
        '["a", 1]': True,
        "null": True,
        '{"error": "x"}': False,
        '{"error": {"type": "not_found"}}': False,
        '{"id": 3, "name": "x"}': True,
        '{"status": "ok"}': True,
    }
    spec = ToolSpec.parse(
        {"name": "notes", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}
    )
    model = ScriptedModel(0.3)
    res = Simulator([spec], model, error_confidence=0.5).simulate_batch(
        [SimCall("notes", {"q": "x"})]
    )[0]
    assert model.schemas[-1] == UNTYPED_RESULT_SCHEMA and res.source == "model" and not res.is_error


def test_a_tool_without_response_schema_answers_the_object_the_model_writes() -> None:
    """A tool without a response schema may answer a JSON record as well as text: the object the
    model writes is the result, never re-decoded into a string (a started object stays an
    object)."""
    import xgrammar as xgr

    from gtm_core.simulator.backends import decoding_schema
    from gtm_core.simulator.response_format import decision_schema

    spec = ToolSpec.parse(
        {
            "name": "notes",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
            "response": "JSON-encoded DB record(s) on success",
        }
    )
    assert response_schema_for(spec, None) == UNTYPED_RESULT_SCHEMA
    first = decoding_schema(decision_schema(spec, response_schema_for(spec, None)), True)
    g = xgr.Grammar.from_json_schema(json.dumps(first), any_whitespace=False)
    for text in ('{"results": [1], "total": 1}', NOT_FOUND, '"Completed."'):
        assert xgr.testing._is_grammar_accept_string(g, text), text

    class ObjectLeaning(ScriptedModel):
        def generate(self, requests, *, attempt: int = 0):
            self.schemas += [r.response_schema for r in requests]
            return [ScoredText('{"results": [1], "total": 1}', 0.95) for _ in requests]

    model = ObjectLeaning(0.0)
    sim = Simulator([spec], model, error_confidence=0.9)
    res = sim.simulate_batch([SimCall("notes", {"q": "x"})])[0]
    assert res.output == {"results": [1], "total": 1} and res.source == "model"
    assert len(model.schemas) == 1 and not sim.stats()["counters"].get("results_reshaped")


def test_the_decode_loop_declines_errors_in_place(tiny_model_dir) -> None:  # noqa: F811
    """The decode loop declines a low-confidence error itself: the row restarts from its prompt's KV
    under the result grammar, giving exactly the result the engine's second request gives, in one
    request per call."""
    import random

    from gtm_core.synth import ValueSynth

    specs = [s for s in real_specs("seal_tools_tools.jsonl", 600) if s.response_schema][:24]
    vs = ValueSynth(random.Random(7))
    calls = [SimCall(s.name, vs.arguments(s.parameters, fill_optional=0.0)) for s in specs]
    in_place = TransformersSimBackend(tiny_model_dir, max_tokens=48, batch_size=8)
    engine = TransformersSimBackend(
        tiny_model_dir, max_tokens=48, batch_size=8, chat=in_place.chat, restart_in_place=False
    )
    runs = {}
    for name, be in (("in_place", in_place), ("engine", engine)):
        sent = []
        generate = be.generate

        def counting(reqs, *, attempt=0, generate=generate, sent=sent):
            sent.append(len(reqs))
            return generate(reqs, attempt=attempt)

        be.generate = counting
        sim = Simulator(
            specs, be, max_tokens=48, error_confidence=1.0
        )  # every model-written error is declined
        runs[name] = (sim.simulate_batch(calls), sim.stats()["counters"], sum(sent))
    (res_a, count_a, sent_a), (res_b, count_b, sent_b) = runs["in_place"], runs["engine"]
    declined = count_b.get("errors_declined", 0)
    assert declined > 0, "the tiny model wrote no error to decline: pick other calls"
    assert [r.output for r in res_a] == [r.output for r in res_b] and count_a.get(
        "errors_declined", 0
    ) == declined
    assert not any(
        r.is_error for r in res_a if r.source == "model"
    )  # every model-written error was declined
    assert sent_b == sent_a + declined  # the engine's path sent each declined call again
