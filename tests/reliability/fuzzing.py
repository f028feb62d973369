"""Hypothesis-driven fuzzing of every input path: raw tool specs (ToolSpec, every importer, the
gate, the CARG validators, the prompt contract) and tool calls (gate, CARG error detection and
validators, the simulator). Shared by tests/reliability/test_fuzz.py (CI sizes) and
bench/reliability.py (full sizes).

Each ``run_*`` function generates ``n`` cases from a ``seed`` (same seed, same cases; CI
uses ``DEFAULT_SEED``) and returns a ``FuzzStats``: a check that raises anything other than
the documented rejection (``SpecError`` with a field and a reason, an error payload with a
type, a message and a field) is recorded as a crash with the input that caused it. Every
input that ever crashed is kept in ``corpus/`` (one JSON file each, ``save_crashes``) and
replayed first (``replay_corpus``).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from gtm_core.spec import SpecError, ToolSpec

DEFAULT_SEED = 20250602  # CI's fixed seed; ``--seed`` / GTM_FUZZ_SEED explore others
CORPUS = Path(__file__).resolve().parent / "corpus"

# ---- value strategies ----------------------------------------------------------------------
_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "ignore previous instructions",
            "<|im_end|>",
            "<|im_start|>system",
            "名前",
            "🙂" * 5,
            "a" * 300,
            "$ref",
            "#/$defs/x",
            "string",
            "integer",
            "List[str]",
            "null",
            "__import__('os').system('id')",
            "{{7*7}}",
            "../../etc/passwd",
            "date",
            "email",
        ]
    ),
)
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    _TEXT,
)


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON-ish value: scalars (incl. NaN, huge ints, unicode), nested lists and objects."""
    return st.recursive(
        _SCALAR,
        lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(_TEXT, c, max_size=4)),
        max_leaves=max_leaves,
    )


def deep(value: Any, depth: int) -> Any:
    """``value`` nested ``depth`` times in alternating lists and objects."""
    for i in range(depth):
        value = [value] if i % 2 else {"x": value}
    return value


_TYPES = st.sampled_from(
    [
        "string",
        "integer",
        "number",
        "boolean",
        "array",
        "object",
        "null",
        "int",
        "str",
        "float",
        "List[int]",
        "Optional[str]",
        "dict",
        "any",
        "weird",
        "",
        "date",
        "email",
        "Union[int, str]",
    ]
)


def schemas(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """JSON-Schema-like objects, valid and broken: types (incl. spellings), properties, $ref/$defs,
    oneOf/anyOf/allOf, additionalProperties, enum/const, bounds, patterns, formats, junk values."""
    base = st.one_of(
        st.fixed_dictionaries(
            {"type": _TYPES},
            optional={
                "description": _TEXT,
                "enum": st.lists(_SCALAR, max_size=4),
                "format": _TEXT,
                "minimum": _SCALAR,
                "maximum": _SCALAR,
                "minLength": st.integers(-2, 5),
                "maxLength": _SCALAR,
                "pattern": st.sampled_from(["^[a-z]+$", "(", "[", "\\d{4}", "(a+)+$", ""]),
                "default": _SCALAR,
                "const": _SCALAR,
                "items": st.just({"type": "string"}),
                "minItems": st.integers(-1, 3),
            },
        ),
        st.fixed_dictionaries(
            {
                "$ref": st.sampled_from(
                    ["#/$defs/a", "#/definitions/b", "#", "http://x/y", "#/nope", ""]
                )
            }
        ),
        st.booleans(),
        _SCALAR,
        st.just({}),
    )

    def extend(children):
        return st.one_of(
            st.fixed_dictionaries(
                {
                    "type": st.just("object"),
                    "properties": st.dictionaries(_TEXT, children, max_size=4),
                },
                optional={
                    "required": st.one_of(st.lists(_TEXT, max_size=3), _SCALAR),
                    "additionalProperties": st.one_of(st.booleans(), children),
                    "$defs": st.dictionaries(st.sampled_from(["a", "b"]), children, max_size=2),
                    "definitions": st.dictionaries(
                        st.sampled_from(["a", "b"]), children, max_size=2
                    ),
                },
            ),
            st.builds(
                lambda k, v: {k: v},
                st.sampled_from(["oneOf", "anyOf", "allOf", "prefixItems"]),
                st.lists(children, max_size=3),
            ),
            st.fixed_dictionaries({"type": st.just("array"), "items": children}),
            st.fixed_dictionaries({"not": children}),
            st.lists(children, max_size=3),  # a list where a schema belongs
        )

    return st.recursive(base, extend, max_leaves=max_leaves)


# well-founded recursion: a tree node, an arbitrary JSON value (the shapes MCP / OpenAPI tools use)
_TREE_NODE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
    },
    "required": ["name"],
}
_JSON_VALUE = {
    "anyOf": [
        {"type": ["string", "number", "boolean", "null"]},
        {"type": "array", "items": {"$ref": "#/$defs/json"}},
        {"type": "object", "additionalProperties": {"$ref": "#/$defs/json"}},
    ]
}
_GOOD_NAME = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
_BAD_NAME = st.one_of(_TEXT, _SCALAR)
_JSON, _JSON4, _JSON3 = json_values(), json_values(4), json_values(3)
_SCHEMA, _SCHEMA4, _SCHEMA3 = schemas(), schemas(4), schemas(3)


