"""Fixtures shared by the whole suite: an isolated store per test, a Jupyter server with the
extension, and a real JupyterLab driven by Chromium for browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlops.core.store import reset_database
from tests.support.browser import CHROMIUM_ARGS, chromium_path, missing_browser_reason
from tests.support.lab import LabServer

pytest_plugins = ["pytest_jupyter.jupyter_server"]

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "example_notebooks"


@pytest.fixture(autouse=True)
def mlops_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir and SQLite store; returns the data dir."""
    data_dir = tmp_path / "mlops-data"
    monkeypatch.setenv("JUPYTER_MLOPS_DATA_DIR", str(data_dir))
    monkeypatch.delenv("JUPYTER_MLOPS_DB_URL", raising=False)
    reset_database()
    yield data_dir
    reset_database()


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    """pytest-jupyter's server, with the jupyter_mlops extension enabled."""
    return {"ServerApp": {"jpserver_extensions": {"jupyter_mlops": True}}}


@pytest.fixture
def mlops_app(jp_serverapp: Any) -> Any:
    """The running `MLOpsApp` inside pytest-jupyter's server."""
    apps = jp_serverapp.extension_manager.extension_apps["jupyter_mlops"]
    return next(iter(apps))


# --- browser tests -----------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Expose each phase's report on the item, so fixtures can react to a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _require_browser() -> None:
    reason = missing_browser_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Home of the session's Lab: its notebooks root is a copy of example_notebooks/."""
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(EXAMPLES, home / "root", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return home


@pytest.fixture(scope="session")
def lab_server(lab_home: Path) -> Iterator[LabServer]:
    """One real `jupyter lab` for the session's browser tests, with its own store."""
    _require_browser()
    server = LabServer(lab_home / "root", lab_home).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (executable_path; no downloaded browsers)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def lab_page(
    request: pytest.FixtureRequest, browser: Any, lab_server: LabServer, tmp_path: Path
) -> Iterator[Any]:
    """A page with JupyterLab loaded; on failure a screenshot lands in the test's tmp dir."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(lab_server.lab_url())
    page.wait_for_selector("#jp-main-dock-panel", state="attached")
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(
            f"screenshot of the failed browser test: {shot}\nLab log:\n{lab_server.log()[-3000:]}"
        )
    context.close()
