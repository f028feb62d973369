"""Recorded real calls as in-context examples: the index, the prompt lines, the train rows (own
episode left out, held-out calls never shown) and the engine's requests."""

from __future__ import annotations

import json

import pytest
from _sim_support import CountingBackend

from gtm_core import chat_format
from gtm_core.evaluation.real_split import (
    RealSplitConfig,
    build_split,
    train_example_index,
    unrecorded,
)
from gtm_core.evaluation.real_traces import episode_key, load_all_calls, shared_pairs
from gtm_core.simulator.engine import SimCall, SimOptions, Simulator
from gtm_core.simulator.examples import ExampleIndex, RealExample
from gtm_core.spec import ToolSpec, returned_fields


def _spec(name: str, description: str) -> ToolSpec:
    return ToolSpec.parse(
        {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        }
    )


def _records() -> list[RealExample]:
    weather = "Get the current weather forecast for a city"
    return [
        RealExample("get_weather", weather, {"city": c}, {"temp_c": t, "city": c}, f"ep{i}")
        for i, (c, t) in enumerate([("Paris", 11), ("Oslo", -2), ("Rome", 17)])
    ] + [
        RealExample(
            "convert_currency",
            "Convert an amount of money between two currencies",
            {"amount": 3},
            {"result": 2.7},
            "ep9",
        )
    ]


def test_same_tool_first_own_episode_left_out(embedder) -> None:
    ix = ExampleIndex(_records(), k=2, embedder=embedder)
    spec = _spec("get_weather", "Get the current weather forecast for a city")
    got = ix.for_tool(spec)
    assert len(got) == 2 and all(g["tool"] == "get_weather" for g in got)
    episodes = {json.dumps(e.arguments): e.episode for e in _records()}
    for ep in ("ep0", "ep1", "ep2"):
        shown = ix.for_tool(spec, exclude_episode=ep)
        assert len(shown) == 2 and all(episodes[json.dumps(g["arguments"])] != ep for g in shown)
    assert ExampleIndex(_records(), k=0, embedder=embedder).for_tool(spec) == []


def test_nearest_tools_above_threshold_only(embedder) -> None:
    ix = ExampleIndex(_records(), k=2, min_similarity=0.6, embedder=embedder)
    near = _spec("weather_forecast", "Weather forecast of a city for today")
    sims = dict(ix.neighbours(near, 5))
    assert "get_weather" in sims and sims["get_weather"] >= 0.6
    assert "convert_currency" not in sims  # unrelated: below the threshold
    assert [g["tool"] for g in ix.for_tool(near)] == [
        "get_weather"
    ]  # one example per neighbour tool
    far = _spec("translate_text", "Translate a sentence into French")
    assert ix.for_tool(far) == []


@pytest.mark.parametrize("field,value", [("k", -1), ("min_similarity", 2.0)])
def test_bad_settings_name_the_field(field, value) -> None:
    with pytest.raises(ValueError, match=field):
        ExampleIndex([], **{field: value})


def test_prompt_shows_examples_within_budget() -> None:
    spec = _spec("get_weather", "weather")
    big = {"tool": "get_weather", "arguments": {"city": "x"}, "output": {"text": "y" * 5000}}
    text = chat_format.user_content(spec, {"city": "Paris"}, None, None, [big, big, big])
    lines = [ln for ln in text.splitlines() if ln.startswith("EXAMPLE[")]
    assert 1 <= len(lines) <= 2 and sum(map(len, lines)) <= chat_format.EXAMPLES_CHARS
    assert text.index("TOOL:") < text.index("EXAMPLE[0]:") < text.index("CALL:")
    assert "EXAMPLE[" not in chat_format.user_content(spec, {"city": "Paris"})