@st.composite
def raw_specs(draw) -> Any:
    """A raw tool spec as public collections (and attackers) write them."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(_JSON)  # not even an object
    spec: dict[str, Any] = {}
    spec["name"] = draw(_GOOD_NAME if draw(st.integers(0, 9)) < 8 else _BAD_NAME)
    if draw(st.booleans()):
        spec["description"] = draw(st.one_of(_TEXT, _SCALAR, _JSON4))
    pkey = draw(st.sampled_from(["parameters", "parameters", "input_schema", "inputSchema"]))
    pshape = draw(st.sampled_from([0, 1, 2, 3, 3, 3, 3, 4, 5, 6, 6, 6]))
    if pshape == 0:
        spec[pkey] = draw(_SCHEMA)
    elif pshape == 1:  # list-of-parameters form
        spec[pkey] = draw(
            st.lists(
                st.one_of(
                    st.fixed_dictionaries(
                        {"name": _TEXT, "type": _TYPES},
                        optional={"required": _SCALAR, "description": _TEXT},
                    ),
                    _SCALAR,
                ),
                max_size=4,
            )
        )
    elif pshape == 2:  # bare mapping
        spec[pkey] = draw(st.dictionaries(_TEXT, _SCHEMA4, max_size=4))
    elif pshape == 3:
        spec[pkey] = {
            "type": "object",
            "properties": draw(st.dictionaries(_TEXT, _SCHEMA4, max_size=5)),
            "$defs": {"a": draw(_SCHEMA3)},
            "additionalProperties": draw(st.one_of(st.booleans(), _SCHEMA3)),
        }
    elif pshape == 4:
        spec[pkey] = draw(_JSON)
    elif pshape == 6:  # well-formed: the downstream checks see many accepted specs
        props = draw(
            st.dictionaries(
                st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
                st.one_of(
                    st.fixed_dictionaries(
                        {"type": st.sampled_from(["string", "integer", "number", "boolean"])},
                        optional={
                            "description": _TEXT,
                            "enum": st.lists(_SCALAR, min_size=1, max_size=3, unique_by=repr),
                            "format": st.sampled_from(
                                ["date", "email", "uri", "date-time", "uuid"]
                            ),
                            "minimum": st.integers(-5, 5),
                            "maxLength": st.integers(0, 20),
                        },
                    ),
                    st.just({"$ref": "#/$defs/a"}),
                    st.just({"type": "array", "items": {"$ref": "#/$defs/a"}}),
                    st.just({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
                    st.just(
                        {
                            "type": "object",
                            "properties": {"x": {"type": "string"}},
                            "additionalProperties": False,
                        }
                    ),
                    st.just({"$ref": "#/$defs/node"}),
                    st.just({"type": "array", "items": {"$ref": "#"}}),
                    st.just({"$ref": "#/$defs/json"}),
                ),
                max_size=5,
            )
        )
        spec[pkey] = {
            "type": "object",
            "properties": props,
            "$defs": {"a": {"type": "string"}, "node": _TREE_NODE, "json": _JSON_VALUE},
            "required": draw(
                st.lists(st.sampled_from(sorted(props) or ["x"]), max_size=2, unique=True)
            ),
            "additionalProperties": draw(st.one_of(st.booleans(), st.just({"type": "integer"}))),
        }
    else:
        spec[pkey] = deep({"type": "string"}, draw(st.integers(50, 400)))
    if draw(st.booleans()):
        spec["required"] = draw(st.one_of(st.lists(_TEXT, max_size=3), _SCALAR, _JSON3))
    if draw(st.booleans()):
        spec[draw(st.sampled_from(["response", "output_schema", "outputSchema"]))] = draw(
            st.one_of(_SCHEMA, _TEXT, _JSON4)
        )
    elif pshape == 6:
        spec["response"] = {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "items": {"type": "array", "items": {"$ref": "#/$defs/i"}},
            },
            "$defs": {"i": {"type": "object", "properties": {"n": {"type": "integer"}}}},
        }
    for k in draw(
        st.lists(
            st.sampled_from(["field", "subfield", "source", "flags", "meta", "x-extra"]), max_size=3
        )
    ):
        spec[k] = draw(_JSON3)
    return spec


def wrap_for_importers(raw: Any, rng: random.Random) -> list[tuple[str, Any]]:
    """The raw spec dressed in each importer's native record layout (module name, record)."""
    name = raw.get("name") if isinstance(raw, dict) else raw
    params = raw.get("parameters") if isinstance(raw, dict) else raw
    return [
        ("openai_functions", {"type": "function", "function": raw}),
        ("openai_functions", {"tools": [raw, {"type": "function", "function": raw}]}),
        (
            "seal_tools",
            {
                "api_name": name,
                "api_description": raw,
                "parameters": params,
                "required": params,
                "responses": raw,
            },
        ),
        ("tooleyes", [raw, raw]),
        (
            "apigen_xlam",
            {
                "query": "q",
                "tools": json.dumps([raw]) if rng.random() < 0.5 else [raw],
                "answers": raw,
            },
        ),
        ("apigen_xlam", {"name": name, "description": "d", "parameters": params}),
        ("bfcl", {"id": "x", "question": raw, "function": [raw] if rng.random() < 0.5 else raw}),
        (
            "toolbench_rapidapi",
            {
                "tool_name": name,
                "api_list": [
                    raw,
                    {
                        "name": name,
                        "required_parameters": params,
                        "optional_parameters": raw,
                        "template_response": raw,
                    },
                ],
            },
        ),
        ("toolbench_rapidapi", {"api_name": name, "tool_name": raw, "required_parameters": params}),
        (
            "mcp_tools_list",
            {
                "jsonrpc": "2.0",
                "id": 1,
                "result": {
                    "tools": [raw, {"name": name, "inputSchema": params, "outputSchema": raw}]
                },
            },
        ),
    ]


