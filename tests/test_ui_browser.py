"""The Dagster UI in a real browser: start `dagster dev` on 127.0.0.1, open the lineage page,
launch a materialization of one asset from its page, wait for the run to succeed, and save
screenshots under test-artifacts/ui/."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "ui"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dagster_ui(data_dir):
    from gtm_assets.instance import ensure_dagster_home
    from gtm_core.settings import get_settings

    home = ensure_dagster_home(get_settings(data_dir=data_dir))
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "GTM_DATA_DIR": str(data_dir),
        "GTM_AUTOMATION": "0",
    }
    log = open(data_dir / "dagster-dev.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dagster",
            "dev",
            "-w",
            str(REPO / "workspace.yaml"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail(
                    f"dagster dev exited: {(data_dir / 'dagster-dev.log').read_text()[-2000:]}"
                )
            time.sleep(1)
        else:
            pytest.fail("dagster dev did not answer within 180 s")
        yield url, home
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


DISMISS = ("Skip", "Dismiss", "Close", "Got it", "Done", "Not now")


def _skip_dialog(page, wait_ms: int = 15_000) -> None:
    """Close whatever dialog Dagster opens over the page (onboarding, "what's new", a nag): it
    may appear a moment after the page settles, and its backdrop swallows every click."""
    backdrop = page.locator(".bp5-overlay-backdrop")
    deadline = time.monotonic() + wait_ms / 1000
    page.wait_for_timeout(1000)
    while backdrop.count() and time.monotonic() < deadline:
        for name in DISMISS:
            button = page.locator(".bp5-portal").get_by_role("button", name=name, exact=True)
            if button.count():
                button.first.click(force=True)
                break
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(500)


def test_lineage_and_materialize_in_browser(dagster_ui):
    import dagster as dg
    from playwright.sync_api import sync_playwright

    url, home = dagster_ui
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        page.goto(f"{url}/asset-groups", wait_until="networkidle")
        page.wait_for_timeout(1500)
        _skip_dialog(page)
        page.get_by_text("tool_repository").first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "lineage.png"))

        page.goto(f"{url}/assets/seed_fields", wait_until="networkidle")
        _skip_dialog(page)
        button = page.locator("button", has_text="Materialize").first
        button.wait_for(timeout=60_000)
        _skip_dialog(page)
        page.screenshot(path=str(ARTIFACTS / "asset_before.png"))
        button.click()
        # wait until the run is recorded as a success in the instance's own storage
        instance = dg.DagsterInstance.from_config(str(home))
        deadline = time.monotonic() + 180
        status = None
        while time.monotonic() < deadline:
            runs = instance.get_runs(limit=1)
            status = runs[0].status if runs else None
            if status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE):
                break
            time.sleep(1)
        assert status == dg.DagsterRunStatus.SUCCESS, f"run status {status}"
        run_id = instance.get_runs(limit=1)[0].run_id
        page.goto(f"{url}/runs/{run_id}", wait_until="networkidle")
        page.get_by_text("seed_fields").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "run.png"))
        page.goto(f"{url}/assets/seed_fields", wait_until="networkidle")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "asset.png"))
        browser.close()
    assert instance.get_latest_materialization_event(dg.AssetKey("seed_fields")) is not None
    for name in ("lineage.png", "run.png", "asset.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