def test_long_arguments_never_hide_the_output() -> None:
    """A recorded call whose arguments are a whole file still shows what the tool answered, in the
    examples and in the history, within the line's budget; a short call is its JSON as it is."""
    spec = _spec("write_file", "Write a file")
    long = {
        "tool": "write_file",
        "arguments": {"path": "/a.md", "content": "line\n" * 2000},
        "output": "Successfully wrote to /a.md (2000 lines)",
    }
    text = chat_format.user_content(spec, {"path": "/b.md", "content": "x"}, [long], None, [long])
    for prefix, limit in (
        ("EXAMPLE[0]: ", chat_format.EXAMPLE_ITEM_CHARS),
        ("HISTORY[0]: ", chat_format.HISTORY_ITEM_CHARS),
    ):
        line = next(ln for ln in text.splitlines() if ln.startswith(prefix))
        assert line.endswith(', "output": "Successfully wrote to /a.md (2000 lines)"}')
        assert "chars truncated]" in line and len(line) <= len(prefix) + limit
    huge_out = {**long, "output": "y" * 9000}  # both long: the output keeps half the room
    line = chat_format.call_line(huge_out, 450)
    assert len(line) <= 450 and line.count("chars truncated]") == 2
    assert len(line.split('"output": ')[1]) >= 200
    short = {"tool": "write_file", "arguments": {"path": "/a.md"}, "output": "ok"}
    assert chat_format.call_line(short, 450) == json.dumps(short)


def test_engine_sends_index_examples_and_explicit_ones(embedder) -> None:
    seen: list[str] = []

    class Recording(CountingBackend):
        def generate(self, requests, *, attempt: int = 0):
            seen.extend(r.messages[-1]["content"] for r in requests)
            return super().generate(requests, attempt=attempt)

    spec = _spec("get_weather", "Get the current weather forecast for a city")
    sim = Simulator([spec], Recording(), examples=ExampleIndex(_records(), k=1, embedder=embedder))
    sim.simulate_batch([SimCall("get_weather", {"city": "Lima"})])
    assert "EXAMPLE[0]: " in seen[-1] and '"get_weather"' in seen[-1].split("EXAMPLE[0]: ")[1]
    sim.simulate_batch([SimCall("get_weather", {"city": "Kyiv"}, examples=[])])
    assert "EXAMPLE[" not in seen[-1]  # explicit (empty) examples win over the index


def test_recorded_calls_relax_required_parameters(embedder) -> None:
    """A required parameter that an answered recorded call of the same tool did without is not
    required (API-Bank's Translate defaults ``src_lang``); such a call fails the declared gate, so
    its record is evidence only, never shown. Error answers, other tools and an alias spelling of
    the parameter relax nothing."""
    spec = ToolSpec.parse(
        {
            "name": "Translate",
            "description": "Translate text",
            "parameters": {
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "src_lang": {"type": "string"},
                    "tgt_lang": {"type": "string"},
                },
                "required": ["text", "src_lang", "tgt_lang"],
            },
        }
    )
    no_src = RealExample(
        "Translate",
        "Translate text",
        {"text": "hola", "tgt_lang": "en"},
        "hello",
        "ep1",
        gated=True,
    )
    failed = RealExample(
        "Translate",
        "Translate text",
        {"text": "x"},
        {"error": {"type": "execution_error"}},
        "ep2",
        gated=True,
    )
    alias = RealExample(
        "Translate", "Translate text", {"text": "y", "Src-Lang": "es", "tgt_lang": "en"}, "y", "ep3"
    )
    other = RealExample("Detect", "Detect a language", {}, "es", "ep4")

    assert ExampleIndex([failed, alias, other], k=2, embedder=embedder).relaxed(spec) is spec
    ix = ExampleIndex([no_src, failed, alias, other], k=2, embedder=embedder)
    relaxed = ix.relaxed(spec)
    assert relaxed.required == ["text", "tgt_lang"] and relaxed.parameters["required"] == [
        "text",
        "tgt_lang",
    ]
    assert (
        ix.relaxed(spec) is relaxed
    )  # one object per spec: the engine and audit key tools by identity
    assert [e["arguments"] for e in ix.for_tool(spec)] == [
        alias.arguments
    ]  # gated records are never shown

    call = SimCall("Translate", {"text": "bonjour", "tgt_lang": "en"}, examples=[])
    (strict,) = Simulator([spec], CountingBackend()).simulate_batch([call])
    assert strict.source == "gate" and strict.output["error"]["type"] == "missing_required"
    (answered,) = Simulator([spec], CountingBackend(), examples=ix).simulate_batch([call])
    assert answered.source == "model"
    (missing,) = Simulator([spec], CountingBackend(), examples=ix).simulate_batch(
        [SimCall("Translate", {"src_lang": "fr", "tgt_lang": "en"}, examples=[])]
    )
    assert missing.output["error"]["field"] == "text"  # still required: every record gave it