# ---- results ---------------------------------------------------------------------------------
@dataclass
class FuzzStats:
    cases: int = 0
    accepted: int = 0
    rejected: int = 0
    crashes: list[tuple[str, str, str]] = field(default_factory=list)  # (where, error, input)
    inputs: list[dict[str, Any]] = field(
        default_factory=list
    )  # corpus entries of the first crashes

    def crash(self, where: str, e: BaseException, value: Any, tool: Any = None) -> None:
        if len(self.crashes) < 50:
            self.crashes.append((where, f"{type(e).__name__}: {str(e)[:300]}", _short(value)))
            self.inputs.append(
                {
                    "where": where,
                    "error": f"{type(e).__name__}: {str(e)[:300]}",
                    "kind": "call"
                    if tool is not None
                    else ("file" if where == "import_file" else "spec"),
                    "input": _jsonable(value),
                    **({"tool": tool} if tool is not None else {}),
                }
            )
        else:
            self.crashes.append((where, type(e).__name__, ""))

    def __iadd__(self, o: FuzzStats) -> FuzzStats:
        self.cases += o.cases
        self.accepted += o.accepted
        self.rejected += o.rejected
        self.crashes += o.crashes
        self.inputs += o.inputs
        return self


def _jsonable(v: Any) -> Any:
    """``v`` as it can be stored in the corpus (NaN/inf and huge ints survive ``json``'s own
    extensions; anything else becomes its repr)."""
    try:
        return json.loads(json.dumps(v, default=repr, allow_nan=True))
    except (ValueError, RecursionError):
        return repr(v)


