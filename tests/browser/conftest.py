"""Browser fixtures: a real `jupyter lab` process and Debian's Chromium through Playwright.

They are package-scoped: Playwright's sync API runs its own event loop, which must be gone
before the rest of the suite uses pytest-jupyter's loops.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    CHROMIUM_ARGS,
    chromium_path,
    missing_browser_reason,
    wait_for_lab,
)
from tests.support.dialogs import DialogGuard
from tests.support.lab import LabServer

EXAMPLES = Path(__file__).resolve().parents[2] / "example_notebooks"


@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Replace pytest-jupyter's autouse loop: it would fight Playwright's loop in this thread."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    """No in-process Jupyter server runs here: browser tests use a real `jupyter lab` process."""
    yield


def _require_browser() -> None:
    reason = missing_browser_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="package")
def lab_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Home of the package's Lab: its notebooks root is a copy of example_notebooks/."""
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(EXAMPLES, home / "root", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return home


@pytest.fixture(scope="package")
def lab_server(lab_home: Path) -> Iterator[LabServer]:
    """One real `jupyter lab` for the browser tests, with its own store."""
    _require_browser()
    server = LabServer(lab_home / "root", lab_home).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
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
    """A page with JupyterLab loaded; on failure a screenshot lands in the test's tmp dir,
    and the output names the dialogs the test met (tests/support/dialogs.py). A dialog of the
    Lab's own that no test opens (a "Select Kernel") is answered when an action meets it, and
    fails the test with its text and picture.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    dialogs = DialogGuard(page, tmp_path).install()
    page.goto(lab_server.lab_url())
    wait_for_lab(page)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(
            f"screenshot of the failed browser test: {shot}\n{dialogs.report()}\n"
            f"Lab log:\n{lab_server.log()[-3000:]}"
        )
    unexpected = list(dialogs.unexpected)
    context.close()
    if unexpected:
        pytest.fail("the Lab showed a dialog no test opens:\n" + "\n".join(unexpected))