def test_recorded_calls_accept_undeclared_parameters(embedder) -> None:
    """A parameter that answered recorded calls passed and the spec does not declare is accepted,
    typed from the recorded values (API-Bank's CancelTimedSwitch takes
    ``device_id``, declares ``name``)."""
    spec = ToolSpec.parse(
        {
            "name": "CancelTimedSwitch",
            "description": "Cancel a timed switch",
            "parameters": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "time": {"type": "string"}},
                "required": ["name", "time"],
            },
        }
    )
    rec = RealExample(
        "CancelTimedSwitch",
        "Cancel a timed switch",
        {"device_id": "1000", "time": "09:30"},
        "success",
        "ep1",
        gated=True,
    )
    relaxed = ExampleIndex([rec], k=2, embedder=embedder).relaxed(spec)
    assert relaxed.properties["device_id"] == {"type": "string"} and relaxed.required == ["time"]
    call = SimCall("CancelTimedSwitch", {"device_id": "2000", "time": "10:00"}, examples=[])
    (strict,) = Simulator([spec], CountingBackend()).simulate_batch(
        [
            SimCall(
                "CancelTimedSwitch",
                {"name": "lamp", "device_id": "2000", "time": "10:00"},
                examples=[],
            )
        ]
    )
    assert strict.source == "gate" and strict.output["error"]["type"] == "unknown_parameter"
    ix = ExampleIndex([rec], k=2, embedder=embedder)
    (answered,) = Simulator([spec], CountingBackend(), examples=ix).simulate_batch([call])
    assert answered.source == "model"
    (typed,) = Simulator(
        [spec], CountingBackend(), examples=ix, lenient_types=False
    ).simulate_batch([SimCall("CancelTimedSwitch", {"device_id": 5, "time": "10:00"}, examples=[])])
    assert typed.source == "gate" and typed.output["error"]["field"] == "device_id"


def test_a_tool_that_failed_every_recorded_call_fails(embedder) -> None:
    """At least ``MIN_RECORDED_FAILURES`` recorded calls, all failed: the engine answers one of the
    recorded failures without a model call (source ``record``). Fewer records, one answered record,
    or the call's own episode (an audit replaying a recorded call) leave the call to the model."""
    from gtm_core.simulator.examples import MIN_RECORDED_FAILURES

    spec = ToolSpec.parse(
        {
            "name": "cocktail_by_id",
            "description": "A cocktail recipe by id",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            "response": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
                "additionalProperties": False,
            },
        }
    )
    fail = [
        RealExample(
            "cocktail_by_id",
            "A cocktail recipe by id",
            {"city": str(i)},
            {
                "error": {
                    "type": "execution_error",
                    "message": f"status_code=500 ({i})",
                    "field": None,
                }
            },
            f"ep{i}",
        )
        for i in range(MIN_RECORDED_FAILURES)
    ]
    backend = CountingBackend()
    sim = Simulator([spec], backend, examples=ExampleIndex(fail, k=2, embedder=embedder))
    first, again = sim.simulate_batch(
        [SimCall("cocktail_by_id", {"city": "9"}), SimCall("cocktail_by_id", {"city": "9"})]
    )
    assert (
        first.source == "record"
        and first.output in [f.output for f in fail]
        and again.output == first.output
    )
    assert backend.requests == 0 and sim.counters["record"] == 2
    (own,) = sim.simulate_batch([SimCall("cocktail_by_id", {"city": "9"}, episode="ep0")])
    assert (
        own.source == "model"
    )  # its own episode's record is not evidence: two failures are too few
    ok = RealExample(
        "cocktail_by_id", "A cocktail recipe by id", {"city": "x"}, {"name": "Negroni"}, "ep9"
    )
    for records in (fail[:-1], [*fail, ok]):
        (r,) = Simulator(
            [spec], CountingBackend(), examples=ExampleIndex(records, k=2, embedder=embedder)
        ).simulate_batch([SimCall("cocktail_by_id", {"city": "9"})])
        assert r.source == "model"
    (no_errors,) = sim.simulate_batch(
        [SimCall("cocktail_by_id", {"city": "9"}, options=SimOptions(allow_errors=False))]
    )
    assert no_errors.source == "model"


