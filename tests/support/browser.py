"""Playwright on Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium if installed (or $MLOPS_CHROMIUM), else None."""
    explicit = os.environ.get("MLOPS_CHROMIUM")
    if explicit:
        return explicit
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


def missing_browser_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        return "Debian's chromium is not installed (make test installs it when run as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    return None


#: How long an auto-retrying assertion waits for its state (the pages' default timeout).
EXPECT_TIMEOUT_MS = 30_000


def expect(target: Any, message: str | None = None) -> Any:
    """Playwright's auto-retrying assertions (`expect(locator).to_have_text(...)`), waiting as
    long as the pages' default timeout instead of Playwright's 5 s.

    Read what a view shows through these, never with a one-off `inner_text()`/`count()`:
    views render in stages (loading, then data; polls redraw), and a one-off read races them.
    Imported lazily, so collecting the tests needs no Playwright.
    """
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    return playwright_expect(target, message)


def layout_saved(
    *, holding: str, current: str | None = None, with_arg: str | None = None
) -> Callable[[Any], bool]:
    """For `page.expect_response`: the Lab's save of a workspace whose main area holds a widget
    restored under a name starting with `holding` (`"mlops-run:"`), with one whose name starts
    with `current` in front if given, and, if `with_arg` is given, whose saved arguments have
    that key (a profile tab's `jobId`).

    Wait for the save of the state a reload must restore, not just any: an earlier save can
    still be on its way, and a tab's name and arguments can change after it opens (a profile
    tab is renamed once its profile is saved).
    """

    def matches(response: Any) -> bool:
        request = response.request
        if "/lab/api/workspaces/" not in response.url or request.method != "PUT":
            return False
        try:
            data = json.loads(request.post_data or "{}").get("data", {})
        except ValueError:
            return False
        main = (data.get("layout-restorer:data") or {}).get("main") or {}
        widgets = [name for name in (main.get("dock") or {}).get("widgets", []) if name]
        held = [name for name in widgets if str(name).startswith(holding)]
        if not held:
            return False
        if current is not None and not str(main.get("current", "")).startswith(current):
            return False
        return with_arg is None or any(
            with_arg in ((data.get(name) or {}).get("data") or {}) for name in held
        )

    return matches


def wait_for_lab(page: Any) -> None:
    """Wait until the Lab on `page` has started and restored its layout.

    The shell is attached once every plugin has started, the layout is restored after that,
    and the splash screen is removed only then: a click before it can be undone by the restore
    (the restored left area replaces a sidebar just opened).
    """
    page.wait_for_selector("#jp-main-dock-panel", state="attached")
    page.wait_for_selector("#jupyterlab-splash", state="detached")


def open_mlops_sidebar(page: Any) -> None:
    """Show the MLOps sidebar (once the Lab has restored its layout) and wait until it shows."""
    wait_for_lab(page)
    if not page.locator("#jupyter-mlops-sidebar").is_visible():
        page.click('.jp-SideBar [data-id="jupyter-mlops-sidebar"]')
    page.wait_for_selector("#jupyter-mlops-sidebar", state="visible")


def screenshot(target: Any, name: str, settle_ms: int = 0) -> None:
    """Save `<name>.png` of `target` (a page or a locator) into the folder $MLOPS_SCREENSHOTS
    names (pictures for docs/screenshots/ and the issue notes); without it, do nothing.

    `settle_ms` lets a page finish drawing first (Bokeh's first frame), only for a picture.
    """
    folder = os.environ.get("MLOPS_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    if settle_ms:
        target.wait_for_timeout(settle_ms)
    target.screenshot(path=str(Path(folder) / f"{name}.png"))


def write_code_notebook(path: Path, source: str) -> None:
    """A notebook of one code cell `source`, on the `python3` kernel, written at `path`."""
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                   "execution_count": None}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path.write_text(json.dumps(notebook))


def run_first_cell(page: Any) -> None:
    """Run the open notebook's first cell once its kernel is idle. A run sent while the kernel
    is still connecting can be dropped: it is sent again until the cell's prompt shows it
    started (`[*]` or a number)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    prompt = page.locator(".jp-Cell .jp-InputPrompt").first
    for _ in range(6):
        page.locator(".jp-Cell .cm-content").first.click()
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(
                "el => /\\[(\\*|\\d+)\\]/.test(el.textContent)",
                arg=prompt.element_handle(),
                timeout=10_000,
            )
            return
        except PlaywrightTimeout:
            continue
