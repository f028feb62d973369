"""Resumable generation: a real ``gtm carg generate`` process is SIGKILLed half way, started again,
and ends with exactly the samples of an uninterrupted run (none lost, none duplicated)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from carg_data import kill_after_commits, seal_specs, write_tools

from gtm_core.storage import Store

FIELD = {"Non-profit": 160}
CMD = [
    sys.executable,
    "-c",
    "from gtm_core.cli import app; app()",
    "carg",
    "generate",
    "--field",
    "non-profit",
    "--batch-tools",
    "2",
    "--json",
]


def _env(data_dir) -> dict:
    return {**os.environ, "GTM_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


def _ids(store: Store, table: str) -> list[str]:
    key = "unit_id" if table == "carg_progress" else "sample_id"
    return store.query(f"select {key} from {table} order by 1")[key].tolist()


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    specs = seal_specs(FIELD)
    ref_dir, run_dir = tmp_path / "ref", tmp_path / "run"
    for d in (ref_dir, run_dir):
        write_tools(Store(d / "gtm.duckdb"), specs)

    ref = subprocess.run(CMD, env=_env(ref_dir), capture_output=True, text=True, timeout=300)
    assert ref.returncode == 0, ref.stderr[-2000:]
    ref_store = Store(ref_dir / "gtm.duckdb")
    total_units = len(specs)
    assert ref_store.count("carg_progress") >= total_units

    # start, wait for a few committed batches, then kill -9 mid-run
    p = kill_after_commits(CMD, _env(run_dir), 5)
    assert p.returncode == -signal.SIGKILL
    store = Store(run_dir / "gtm.duckdb")
    done_after_kill = store.count("carg_progress")
    assert 0 < done_after_kill < total_units, "the kill must land half way"

    again = subprocess.run(CMD, env=_env(run_dir), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["resumed_units"] >= done_after_kill
    for table in ("carg_samples", "carg_rejects", "carg_progress"):
        ids = _ids(store, table) if store.exists(table) else []
        assert len(ids) == len(set(ids)), f"duplicates in {table}"
    assert _ids(store, "carg_samples") == _ids(ref_store, "carg_samples")
    # same content as the uninterrupted run (deterministic teacher)
    q = "select sample_id, arguments, output from carg_samples order by 1"
    assert store.query(q).equals(ref_store.query(q))


def test_cli_names_the_field_when_it_matches_no_tool(tmp_path):
    write_tools(Store(tmp_path / "gtm.duckdb"), seal_specs({"Gaming": 3}))
    r = subprocess.run(
        [*CMD[:5], "--field", "Underwater Basket Weaving"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "--field" in r.stderr and "underwater_basket_weaving" in r.stderr
    ok = subprocess.run(
        [*CMD[:5], "--field", "Gaming", "--scenario", "single", "--json"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout.splitlines()[-1])["accepted"] > 0
    stats = subprocess.run(
        [*CMD[:4], "stats", "--json"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(stats.stdout)["accepted"][0]["field_key"] == "gaming"