def test_same_named_tools_of_other_servers_keep_their_records(embedder) -> None:
    """Records belong to a tool by name and description: a same-named tool of another server is
    shown none of them, lends them no evidence (failures, drift) and is never a neighbour."""
    news, finance = (
        "Search for stories and comments on Hacker News",
        "Search Yahoo Finance for quotes and news",
    )

    def spec(description: str, *params: str) -> ToolSpec:
        return ToolSpec.parse(
            {
                "name": "search",
                "description": description,
                "parameters": {
                    "type": "object",
                    "properties": {p: {"type": "string"} for p in params},
                    "required": ["query"],
                },
            }
        )

    down = [
        RealExample(
            "search",
            news,
            {"query": q},
            {"error": {"type": "execution_error", "message": "HTTP 503", "field": None}},
            f"ep{i}",
        )
        for i, q in enumerate("abc")
    ]
    quotes = [
        RealExample(
            "search", finance, {"query": q, "region": "US"}, [{"symbol": q.upper()}], f"ep{i + 5}"
        )
        for i, q in enumerate("xyz")
    ]
    ix = ExampleIndex([*down, *quotes], k=2, embedder=embedder)
    hn, yahoo = spec(news, "query"), spec(finance, "query")
    assert {g["arguments"]["query"] for g in ix.for_tool(hn)} <= set("abc")
    assert {g["arguments"]["query"] for g in ix.for_tool(yahoo)} <= set("xyz")
    assert (
        ix.recorded_failure(hn, {"query": "q"}) is not None
        and ix.recorded_failure(yahoo, {"query": "q"}) is None
    )
    assert (
        ix.relaxed(hn) is hn and "region" in ix.relaxed(yahoo).properties
    )  # drift stays with its tool
    assert (
        ix.neighbours(spec("Search the web for pages", "query"), 5) == []
    )  # same name: never a neighbour


def test_recorded_evidence_of_the_real_tools(shared_data, embedder) -> None:
    """On the train part of the visible real calls: the ToolBench cocktail API failed every recorded
    call (its message kept from the recorder's ``error`` field), API-Bank's CancelTimedSwitch was
    answered with the undeclared ``device_id``, and the ``{"status": "success or failed"}`` tools
    answered bare."""
    from gtm_core.evaluation.real_traces import SpecIndex

    calls_files, tools_files = shared_pairs(shared_data)
    ix = train_example_index(calls_files, tools_files, k=2, embedder=embedder)
    specs = SpecIndex(tools_files)
    calls, _ = load_all_calls(calls_files)
    spec_of = {c.tool: specs.spec(c) for c in calls}
    cocktail = spec_of["detailed_cocktail_recipe_by_id_for_the_cocktail_db"]
    failure = ix.recorded_failure(cocktail, {"is_id": "2"})
    assert failure is not None and "status_code=500" in failure["error"]["message"]
    assert ix.recorded_failure(spec_of["GetUserToken"], {"username": "a", "password": "b"}) is None
    switch = ix.relaxed(spec_of["CancelTimedSwitch"])
    assert "device_id" in switch.properties and "name" not in switch.required
    assert (
        ix.declared_form(spec_of["AddAgenda"]) == "bare"
        and ix.declared_form(spec_of["GetUserToken"]) == "declared"
    )
    # LiveMCPBench records two servers' ``search``: each is shown its own records only
    searches = {specs.spec(c).description: specs.spec(c) for c in calls if c.tool == "search"}
    assert len(searches) == 2
    for spec in searches.values():
        own = {
            json.dumps(c.arguments, sort_keys=True)
            for c in calls
            if c.tool == "search" and specs.spec(c).description == spec.description
        }
        shown = [g for g in ix.for_tool(spec) if g["tool"] == "search"]
        assert shown and all(json.dumps(g["arguments"], sort_keys=True) in own for g in shown)