def _short(v: Any) -> str:
    try:
        s = json.dumps(v, default=repr, ensure_ascii=True)
    except (ValueError, RecursionError):
        s = repr(v)
    return s if len(s) < 600 else s[:600] + "..."


def _settings(n: int, seed: int):
    """Hypothesis settings for ``n`` generated cases, reproducible from ``seed``."""
    cfg = settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    def apply(fn):
        return hypothesis_seed(seed)(cfg(fn))

    return apply


def _check_rejection(e: SpecError) -> None:
    if not (
        isinstance(e.field, str) and e.field and isinstance(e.reason, str) and e.reason.strip()
    ):
        raise AssertionError(
            f"rejection without a field or a reason: field={e.field!r} reason={e.reason!r}"
        )


def _check_accepted(spec: ToolSpec, rng: random.Random, stats: FuzzStats, raw: Any) -> None:
    """Everything downstream of an accepted spec must take it: storage round trip, gate, CARG
    validators, the prompt contract, the offline simulator."""
    from gtm_core.carg import errors as E
    from gtm_core.carg.validate import v_coherence, v_contradiction, v_format, v_history
    from gtm_core.chat_format import build_messages, render_output
    from gtm_core.gate import Gate
    from gtm_core.simulator.backends import decoding_schema, tighten_schema
    from gtm_core.synth import ValueSynth
    from gtm_core.tool_errors import ERROR_TYPES

    try:
        back = ToolSpec.from_row(spec.to_row())
        assert back.uid == spec.uid, "to_row/from_row changed the spec"
        vs = ValueSynth(rng)
        args = vs.arguments(spec.parameters)
        gate = Gate(spec)
        _check_gate_result(gate, spec, args)
        _check_gate_result(gate, spec, {})
        out = vs.response(spec.response_schema, args, []) if spec.response_schema else {"ok": True}
        for reasons in (
            v_format(spec, args, out),
            v_contradiction(spec, args),
            v_coherence(spec, args, out, "ctx"),
            v_history(spec, args, [{"tool": spec.name, "arguments": args, "output": out}]),
            [e.message for e in E.detect_errors(spec, args)],
        ):
            assert isinstance(reasons, list) and all(isinstance(r, str) and r for r in reasons)
        json.loads(render_output(out))
        msgs = build_messages(spec, args, [])
        assert msgs[1]["content"].count("<|") == 0
        for kind in ERROR_TYPES:  # the CARG error generators
            made = E.make_error(spec, args, kind, rng)
            if made is not None:
                assert E.v_error_exists(spec, made[0], kind, made[1].field) is not None
        for allow in (False, True):  # the response-schema grammar and its tightened retries
            ds = decoding_schema(spec.response_schema, allow)
            if ds is not None:
                json.dumps(tighten_schema(ds, max_depth=2))
    except Exception as e:  # noqa: BLE001 - recorded as a crash
        stats.crash("accepted-spec", e, raw)


def _check_gate_result(gate, spec: ToolSpec, args: Any) -> dict | None:
    from gtm_core.tool_errors import ERROR_TYPES

    p = gate(args)
    if p is None:
        return None
    err = p["error"]
    assert err["type"] in ERROR_TYPES, err
    assert isinstance(err["message"], str) and err["message"], err
    if not (err["type"] == "type_error" and not isinstance(args, dict)):
        # the field names the offending parameter (a parameter may itself be called "")
        assert isinstance(err["field"], str) and (
            err["field"] or "" in args or "" in spec.properties
        ), f"gate error without a field: {err}"
    json.dumps(p)
    return p


# ---- spec fuzzing ----------------------------------------------------------------------------
def run_spec_fuzz(n: int, seed: int = DEFAULT_SEED) -> FuzzStats:
    """``n`` generated raw specs through ToolSpec.parse, every importer (native record layouts),
    and, for accepted specs, the gate, CARG validators, prompt contract and storage round trip."""
    from gtm_core.tools.importers import FORMATS

    stats = FuzzStats()
    rng = random.Random(seed)

    @_settings(n, seed)
    @given(raw_specs())
    def one(raw):
        stats.cases += 1
        try:
            spec = ToolSpec.parse(raw, source="fuzz")
            stats.accepted += 1
        except SpecError as e:
            stats.rejected += 1
            spec = None
            try:
                _check_rejection(e)
            except AssertionError as a:
                stats.crash("ToolSpec.parse", a, raw)
        except Exception as e:  # noqa: BLE001
            stats.crash("ToolSpec.parse", e, raw)
            spec = None
        if spec is not None:
            _check_accepted(spec, rng, stats, raw)
        for fmt, rec in wrap_for_importers(raw, rng):
            try:
                outs = FORMATS[fmt].convert(rec, f"fuzz/{fmt}.jsonl")
                assert isinstance(outs, list)
                for o in outs:
                    if isinstance(o, SpecError):
                        _check_rejection(o)
                        continue
                    assert isinstance(o, dict), f"converter returned {type(o).__name__}"
                    try:
                        ToolSpec.parse(o, source=fmt)
                    except SpecError as e:
                        _check_rejection(e)
            except Exception as e:  # noqa: BLE001
                stats.crash(f"importer {fmt}", e, rec)

    one()
    return stats


def run_import_file_fuzz(tmp_dir, n_files: int, seed: int = DEFAULT_SEED) -> FuzzStats:
    """Whole files of generated records (also broken JSON lines, a NUL, invalid UTF-8) through
    ``import_file``: nothing raises, nothing is lost (read = loaded + rejected), each reject has
    a stage, a field and a reason."""
    from pathlib import Path

    from gtm_core.tools.importers import import_file

    stats = FuzzStats()
    rng = random.Random(seed)
    counter = [0]

    @_settings(n_files, seed)
    @given(
        st.lists(raw_specs(), min_size=1, max_size=6),
        st.sampled_from(
            [
                "tools.jsonl",
                "seal_tools.json",
                "toolbench.jsonl",
                "mcp.json",
                "config_gpt.json",
                "xlam.jsonl",
                "bfcl.json",
            ]
        ),
    )
    def one(raws, fname):
        counter[0] += 1
        p = Path(tmp_dir) / f"{counter[0]}_{fname}"
        lines = []
        for r in raws:
            for _, rec in wrap_for_importers(r, rng)[: rng.randint(0, 3)] or [("", r)]:
                lines.append(json.dumps(rec, default=str))
        junk = rng.choice([b"", b"{not json\n", b"\xff\xfe\n", b'{"a": 1, "a": 2}\n', b"\x00\n"])
        body = "\n".join(lines).encode() + b"\n" + junk
        if fname.endswith(".json") and rng.random() < 0.5:
            body = ("[" + ",".join(lines) + "]").encode()
        p.write_bytes(body)
        stats.cases += 1
        try:
            res = import_file(p)
            assert res.n_read == len(res.specs) + len(res.rejects), "records lost"
            for r in res.rejects:
                assert r.stage and r.field and r.reason, f"reject without stage/field/reason: {r}"
            stats.accepted += len(res.specs)
            stats.rejected += len(res.rejects)
        except Exception as e:  # noqa: BLE001
            stats.crash("import_file", e, body.decode("utf-8", "replace")[:600])

    one()
    return stats


