"""Backends over real transports: an OpenAI-compatible endpoint on 127.0.0.1, model resolution."""

from __future__ import annotations

import json
import random

import pytest
from _sim_support import real_specs
from fastapi import FastAPI, Request
from jsonschema import Draft202012Validator

from gtm_core.serve.http import running
from gtm_core.simulator import SimCall, Simulator
from gtm_core.simulator.models import make_backend, model_folder
from gtm_core.simulator.response_format import response_schema_for
from gtm_core.synth import ValueSynth


def openai_compatible_app(seen: list[dict]):
    """A small OpenAI-compatible chat server that honours ``response_format: json_schema`` by
    drawing a schema-valid value; every third request answers prose (not JSON) to force retries."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):
        body = await request.json()
        seen.append(body)
        schema = body["response_format"]["json_schema"]["schema"]
        if len(seen) % 3 == 0:
            content = "Sure! Here is what the tool would return."
        else:
            content = json.dumps(
                ValueSynth(random.Random(body.get("seed", 0))).value(schema["anyOf"][0], "result")
            )
        return {
            "id": "x",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
        }

    return app


def test_openai_backend_end_to_end():
    specs = [s for s in real_specs("seal_tools_tools.jsonl", 100) if s.response_schema][:12]
    seen: list[dict] = []
    with running(openai_compatible_app(seen)) as url:
        backend = make_backend("openai", "gtm-test", base_url=f"{url}/v1", concurrency=4)
        sim = Simulator(specs, backend)
        vs = ValueSynth(0)
        res = sim.simulate_batch([SimCall(s.name, vs.arguments(s.parameters)) for s in specs])
    assert all(r.source == "model" for r in res), [r.output for r in res if r.source != "model"]
    for s, r in zip(specs, res, strict=True):
        assert not list(Draft202012Validator(response_schema_for(s, None)).iter_errors(r.output))
    assert len(seen) > len(specs)  # the prose answers were retried
    first = seen[0]
    assert first["messages"][0]["role"] == "system" and first["messages"][1]["content"].startswith(
        "TOOL: "
    )
    assert first["response_format"]["type"] == "json_schema"


def test_model_resolution(tmp_path):
    assert model_folder(tmp_path) == tmp_path
    with pytest.raises(FileNotFoundError, match="no such local path"):
        model_folder(tmp_path / "missing")
    try:
        import gtm_core.model_registry  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="gtm_core.model_registry"):
            model_folder("models:/gtm@champion")
    with pytest.raises(ValueError, match="unknown kind"):
        make_backend("nope")
    with pytest.raises(ValueError, match="base_url"):
        make_backend("openai")