def test_train_rows_never_show_heldout_or_own_episode(shared_data, embedder) -> None:
    from gtm_core.evaluation.real_traces import target_output

    calls_files, tools_files = shared_pairs(shared_data)
    split = build_split(calls_files, tools_files, examples_k=2, embedder=embedder)
    calls, _ = load_all_calls(calls_files)
    by_key = {(c.file, c.line): c for c in calls}
    held_eps = {episode_key(by_key[k]) for k in split.heldout}

    def pair(tool, args, out) -> str:
        return json.dumps([tool, args, out], sort_keys=True, default=str)

    episodes_of: dict[
        str, set[str]
    ] = {}  # a recorded (tool, arguments, output) -> the episodes holding it
    for c in calls:
        episodes_of.setdefault(pair(c.tool, c.arguments, target_output(c)), set()).add(
            episode_key(c)
        )
    shown = 0
    for row in split.examples:
        own = episode_key(by_key[(row["file"], row["line"])])
        for line in row["messages"][1]["content"].splitlines():
            if not line.startswith("EXAMPLE[") or "chars truncated]" in line:  # clipped: not JSON
                continue
            item = json.loads(line.split(": ", 1)[1])
            eps = episodes_of[pair(item["tool"], item["arguments"], item["output"])]
            assert eps - held_eps, f"{row['sample_id']}: example from a held-out episode"
            assert eps - {own}, f"{row['sample_id']}: example from its own episode"
            shown += 1
    assert shown > len(split.examples) // 2  # most train rows see recorded calls
    # a hash-chosen share of rows is shown as a tool nobody recorded: no example at all
    config = RealSplitConfig()
    bare = [r for r in split.examples if unrecorded(by_key[(r["file"], r["line"])], config)]
    assert abs(len(bare) / len(split.examples) - config.unrecorded_frac) < 0.05
    assert not any("EXAMPLE[" in r["messages"][1]["content"] for r in bare)

    index = train_example_index(calls_files, tools_files, k=2, embedder=embedder)
    assert len(index) > 0
    assert not any(e.episode in held_eps for rows in index.by_tool.values() for e in rows)


def test_long_text_targets_are_trained_as_their_opening() -> None:
    from gtm_core.evaluation.real_traces import TEXT_TARGET_CHARS, RealCall, target_output

    def call(output, is_error=False):
        return RealCall(
            "read_file", {"path": "a"}, output, is_error, False, None, 0, None, False, "f.jsonl", 1
        )

    page = " ".join(f"word{i}" for i in range(1000))
    cut = target_output(call(page))
    assert (
        page.startswith(cut)
        and TEXT_TARGET_CHARS // 2 < len(cut) <= TEXT_TARGET_CHARS
        and not cut.endswith(" ")
    )
    big = {"rows": [{"id": i, "text": "x" * 20} for i in range(100)]}
    assert target_output(call(json.dumps(big))) == big  # structured outputs stay whole
    assert target_output(call("short text")) == "short text"
    assert target_output(call("boom", is_error=True))["error"]["message"] == "boom"


