"""The Dagster definitions: every asset key, check, job, schedule and sensor, their lineage, pools,
partitions and code versions — and gtm_core never imports dagster."""

import ast
from pathlib import Path

import dagster as dg

from gtm_assets.definitions import defs

REPO = Path(__file__).resolve().parent.parent

ASSETS = {
    "seed_fields",
    "taxonomy",
    "generated_tools",
    "imported_tools",
    "tool_repository",
    "single_turn_samples",
    "multi_turn_samples",
    "error_samples",
    "carg_dataset",
    "dataset_splits",
    "sft_dataset",
    "gtm_model",
    "registered_model",
    "eval_table",
    "champion",
    "sim_to_real_report",
    "real_traces",
    "mcp_map",
    "cuda_validator_dataset",
    "cuda_validator_model",
    "cuda_validator_eval",
}
CHECKS = {
    ("tool_repository", "required_in_properties"),
    ("tool_repository", "no_near_duplicates"),
    ("tool_repository", "reject_share_below_bound"),
    ("carg_dataset", "carg_pass_rate"),
    ("carg_dataset", "carg_no_duplicates"),
    ("carg_dataset", "carg_tools_exist"),
    ("dataset_splits", "splits_no_tool_leak"),
    ("gtm_model", "gtm_model_loss_fell"),
    ("eval_table", "candidate_not_worse_than_champion"),
}


def test_every_asset_check_job_schedule_and_sensor():
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.materializable_asset_keys} == ASSETS
    assert {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys} == CHECKS
    assert {j.name for j in defs.jobs} == {"carg_job", "tool_repository_job"}
    assert {s.name for s in defs.schedules} == {"carg_weekly"}
    assert {s.name for s in defs.sensors} == {"gtm_automation", "new_tool_sources"}
    defs.resolve_all_job_defs()  # every job resolves against the graph


def test_lineage_pools_partitions_and_code_versions():
    graph = defs.resolve_asset_graph()

    def parents(name):
        return {k.to_user_string() for k in graph.get(dg.AssetKey(name)).parent_keys}

    assert parents("tool_repository") == {"generated_tools", "imported_tools", "taxonomy"}
    assert "tool_repository" in parents("single_turn_samples")
    assert "sft_dataset" in parents("gtm_model") and "registered_model" in parents("eval_table")
    for name in ("single_turn_samples", "multi_turn_samples", "error_samples"):
        node = graph.get(dg.AssetKey(name))
        assert node.partitions_def is not None and node.partitions_def.name == "fields"
    assert graph.get(dg.AssetKey("gtm_model")).pools == {"gpu"}
    assert all(graph.get(dg.AssetKey(a)).code_version for a in ASSETS), (
        "every asset has a code_version"
    )
    blocking = {c.name for c in graph.asset_check_keys if graph.get_check_spec(c).blocking}
    assert "candidate_not_worse_than_champion" in blocking and "required_in_properties" in blocking


def test_gtm_core_never_imports_dagster():
    offenders = []
    for path in (REPO / "gtm_core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            if any(
                n == "dagster" or n.startswith(("dagster.", "dagster_", "gtm_assets"))
                for n in names
            ):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []
