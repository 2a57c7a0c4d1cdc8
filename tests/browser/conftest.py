"""Browser fixtures: a real `jupyter lab` process and Debian's Chromium through Playwright.

The Lab (`lab_home`, `lab_server`) is session-scoped: one `jupyter lab` per test process for
the whole run. Under `pytest-xdist --dist loadfile` a worker gets this package's files between
other packages' files, and a package-scoped Lab was stopped and started again at each switch
(11 Lab starts on 3 workers, several CPU-seconds each). The tests share its store already, in
any order. Playwright (`browser`, and the shared page) stays package-scoped: its sync API runs
its own event loop, which must be gone before the rest of the suite uses pytest-jupyter's loops.
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
from tests.support.shared_lab import SharedLab, new_page

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


@pytest.fixture(scope="session")
def lab_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Home of the test process's Lab: its notebooks root is a copy of example_notebooks/."""
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(EXAMPLES, home / "root", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return home


@pytest.fixture(scope="session")
def lab_server(lab_home: Path) -> Iterator[LabServer]:
    """One real `jupyter lab` for the browser tests, with its own store."""
    _require_browser()
    # The app on `window.jupyterapp`: a shared page is reset through its shell and commands.
    server = LabServer(lab_home / "root", lab_home, ["--LabApp.expose_app_in_browser=True"]).start()
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


def pytest_configure(config: pytest.Config) -> None:
    """Register this package's marker (the lead's pytest settings need not know it)."""
    config.addinivalue_line(
        "markers",
        "shared_lab: the module's tests take the package's one loaded Lab page in turn, reset "
        "between them (tests/support/shared_lab.py)",
    )


@pytest.fixture(scope="package")
def shared_lab(browser: Any, lab_server: LabServer) -> Iterator[SharedLab]:
    """The loaded Lab page the `shared_lab` modules' tests take in turn: one page for all of
    them in a run of this package (a module of one test costs no load of its own), reset
    between tests as between a module's."""
    shared = SharedLab(browser, lab_server)
    try:
        yield shared
    finally:
        shared.close()


def _passed(node: pytest.Item) -> bool:
    reports = [getattr(node, f"rep_{when}", None) for when in ("setup", "call")]
    return all(report is None or report.passed for report in reports)


def _report_failure(
    request: pytest.FixtureRequest,
    page: Any,
    dialogs: DialogGuard,
    lab_server: LabServer,
    folder: Path,
) -> list[str]:
    """After a test: a screenshot and the dialogs and Lab log if it failed; the unexpected
    dialogs it met."""
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        shot = folder / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(
            f"screenshot of the failed browser test: {shot}\n{dialogs.report()}\n"
            f"Lab log:\n{lab_server.log()[-3000:]}"
        )
    return list(dialogs.unexpected)


@pytest.fixture
def blank_page(
    request: pytest.FixtureRequest, browser: Any, lab_server: LabServer, tmp_path: Path
) -> Iterator[Any]:
    """A page in a new browser context with nothing loaded, for a test that opens its own
    Lab URL first (a notebook, a workspace): `lab_page` would load the Lab once for nothing.
    Failures and dialogs are reported as `lab_page` reports them."""
    context, page, dialogs = new_page(browser, tmp_path)
    yield page
    unexpected = _report_failure(request, page, dialogs, lab_server, tmp_path)
    context.close()
    if unexpected:
        pytest.fail("the Lab showed a dialog no test opens:\n" + "\n".join(unexpected))


@pytest.fixture
def lab_page(
    request: pytest.FixtureRequest, browser: Any, lab_server: LabServer, tmp_path: Path
) -> Iterator[Any]:
    """A page with JupyterLab loaded; on failure a screenshot lands in the test's tmp dir,
    and the output names the dialogs the test met (tests/support/dialogs.py). A dialog of the
    Lab's own that no test opens (a "Select Kernel") is answered when an action meets it, and
    fails the test with its text and picture.

    In a module marked `shared_lab` the page is the package's loaded Lab, reset to a fresh
    load's state (tests/support/shared_lab.py); a failed test's page is not reused.
    """
    shared: SharedLab | None = None
    if request.node.get_closest_marker("shared_lab") is not None:
        shared = request.getfixturevalue("shared_lab")
        page, dialogs = shared.take(tmp_path)
    else:
        context, page, dialogs = new_page(browser, tmp_path)
        page.goto(lab_server.lab_url())
        wait_for_lab(page)
    yield page
    unexpected = _report_failure(request, page, dialogs, lab_server, tmp_path)
    if shared is not None:
        shared.release(reusable=not unexpected and _passed(request.node))
    else:
        context.close()
    if unexpected:
        pytest.fail("the Lab showed a dialog no test opens:\n" + "\n".join(unexpected))
