"""`gtm status --json` after the main job and after a prompt edit: exactly the assets that use the
edited template, and those downstream of them, are unsynced (same answer as the UI's staleness)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _gtm(args, env):
    out = subprocess.run(
        [sys.executable, "-m", "gtm_assets.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout


def test_prompt_edit_marks_exactly_dependent_assets_unsynced(tmp_path, shared_data):
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "gtm_core" / "prompts", prompts)
    env = {
        **os.environ,
        "GTM_DATA_DIR": str(tmp_path / "data"),
        "GTM_PROMPTS_DIR": str(prompts),
        "GTM_SHARED_DATA_DIR": str(shared_data),
        "GTM_IMPORT_SOURCES": '["api_bank_tools.jsonl"]',
    }
    _gtm(["run", "--select", "group:tool_repository"], env)
    before = json.loads(_gtm(["status", "--json"], env))
    rows = {r["asset"]: r for r in before["assets"]}
    group = ["seed_fields", "taxonomy", "generated_tools", "imported_tools", "tool_repository"]
    assert all(rows[a]["status"] == "fresh" for a in group), {a: rows[a] for a in group}
    assert rows["tool_repository"]["checks"] == {
        "no_near_duplicates": "succeeded",
        "required_in_properties": "succeeded",
        "reject_share_below_bound": "succeeded",
    }

    p = prompts / "generate_tools.j2"
    p.write_text(p.read_text() + "\nPrefer tools that return paginated results.\n")
    after = {r["asset"]: r for r in json.loads(_gtm(["status", "--json"], env))["assets"]}
    stale = {a for a in group if after[a]["status"] != "fresh"}
    assert stale == {"generated_tools", "tool_repository"}
    assert any("code version changed" in r for r in after["generated_tools"]["reasons"])
    assert any("generated_tools" in r for r in after["tool_repository"]["reasons"])
    # assets downstream of the repository that were never materialized say so
    assert after["sft_dataset"]["status"] == "never materialized"
