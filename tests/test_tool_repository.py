"""Tool repository: field assignment, de-duplication with reasons, and a real Dagster
materialization of seed_fields → taxonomy → generated_tools / imported_tools →
tool_repository (+ checks)."""

import json

import dagster as dg
import pytest

from gtm_core.embed import Embedder
from gtm_core.spec import ToolSpec
from gtm_core.storage import Store
from gtm_core.tools.repository import assign_fields, build_repository, load_tools
from gtm_core.tools.taxonomy import load_seed_taxonomy


def _spec(name, desc="", field="", subfield=""):
    return ToolSpec.parse(
        {
            "name": name,
            "description": desc,
            "field": field,
            "subfield": subfield,
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}},
                "required": ["q"],
            },
            "response": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
        }
    )


def test_build_repository_removes_near_duplicate_names_with_reasons():
    specs = [
        _spec("get_weather_forecast"),
        _spec("getWeatherForecast"),
        _spec("get-weather-forecast"),
        _spec("translate_text"),
        _spec("book_flight"),
    ]
    b = build_repository(specs, Embedder(), threshold=0.8)
    kept = [s.name for s in b.tools]
    assert kept[0] == "get_weather_forecast" and "translate_text" in kept and "book_flight" in kept
    assert kept == ["get_weather_forecast", "translate_text", "book_flight"]
    assert all(
        r.stage == "dedup" and "duplicate of 'get_weather_forecast'" in r.reason for r in b.rejects
    )
    assert len(b.tools) + len(b.rejects) == len(specs)
    sims = b.embeddings @ b.embeddings.T
    assert (sims[~__import__("numpy").eye(len(kept), dtype=bool)] <= 0.8).all()


def test_build_repository_name_and_description_mode_keeps_same_name_different_tools():
    specs = [
        _spec("search", "Search the web for pages about a query"),
        _spec("search", "Search the product catalogue of the shop by SKU"),
    ]
    assert len(build_repository(specs, Embedder(), on="name").tools) == 1
    assert len(build_repository(specs, Embedder(), on="name+description", threshold=0.9).tools) == 2


def test_assign_fields_uses_the_taxonomy():
    tax = load_seed_taxonomy()
    specs = assign_fields(
        [
            _spec("get_stock_quote", "Latest price of a stock ticker on the exchange"),
            _spec("get_current_weather", "Current temperature and conditions in a city"),
            _spec("kept", "x", field="Finance", subfield="Banking"),
        ],
        tax,
        Embedder(),
    )
    assert (specs[0].field, specs[0].subfield) == ("Finance", "Stock Trading")
    assert specs[1].field == "Weather" and "field_similarity" in specs[1].meta
    assert (specs[2].field, specs[2].subfield) == ("Finance", "Banking")


def test_tool_repository_assets_materialize(gtm_resource, data_dir, shared_data):
    from gtm_assets.defs import tools as t

    instance = dg.DagsterInstance.ephemeral()
    run_config = {
        "ops": {
            "imported_tools": {
                "config": {
                    "sources": [
                        "seal_tools_tools.jsonl",
                        "mcp_tools.jsonl",
                        "toolbench_rapidapi_tools.jsonl",
                        "missing_file.jsonl",
                    ],
                    "limit_per_source": 60,
                }
            }
        }
    }
    assets = [
        t.seed_fields,
        t.taxonomy,
        t.generated_tools,
        t.imported_tools,
        t.tool_repository,
        t.required_in_properties,
        t.no_near_duplicates,
        t.reject_share_below_bound,
    ]
    res = dg.materialize(
        assets, instance=instance, resources={"gtm": gtm_resource}, run_config=run_config
    )
    assert res.success
    checks = {e.asset_check_key.name: e.passed for e in res.get_asset_check_evaluations()}
    assert checks == {
        "required_in_properties": True,
        "no_near_duplicates": True,
        "reject_share_below_bound": True,
    }
    store = Store(data_dir / "gtm.duckdb")
    tools = load_tools(store)
    fields = {r["field"] for r in store.read("taxonomy").to_dict("records")}
    assert len(tools) > 300 and all(t.field in fields for t in tools)
    assert {t.source.split(":")[0] for t in tools} >= {"generated"}
    rejects = store.read("tool_rejects")
    assert (rejects["stage"] == "dedup").any()
    assert rejects["reason"].str.len().min() > 0
    assert any("missing_file.jsonl" in s for s in rejects["source"]) or any(
        "missing_file" in r for r in rejects["reason"]
    )
    assert (
        sorted(instance.get_dynamic_partitions("fields"))[:2]
        == sorted(instance.get_dynamic_partitions("fields"))[:2]
    )
    assert len(instance.get_dynamic_partitions("fields")) == len(fields)
    mat = instance.get_latest_materialization_event(
        dg.AssetKey("tool_repository")
    ).asset_materialization
    assert mat.metadata["tools"].value == len(tools)
    assert (data_dir / "plots" / "tools_per_field.png").stat().st_size > 1000
    # re-materializing replaces, never duplicates
    res2 = dg.materialize(
        assets, instance=instance, resources={"gtm": gtm_resource}, run_config=run_config
    )
    assert res2.success and len(load_tools(store)) == len(tools)


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"name": "", "parameters": {}}, "name"),
        ({"name": "has space", "parameters": {}}, "name"),
        (
            {
                "name": "f",
                "parameters": {
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "required": ["b"],
                },
            },
            "required",
        ),
        (
            {
                "name": "f",
                "parameters": {"type": "object", "properties": {"a": {"type": "strang"}}},
            },
            "parameters.properties.a.type",
        ),
        (
            {
                "name": "f",
                "parameters": {
                    "type": "object",
                    "properties": {"a": {"type": "string", "minLength": "x"}},
                },
            },
            "parameters.properties.a.minLength",
        ),
        (
            {
                "name": "f",
                "parameters": [{"name": "a", "type": "str"}, {"name": "a", "type": "int"}],
            },
            "parameters[1].name",
        ),
    ],
)
def test_bad_specs_name_the_field(bad, field):
    from gtm_core.spec import SpecError

    with pytest.raises(SpecError) as e:
        ToolSpec.parse(bad)
    assert e.value.field == field and e.value.reason


def test_type_normalisation():
    s = ToolSpec.parse(
        {
            "name": "f",
            "parameters": {
                "type": "dict",
                "properties": {
                    "a": {"type": "float"},
                    "b": {"type": "int"},
                    "c": {"type": "list", "items": {"type": "str"}},
                    "d": {"type": "List[str]"},
                    "e": {"type": "Optional[int]"},
                    "g": {"type": "bool"},
                },
            },
        }
    )
    p = s.properties
    assert [p[k]["type"] for k in "abcdeg"] == [
        "number",
        "integer",
        "array",
        "array",
        "integer",
        "boolean",
    ]
    assert p["c"]["items"] == {"type": "string"} and p["d"]["items"] == {"type": "string"}
    assert json.loads(s.to_row()["parameters"])["type"] == "object"
