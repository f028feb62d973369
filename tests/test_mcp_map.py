"""MCP coverage map: loading (file, URL), overlap/regions/markers,
plots, CLI and the Dagster asset."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gtm_core.mcp_map import build_map, knn_mixing, top_words
from gtm_core.plots import save_map_html as save_html
from gtm_core.plots import save_map_png as save_png
from gtm_core.settings import get_settings
from gtm_core.spec import parse_specs
from gtm_core.tools.tool_lists import (
    MapTool,
    ToolListError,
    load_tool_list,
    parse_tool_list,
    tools_from_specs,
)

SHARED = get_settings().shared_data() or Path("../shared/data").resolve()
SPEC_FILES = [
    "seal_tools_tools.jsonl",
    "toolbench_rapidapi_tools.jsonl",
    "api_bank_tools.jsonl",
    "toolalpaca_tools.jsonl",
]


@pytest.fixture(scope="module")
def shared() -> Path:
    if not (SHARED / "mcp_tools.jsonl").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing at {SHARED} (CI is set)")
        pytest.skip(f"shared data folder {SHARED} not present (set GTM_SHARED_DATA_DIR)")
    return SHARED


def _shared_specs(shared: Path, per_file: int = 200):
    specs = []
    for f in SPEC_FILES:
        raws = [json.loads(line) for line in (shared / f).read_text().splitlines()[:per_file]]
        ok, _ = parse_specs(raws, f)
        specs.extend(ok)
    return specs


def _write_tools_table(db: Path, specs) -> None:
    from gtm_core.storage import Store

    Store(db).replace("tools", pd.DataFrame([s.to_row() for s in specs]))


@pytest.fixture(scope="module")
def embedder():
    from gtm_core.embed import Embedder

    return Embedder()


@pytest.fixture(scope="module")
def real_map(shared, embedder):
    mcp, rejects = load_tool_list(shared / "mcp_tools.jsonl")
    assert len(mcp) == 610 and rejects == []
    sim = tools_from_specs(_shared_specs(shared, 250))[:600]
    return build_map(mcp[:300], sim, embedder, radius=0.5, projections=("tsne", "umap"))


# ---- loading -----------------------------------------------------------------------------------
def test_parse_formats_and_rejects():
    as_obj = json.dumps(
        {"tools": [{"name": "a_b", "description": "x"}, {"description": "no name"}]}
    )
    tools, rej = parse_tool_list(as_obj, "obj")
    assert [t.name for t in tools] == ["a_b"]
    assert (
        rej[0]["field"] == "name"
        and "missing" in rej[0]["reason"]
        and rej[0]["raw"] == {"description": "no name"}
    )
    rpc = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "result": {"tools": [{"name": "t1", "description": "d"}]}}
    )
    assert [t.name for t in parse_tool_list(rpc, "rpc")[0]] == ["t1"]
    assert len(parse_tool_list(json.dumps([{"name": "x"}, {"name": "y"}]), "list")[0]) == 2
    jsonl = (
        '{"name": "p", "description": "1"}\n\n'
        '{"server": "S", "description": "catalog", "category": "Files"}\n'
    )
    tools, _ = parse_tool_list(jsonl, "jsonl")
    assert [(t.name, t.group) for t in tools] == [("p", ""), ("S", "Files")]
    with pytest.raises(ToolListError, match=r"line 2: not JSON"):
        parse_tool_list('{"name": "a"}\n{broken\n', "bad.jsonl")
    with pytest.raises(ToolListError, match="tools: must be a list"):
        parse_tool_list('{"tools": 3}', "bad.json")
    with pytest.raises(ToolListError, match="no such file"):
        load_tool_list("/nonexistent/tools.jsonl")


def test_load_catalog_file(shared):
    tools, rejects = load_tool_list(shared / "mcp_server_catalog.jsonl")
    assert len(tools) + len(rejects) == 674 and len(tools) > 600
    assert all(t.name and t.group for t in tools[:50])


@pytest.fixture()
def http_dir(tmp_path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield tmp_path, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_load_from_local_http_url(http_dir, shared):
    root, base = http_dir
    lines = (shared / "mcp_tools.jsonl").read_text().splitlines()[:40]
    (root / "tools.jsonl").write_text("\n".join(lines))
    (root / "list.json").write_text(json.dumps({"tools": [json.loads(x) for x in lines[:5]]}))
    tools, rej = load_tool_list(f"{base}/tools.jsonl")
    assert len(tools) == 40 and not rej and tools[0].name == json.loads(lines[0])["name"]
    assert [t.name for t in load_tool_list(f"{base}/list.json")[0]] == [t.name for t in tools[:5]]
    with pytest.raises(ToolListError, match="cannot fetch"):
        load_tool_list(f"{base}/missing.json")


# ---- analysis ----------------------------------------------------------------------------------
def test_knn_mixing_extremes():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(40, 8)) + np.r_[10.0, np.zeros(7)]
    b = rng.normal(size=(40, 8)) - np.r_[10.0, np.zeros(7)]
    is_a = np.r_[np.ones(40, bool), np.zeros(40, bool)]
    assert knn_mixing(np.r_[a, b], is_a, k=5) == pytest.approx(0.0)
    same = rng.normal(size=(80, 8))
    assert knn_mixing(same, is_a, k=5) > 0.6


def test_top_words_drop_stop_words():
    words = top_words(
        [
            "get_weather_forecast: Get the weather forecast for a city",
            "getWeatherAlerts: Returns weather alerts for the city",
        ],
        n=3,
    )
    assert words[:2] == ["weather", "city"] or set(words[:2]) == {"weather", "city"}
    assert "the" not in words and "get" not in words


def test_real_map_figures(real_map):
    r = real_map
    assert r.n_mcp == 300 and r.n_simulated == 600
    assert 0.0 <= r.overlap_share <= 1.0 and 0.0 <= r.simulated_covered_share <= 1.0
    assert r.overlap_share == pytest.approx(float((r.nearest_sim >= 0.5).mean()))
    assert 0.0 <= r.knn_mixing <= 1.0
    for name, xy in r.projections.items():
        assert xy.shape == (300 + 600 + len(r.probes), 2) and np.isfinite(xy).all(), name
    # the real MCP list has search tools: they are marked, and every
    # marked index names a search tool
    idx = r.markers["search"]
    tools = r.mcp + r.simulated
    assert idx and all(re.search("search|bing", tools[i].name, re.I) for i in idx)
    probes = {p["label"]: p for p in r.summary()["probes"]}
    assert set(probes) == {"search", "retrieval", "cuda"}
    assert all(
        p["region"] in {"intersection", "mcp-only", "simulated-only", "neither"}
        for p in probes.values()
    )
    # regions partition the uncovered tools of each side
    assert sum(x.size for x in r.regions_mcp_only) == int((~r.covered).sum())
    assert sum(x.size for x in r.regions_simulated_only) == int((r.nearest_mcp < 0.5).sum())
    assert all(reg.words and reg.examples for reg in r.regions_mcp_only)
    json.dumps(r.summary())


def test_plots_written(real_map, tmp_path):
    png = save_png(real_map, tmp_path / "m.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    page = save_html(real_map, tmp_path / "m.html").read_text()
    assert page.count("<circle") == 2 * 900  # one per point per projection
    assert 'id="p-tsne"' in page and 'id="p-umap"' in page
    # self-contained: no external scripts, styles, images or frames (descriptions may mention URLs)
    assert not re.search(r"<(script|link|img|iframe)[^>]*(src|href)\s*=", page)
    assert "http" not in page.split("<script>")[1] and page.count("<script") == 1
    assert "mousemove" in page and "data-t=" in page
    assert 'class="mcp marked"' in page or 'class="simulated marked"' in page
    assert "[probe cuda] validate_cuda_kernel" in page


def test_build_map_rejects_bad_input(embedder):
    t = [MapTool("a", "b")]
    with pytest.raises(ValueError, match="simulated_tools"):
        build_map(t, [], embedder)
    with pytest.raises(ValueError, match="radius"):
        build_map(t, t, embedder, radius=1.5)
    with pytest.raises(ValueError, match="unknown method 'pca'"):
        build_map(t * 5, t * 5, embedder, projections=("pca",))


# ---- CLI ---------------------------------------------------------------------------------------
def test_cli_map_json(shared, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from gtm_core.cli import app

    monkeypatch.setenv("GTM_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    res = runner.invoke(app, ["map", "--mcp", str(shared / "mcp_tools.jsonl"), "--json"])
    assert res.exit_code != 0 and "tool_repository" in res.output  # no tools table yet: clear error
    from gtm_core.settings import get_settings

    _write_tools_table(get_settings().duckdb_path, _shared_specs(shared, 60))
    res = runner.invoke(
        app,
        [
            "map",
            "--mcp",
            str(shared / "mcp_tools.jsonl"),
            "--json",
            "--limit-mcp",
            "150",
            "--projection",
            "tsne",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert {"n_mcp", "n_simulated", "overlap_share", "png", "html"} <= out.keys()
    assert out["n_mcp"] == 150 and out["n_simulated"] > 100 and 0 <= out["overlap_share"] <= 1
    assert Path(out["png"]).stat().st_size > 0 and Path(out["html"]).stat().st_size > 0
    assert Path(out["png"]).parent == tmp_path / "out"


# ---- Dagster -----------------------------------------------------------------------------------
def test_mcp_map_asset_materializes(shared, tmp_path):
    import dagster as dg
    import mlflow

    from gtm_assets.defs.maps import McpMapConfig, mcp_map
    from gtm_assets.resources import GTMResource

    res = GTMResource(data_dir=str(tmp_path))
    _write_tools_table(res.settings.duckdb_path, _shared_specs(shared, 80))
    cfg = {
        "mcp_sources": [str(shared / "mcp_tools.jsonl")],
        "limit_mcp": 200,
        "projections": ["tsne"],
    }
    result = dg.materialize(
        [mcp_map],
        resources={"gtm": res},
        run_config=dg.RunConfig(ops={"mcp_map": McpMapConfig(**cfg)}),
    )
    assert result.success
    mat = result.asset_materializations_for_node("mcp_map")[0]
    md = mat.metadata
    assert md["n_mcp"].value == 200 and md["n_simulated"].value > 200
    assert 0.0 <= md["overlap_share"].value <= 1.0
    assert Path(md["plot"].value).stat().st_size > 0 and Path(md["plot_html"].value).is_file()
    assert "mcp-only" in md["regions"].value and md["plot_preview"].value.startswith("![")
    points = res.store().read("mcp_map_points")
    assert len(points) == 200 + md["n_simulated"].value and {"tsne_x", "covered"} <= set(
        points.columns
    )
    mlflow.set_tracking_uri(res.settings.mlflow_tracking_uri)
    run = mlflow.get_run(md["mlflow_run_id"].value)
    assert run.data.metrics["overlap_share"] == pytest.approx(md["overlap_share"].value, abs=1e-3)
    arts = {a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id)}
    assert {"mcp_map.png", "mcp_map.html", "summary.json"} <= arts