def test_response_format_follows_what_real_tools_answer() -> None:
    """A one-field result may come bare (API-Bank declares ``{"status": ...}`` and answers
    ``"success"``); a tool without a response schema may answer any value or object; the recorded
    results of the *same* tool decide the shape (grammar and check), another tool's never do."""
    from gtm_core.simulator.response_format import (
        UNTYPED_RESULT_SCHEMA,
        response_schema_for,
        shape_schema,
    )

    one = ToolSpec.parse(
        {
            "name": "AddAgenda",
            "description": "Add an agenda item",
            "parameters": {"type": "object", "properties": {"content": {"type": "string"}}},
            "response": {"type": "object", "properties": {"status": {"type": "string"}}},
        }
    )
    returned = returned_fields
    assert response_schema_for(one, None) == {"anyOf": [returned(one.response), {"type": "string"}]}
    untyped = ToolSpec.parse(
        {
            **one.to_public(),
            "name": "QueryAgenda",
            "response": {"type": "object", "properties": {"info": {"description": "agenda info"}}},
        }
    )
    assert response_schema_for(untyped, None) == {
        "anyOf": [returned(untyped.response), UNTYPED_RESULT_SCHEMA]
    }
    two = ToolSpec.parse(
        {
            **one.to_public(),
            "name": "BookHotel",
            "response": {
                "type": "object",
                "properties": {"status": {"type": "string"}, "order_id": {"type": "string"}},
            },
        }
    )
    same = [
        {"tool": "BookHotel", "arguments": {"content": "x"}, "output": "11"},
        {
            "tool": "BookHotel",
            "arguments": {"content": "y"},
            "output": {"status": "ok", "order_id": "3"},
        },
        {
            "tool": "BookHotel",
            "arguments": {"content": "z"},
            "output": {"error": {"type": "execution_error"}},
        },
    ]
    other = [{"tool": "AddAlarm", "arguments": {}, "output": "success"}]
    assert response_schema_for(two, same) == {
        "anyOf": [{"type": "string"}, shape_schema(same[1]["output"])]
    }
    assert (
        response_schema_for(two, other) == response_schema_for(two, None) == returned(two.response)
    )
    assert returned(two.response)["required"] == [
        "status",
        "order_id",
    ]  # the declared fields are returned
    cut = [
        {
            "tool": "BookHotel",
            "arguments": {},
            "output": '{"error": "Message error...", "response": "{\'result\': [...',
        }
    ]
    assert response_schema_for(two, cut) == returned(
        two.response
    )  # a record cut mid-JSON has no known shape
    bare = ToolSpec.parse(
        {
            "name": "read_file",
            "description": "Read a file",
            "parameters": {"type": "object", "properties": {"path": {"type": "string"}}},
        }
    )
    assert response_schema_for(bare, other) == UNTYPED_RESULT_SCHEMA
    shown = [{"tool": "read_file", "arguments": {"path": "a"}, "output": {"path": "a", "size": 3}}]
    assert response_schema_for(bare, shown) == shape_schema(shown[0]["output"])
    # a recorded bare result leaves the declared object out: the tool answers as it answered
    assert response_schema_for(
        one, [{"tool": "AddAgenda", "arguments": {}, "output": "success"}]
    ) == {"type": "string"}
    assert shape_schema({"a": [1, {"b": 2}], "c": None}) == {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "number"}}, "c": {"type": "null"}},
        "required": ["a", "c"],
        "additionalProperties": False,
    }

    class Answer(CountingBackend):
        """The offline backend, answering every call with one fixed text (what a real tool sent)."""

        schemas: list = []
        text = '"11"'

        def generate(self, requests, *, attempt: int = 0):
            self.schemas.extend(r.response_schema for r in requests)
            super().generate(requests, attempt=attempt)
            return [self.text] * len(requests)

    # the checks' verdicts themselves: no rules answer in place of a rejected output
    sim = Simulator([one, two, bare], Answer(), max_retries=0, without={"rules_fallback"})
    (res,) = sim.simulate_batch([SimCall("BookHotel", {"content": "q"}, examples=same[:1])])
    assert (res.source, res.output) == ("model", "11")
    assert Answer.schemas[-1]["anyOf"][0] == {
        "anyOf": [{"type": "string"}, returned(two.response)]
    }  # result branch
    (declared,) = sim.simulate_batch([SimCall("BookHotel", {"content": "q"}, examples=other)])
    assert declared.source == "error" and "response schema" in declared.output["error"]["message"]
    (res,) = sim.simulate_batch([SimCall("AddAgenda", {"content": "q"})])
    assert (res.source, res.output) == ("model", "11")  # the one field, bare, without any example
    Answer.text = '{"path": "a", "size": 3}'
    (guess,) = sim.simulate_batch([SimCall("read_file", {"path": "b"})])
    assert (guess.source, guess.output) == (
        "model",
        {"path": "a", "size": 3},
    )  # no schema: any record
    (res,) = sim.simulate_batch([SimCall("read_file", {"path": "b"}, examples=shown)])
    assert (res.source, res.output) == ("model", {"path": "a", "size": 3})
    # the first decode decides error against result with the declared shape open too (a narrower
    # result branch would hand the declared object's probability to ``{"error"``); a result in the
    # declared shape then takes the recorded one: its one field, else decoded again under it
    Answer.text = '{"status": "success"}'
    answered = [{"tool": "AddAgenda", "arguments": {"content": "r"}, "output": "success"}]
    (res,) = sim.simulate_batch([SimCall("AddAgenda", {"content": "q"}, examples=answered)])
    assert (res.source, res.output) == ("model", "success")
    assert Answer.schemas[-1]["anyOf"][0] == {
        "anyOf": [{"type": "string"}, response_schema_for(one, None)]
    }
    Answer.text = '{"status": "success", "id": 3}'
    (declared,) = sim.simulate_batch([SimCall("AddAgenda", {"content": "q"}, examples=answered)])
    assert Answer.schemas[-1] == {"type": "string"}  # decoded again under the recorded shape
    assert declared.source == "error" and "response schema" in declared.output["error"]["message"]
    assert sim.stats()["counters"]["results_reshaped"] == 2


