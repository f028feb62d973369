"""Dagster-facing commands of the ``gtm`` CLI (kept out of gtm_core,
which never imports dagster)."""

import os
import sys

import typer

from gtm_core.cli import app
from gtm_core.cli.app import console
from gtm_core.settings import get_settings


@app.command()
def run(
    select: str = typer.Option("*", help="Dagster asset selection, e.g. 'tool_repository' or '*'"),
    profile: str = typer.Option(
        None, help="Settings profile (local|gpu); default from GTM_PROFILE"
    ),
) -> None:
    """Materialize the asset graph (the main job) on the embedded default; runs show in `gtm ui`."""
    import dagster as dg

    from gtm_assets.definitions import defs
    from gtm_assets.instance import get_instance
    from gtm_assets.pipeline import blocked_checks, run_pipeline
    from gtm_assets.resources import GTMResource

    s = get_settings(**({"profile": profile} if profile else {}))
    instance = get_instance(s)
    sel = None if select == "*" else dg.AssetSelection.from_string(select)
    gtm = GTMResource(profile=s.profile, data_dir=str(s.root))
    results = run_pipeline(defs, instance, gtm, sel, log=console.print)
    ok = all(r.success or blocked_checks(r) is not None for r in results)
    console.print(
        f"[{'green' if ok else 'red'}]{'done' if ok else 'FAILED'}[/]: "
        f"{len(results)} run(s); data in {s.root}"
    )
    raise typer.Exit(0 if ok else 1)


@app.command()
def ui(host: str = "127.0.0.1", port: int = 3000) -> None:
    """Serve the Dagster UI (dagster dev) on the embedded instance. SIGINT/SIGTERM stop it and every
    process it started (signal forwarded to its process group, bounded
    wait, then killed): exit 0."""
    from gtm_assets.instance import ensure_dagster_home
    from gtm_core.cli.supervise import run_supervised

    ensure_dagster_home(get_settings())
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmd = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-w",
        os.path.join(root, "workspace.yaml"),
        "-h",
        host,
        "-p",
        str(port),
    ]
    raise typer.Exit(run_supervised(cmd, cwd=root))


@app.command()
def status(
    as_json: bool = typer.Option(False, "--json", help="one JSON object for scripts"),
) -> None:
    """Every asset: last materialization, unsynced or not and why, latest check results."""
    from gtm_assets.definitions import defs
    from gtm_assets.instance import get_instance
    from gtm_assets.status import asset_status

    rows = asset_status(defs, get_instance(get_settings()))
    if as_json:
        from gtm_core.cli.app import emit

        emit(
            {"assets": rows, "unsynced": [r["asset"] for r in rows if r["status"] != "fresh"]}, True
        )
        return
    from gtm_core.cli.app import table as rich_table

    table = rich_table(
        "asset", "status", "materialized", "checks", whole=("asset", "status", "materialized")
    )
    for r in rows:
        color = {"fresh": "green", "unsynced": "yellow"}.get(r["status"], "red")
        when = (r["last_materialized"] or "-")[5:16].replace("T", " ")
        failed = [f"{k}={v}" for k, v in r["checks"].items() if v != "succeeded"]
        checks = (
            ", ".join(failed) if failed else (f"{len(r['checks'])} passed" if r["checks"] else "")
        )
        table.add_row(r["asset"], f"[{color}]{r['status']}[/]", when or "-", checks)
    console.print(table)
    for r in rows:  # why each asset is unsynced, under the table: reasons are sentences, not cells
        if r["reasons"] and r["status"] != "fresh":
            console.print(f"[bold]{r['asset']}[/]: {'; '.join(r['reasons'])}", highlight=False)


main = app

if __name__ == "__main__":
    main()