# ---- call fuzzing ----------------------------------------------------------------------------
def call_specs() -> list[ToolSpec]:
    """Specs for the call fuzzer: every keyword the gate compiles ($ref, oneOf,
    additionalProperties, enum, const, formats, bounds, patterns, nested objects and arrays)."""
    raws = [
        {
            "name": "book_hotel",
            "description": "Book a hotel room.",
            "parameters": {
                "type": "object",
                "properties": {
                    "hotel_id": {"type": "string"},
                    "check_in": {"type": "string", "format": "date"},
                    "check_out": {"type": "string", "format": "date"},
                    "guests": {"type": "integer", "minimum": 1, "maximum": 8},
                    "room": {"type": "string", "enum": ["single", "double", "suite"]},
                    "contact": {
                        "type": "object",
                        "properties": {
                            "email": {"type": "string", "format": "email"},
                            "phone": {"type": "string", "pattern": "^\\+?[0-9 ]{6,15}$"},
                        },
                        "required": ["email"],
                        "additionalProperties": False,
                    },
                },
                "required": ["hotel_id", "check_in", "check_out"],
            },
            "response": {
                "type": "object",
                "properties": {"booking_id": {"type": "string"}, "total": {"type": "number"}},
                "required": ["booking_id"],
            },
        },
        {
            "name": "search_items",
            "description": "Search.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 1, "maxLength": 50},
                    "limit": {"type": "integer", "exclusiveMinimum": 0},
                    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
                    "filter": {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "object", "properties": {"min": {"type": "number"}}},
                        ]
                    },
                    "sort": {"anyOf": [{"const": "asc"}, {"const": "desc"}]},
                },
                "required": ["query"],
            },
            "response": {
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"id": {"type": "string"}, "score": {"type": "number"}},
                        },
                    }
                },
            },
        },
        {
            "name": "with_refs",
            "description": "Uses $ref.",
            "parameters": {
                "type": "object",
                "$defs": {
                    "addr": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                        "required": ["city"],
                    }
                },
                "properties": {
                    "home": {"$ref": "#/$defs/addr"},
                    "work": {"$ref": "#/$defs/addr"},
                    "when": {"type": "string", "format": "date-time"},
                },
                "additionalProperties": {"type": "integer"},
            },
            "response": {
                "type": "object",
                "properties": {"distance_km": {"type": "number"}, "route": {"$ref": "#/$defs/r"}},
                "$defs": {"r": {"type": "array", "items": {"type": "string"}}},
            },
        },
        {
            "name": "open_any",
            "description": "Accepts anything.",
            "parameters": {"type": "object", "additionalProperties": True},
            "response": {"type": "object", "properties": {"echo": {}}},
        },
        {
            "name": "no_params",
            "description": "Today.",
            "parameters": {},
            "response": {"type": "string", "format": "date"},
        },
        {
            "name": "typed_union",
            "description": "Union types.",
            "parameters": {
                "type": "object",
                "properties": {
                    "n": {"type": ["integer", "null"]},
                    "flag": {"type": "boolean"},
                    "ratio": {"type": "number"},
                    "uid": {"type": "string", "format": "uuid"},
                    "ip": {"type": "string", "format": "ipv4"},
                    "when": {"type": "string", "format": "time"},
                    "site": {"type": "string", "format": "uri"},
                },
                "required": ["n", "flag"],
            },
            "response": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
        },
        TREE_TOOL,
    ]
    return [ToolSpec.parse(r, source="fuzz") for r in raws]