def test_tools_declaring_the_same_schema_answer_alike(embedder) -> None:
    """Without records of its own, a tool whose one-field response schema recorded tools declare too
    takes the form most of them answered in (bare or the declared object); too few records or a
    split vote leave the model both."""
    from gtm_core.simulator.response_format import response_schema_for

    status = {
        "type": "object",
        "properties": {"status": {"type": "string", "description": "success or failed"}},
    }

    def spec(name: str, response: dict) -> ToolSpec:
        return ToolSpec.parse(
            {
                "name": name,
                "description": name,
                "response": response,
                "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
            }
        )

    def rec(tool: str, output, response=status) -> RealExample:
        return RealExample(
            tool, tool, {"id": tool}, output, f"ep-{tool}-{output}", response=response
        )

    bare = [
        rec("AddAgenda", "success"),
        rec("DeleteAlarm", "success"),
        rec("AddMeeting", {"status": "success"}),
        rec("AddReminder", "failed"),
        rec("Other", "x", response=None),
    ]
    ix = ExampleIndex(bare, k=0, embedder=embedder)
    modify = spec("ModifyMeeting", status)
    assert ix.declared_form(modify) == "bare"
    assert (
        response_schema_for(modify, None, ix.declared_form(modify))
        == status["properties"]["status"]
    )
    assert ExampleIndex(bare[:2], k=0, embedder=embedder).declared_form(modify) is None  # too few
    split = [*bare[:2], rec("AddMeeting", {"status": "ok"}), rec("AddReminder", {"status": "ok"})]
    assert (
        ExampleIndex(split, k=0, embedder=embedder).declared_form(modify) is None
    )  # no clear majority
    token = {"type": "object", "properties": {"token": {"type": "string"}}}
    objs = ExampleIndex(
        [rec(f"T{i}", {"token": "a"}, token) for i in range(3)], k=0, embedder=embedder
    )
    login = spec("Login", token)
    assert objs.declared_form(login) == "declared" and objs.declared_form(modify) is None
    assert response_schema_for(login, None, "declared") == returned_fields(token)

    class Declared(CountingBackend):
        """Answers what a small model leans to: the declared object."""

        def generate(self, requests, *, attempt: int = 0):
            super().generate(requests, attempt=attempt)
            return ['{"status": "success"}'] * len(requests)

    (res,) = Simulator([modify], Declared(), examples=ix).simulate_batch(
        [SimCall("ModifyMeeting", {"id": "1"})]
    )
    assert (res.source, res.output) == ("model", "success")  # the declared object's one field, bare