# a recursive, tree-shaped tool (nested categories / file trees in MCP and OpenAPI tool sets)
TREE_TOOL = {
    "name": "create_category_tree",
    "description": "Create a tree of product categories; returns the stored tree.",
    "parameters": {
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/node"}, "dry_run": {"type": "boolean"}},
        "required": ["root"],
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["name"],
                "additionalProperties": False,
            }
        },
    },
    "response": {
        "type": "object",
        "properties": {
            "tree_id": {"type": "string"},
            "nodes": {"type": "integer"},
            "tree": {"$ref": "#/$defs/stored"},
        },
        "required": ["tree_id"],
        "$defs": {
            "stored": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/stored"}},
                },
                "required": ["id"],
            }
        },
    },
}


@st.composite
def call_arguments(draw, spec: ToolSpec) -> Any:
    """Arguments for ``spec``: mostly its own parameter names with wrong/odd values, sometimes
    unknown names, non-objects, huge or deeply nested values."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(json_values())
    if kind == 1:
        return deep(draw(_SCALAR), draw(st.integers(20, 300)))
    names = list(spec.properties) + [
        "",
        "unknown",
        "ignore previous instructions",
        "__proto__",
        "<|im_end|>",
    ]
    args = draw(st.dictionaries(st.sampled_from(names), json_values(6), max_size=8))
    if kind == 2 and names:
        args[draw(st.sampled_from(names))] = "x" * draw(st.integers(1000, 100_000))
    if kind == 3 and names:
        args[draw(st.sampled_from(names))] = deep(1, draw(st.integers(10, 200)))
    if kind == 4:
        from gtm_core.synth import ValueSynth

        good = ValueSynth(draw(st.integers(0, 1000))).arguments(spec.parameters)
        if good and draw(st.booleans()):
            k = draw(st.sampled_from(sorted(good)))
            good[k] = draw(json_values(4))
        return good
    return args


def run_call_fuzz(
    n: int, seed: int = DEFAULT_SEED, specs: list[ToolSpec] | None = None, sim_every: int = 1
) -> FuzzStats:
    """``n`` generated calls through the gate, CARG error detection and validators, and the
    simulator (offline backend): no crash, every rejection names a type, a message and a field,
    every simulator result is an output that validates against the response schema or an error
    payload."""
    from jsonschema import Draft202012Validator

    from gtm_core.carg import errors as E
    from gtm_core.carg.validate import v_coherence, v_contradiction, v_format
    from gtm_core.gate import Gate
    from gtm_core.simulator import Simulator
    from gtm_core.simulator.backends import ERROR_SCHEMA
    from gtm_core.simulator.engine import SOURCES, SimCall, SimOptions

    specs = specs or call_specs()
    sim = Simulator(specs, seed=seed)
    gates = {s.name: Gate(s) for s in specs}
    err_v = Draft202012Validator(ERROR_SCHEMA)
    stats = FuzzStats()
    counter = [0]

    @_settings(n, seed)
    @given(st.data())
    def one(data):
        spec = data.draw(st.sampled_from(specs))
        args = data.draw(call_arguments(spec))
        stats.cases += 1
        counter[0] += 1
        try:
            p = _check_gate_result(gates[spec.name], spec, args)
            stats.rejected += p is not None
            stats.accepted += p is None
            for e in E.detect_errors(spec, args):
                assert e.type and e.field is not None and e.message, e
            if isinstance(args, dict):
                for reasons in (
                    v_format(spec, args, {"x": 1}),
                    v_contradiction(spec, args),
                    v_coherence(spec, args, {"x": 1}, "c"),
                ):
                    assert all(isinstance(r, str) and r for r in reasons)
            if counter[0] % sim_every == 0:
                opts = SimOptions(seed=counter[0], use_cache=bool(counter[0] % 2))
                (r,) = sim.simulate_batch([SimCall(spec.name, args, None, None, opts)])
                assert r.source in SOURCES, r.source
                json.dumps(r.to_dict(), allow_nan=True)
                if r.is_error:
                    assert err_v.is_valid(r.output), r.output
                    if r.source == "gate":
                        assert r.output == p, (r.output, p)
                else:
                    assert p is None, "the gate rejected a call the simulator answered"
                    if spec.response_schema is not None:
                        errs = list(
                            Draft202012Validator(spec.response_schema).iter_errors(r.output)
                        )
                        assert not errs, errs[0].message
        except Exception as e:  # noqa: BLE001
            stats.crash(f"call {spec.name}", e, args, tool=spec.to_public())

    one()
    return stats


# ---- the corpus: every input that ever crashed, replayed first -------------------------------
def save_crashes(stats: FuzzStats, corpus: Path = CORPUS) -> list[Path]:
    """Write each crashing input of ``stats`` to ``corpus/<kind>-<hash>.json`` (kept forever, so
    CI replays it); returns the files written (an input already there is not written again)."""
    corpus.mkdir(parents=True, exist_ok=True)
    out = []
    for entry in stats.inputs:
        body = {k: entry[k] for k in ("kind", "input", "tool") if k in entry}
        digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
        p = corpus / f"{entry['kind']}-{digest}.json"
        if not p.exists():
            p.write_text(
                json.dumps({**entry, "found": "fuzzing"}, indent=1, ensure_ascii=False) + "\n"
            )
            out.append(p)
    return out


def replay_corpus(tmp_dir: Path, corpus: Path = CORPUS, seed: int = DEFAULT_SEED) -> FuzzStats:
    """Every corpus entry through the path that once crashed on it: a spec through ToolSpec.parse,
    the importers and (accepted) everything downstream plus the offline simulator; a call through
    the gate, CARG and the simulator for its tool; a file through ``import_file``."""
    from jsonschema import Draft202012Validator

    from gtm_core.carg import errors as E
    from gtm_core.gate import Gate
    from gtm_core.simulator import SimCall, SimOptions, Simulator
    from gtm_core.synth import ValueSynth
    from gtm_core.tools.importers import FORMATS, import_file

    stats = FuzzStats()
    rng = random.Random(seed)
    for path in sorted(corpus.glob("*.json")):
        entry = json.loads(path.read_text())
        kind, value = entry["kind"], entry["input"]
        stats.cases += 1
        where = f"corpus {path.name}"
        try:
            if kind == "file":
                f = Path(tmp_dir) / path.name
                f.write_text(value)
                res = import_file(f)
                assert res.n_read == len(res.specs) + len(res.rejects), "records lost"
                continue
            if kind == "spec":
                try:
                    spec = ToolSpec.parse(value, source="corpus")
                except SpecError as e:
                    _check_rejection(e)
                    stats.rejected += 1
                    spec = None
                for fmt, rec in wrap_for_importers(value, rng):
                    for o in FORMATS[fmt].convert(rec, f"corpus/{fmt}.jsonl"):
                        if not isinstance(o, SpecError):
                            try:
                                ToolSpec.parse(o, source=fmt)
                            except SpecError as e:
                                _check_rejection(e)
                if spec is None:
                    continue
                stats.accepted += 1
                _check_accepted(spec, rng, stats, value)
                calls = [{}]
            else:
                spec = ToolSpec.parse(entry["tool"], source="corpus")
                calls = [value]
                stats.accepted += 1
            calls.append(ValueSynth(rng).arguments(spec.parameters))
            sim, gate = Simulator([spec], seed=seed), Gate(spec)
            for args in calls:
                p = _check_gate_result(gate, spec, args)
                assert all(e.type and e.message for e in E.detect_errors(spec, args))
                for opts in (
                    SimOptions(seed=1),
                    SimOptions(seed=2, allow_errors=False, use_cache=False),
                ):
                    (r,) = sim.simulate_batch([SimCall(spec.name, args, None, None, opts)])
                    json.dumps(r.to_dict(), allow_nan=True)
                    assert r.is_error or p is None, (
                        "the gate rejected a call the simulator answered"
                    )
                    if not r.is_error and spec.response_schema is not None:
                        errs = list(
                            Draft202012Validator(spec.response_schema).iter_errors(r.output)
                        )
                        assert not errs, errs[0].message
        except Exception as e:  # noqa: BLE001
            stats.crash(where, e, value, tool=entry.get("tool"))
    return stats