def test_untyped_result_grammar_never_reads_as_an_error_payload() -> None:
    """The grammar of a bare untyped field admits values and objects, one-key objects too, never the
    one-key ``{"error": ...}`` that reads as an error payload."""
    xgr = pytest.importorskip("xgrammar")
    from xgrammar.testing import _is_grammar_accept_string

    from gtm_core.simulator.response_format import UNTYPED_RESULT_SCHEMA

    g = xgr.Grammar.from_json_schema(json.dumps(UNTYPED_RESULT_SCHEMA), any_whitespace=False)
    for text, ok in [
        ('{"error": "x"}', False),
        ('{"error": {"type": "not_found"}}', False),
        ('{"a": 1}', True),
        ('{"message": "unrecognized genre: 20"}', True),
        ('{"errors": []}', True),
        ('{"err": 1}', True),
        ('{"error": "x", "code": 3}', True),
        ('"success"', True),
        ("6.0", True),
        ('[{"name": "x"}]', True),
        ('{"time": "06:30", "username": "Jane"}', True),
    ]:
        assert _is_grammar_accept_string(g, text) is ok, text


def test_a_neighbour_lends_answers_never_failures(embedder) -> None:
    """Another tool's recorded failure was its environment's: a neighbour lends one of its answered
    records, and a neighbour that only failed lends nothing. The tool's own failures are shown."""
    timeout = {"error": {"type": "execution_error", "message": "Connection timeout", "field": None}}
    geo = "Convert an address or place name to geographical coordinates"
    records = [
        RealExample("geocode_address", geo, {"q": "Paris"}, timeout, "ep0"),
        RealExample("geocode_address", geo, {"q": "Rome"}, {"lat": 41.9, "lon": 12.5}, "ep1"),
        RealExample("geocode_place", geo + " (places)", {"q": "Oslo"}, timeout, "ep2"),
    ]
    ix = ExampleIndex(records, k=2, min_similarity=0.6, embedder=embedder)
    spec = _spec(
        "Geocoding", "The API for converting an address or place name to geographical coordinates."
    )
    shown = ix.for_tool(spec)
    assert shown and all("error" not in str(g["output"]) for g in shown)
    assert [g["tool"] for g in shown] == [
        "geocode_address"
    ]  # geocode_place only failed: it lends nothing
    own = ix.for_tool(_spec("geocode_address", geo))
    assert {json.dumps(g["output"]) for g in own} == {
        json.dumps(timeout),
        json.dumps({"lat": 41.9, "lon": 12.5}),
    }


def test_a_tool_answers_in_the_shape_it_answered_earlier_in_the_conversation() -> None:
    """Rule ``conversation_shape``: the same tool's earlier results for the same parameters, in the
    session or the call's history, decide the result's shape; errors and other tools' results do
    not; switched off, a tool without a response schema may answer anything."""
    seen: list[dict] = []

    class Recording(CountingBackend):
        def generate(self, requests, *, attempt: int = 0):
            seen.extend(r.payload for r in requests)
            return super().generate(requests, attempt=attempt)

    order = _spec("get_order", "Look up an order")
    earlier = [
        {"tool": "get_order", "arguments": {"city": "Oslo"}, "output": {"id": "o1", "total": 3}},
        {"tool": "get_order", "arguments": {"city": "?"}, "output": {"error": "not found"}},
        {"tool": "get_user", "arguments": {"city": "Oslo"}, "output": "Ann, Oslo"},
    ]
    sim = Simulator([order], Recording())
    (res,) = sim.simulate_batch([SimCall("get_order", {"city": "Rome"}, history=earlier)])
    assert seen[-1]["format"]["required"] == ["id", "total"]
    assert res.source == "model" and set(res.output) == {"id", "total"}
    off = Simulator([order], Recording(), without=("conversation_shape",))
    off.simulate_batch([SimCall("get_order", {"city": "Rome"}, history=earlier)])
    assert "format" not in seen[-1]
    # another kind of request (other parameters) may be answered in another form
    sim.simulate_batch([SimCall("get_order", {}, history=earlier)])
    assert "format" not in seen[-1]
    # in a session, the simulator's own first answer shapes the later ones
    s = sim.create_session(seed=3).id
    first = sim.simulate_batch([SimCall("get_order", {"city": "Lima"}, session_id=s)])[0]
    again = sim.simulate_batch([SimCall("get_order", {"city": "Kyiv"}, session_id=s)])[0]
    assert isinstance(first.output, str) and isinstance(again.output, str)  # the teacher's text
    assert seen[-1]["format"] == {"type": "string"}
