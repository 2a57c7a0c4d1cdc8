"""Playwright on Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
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


def layout_saved(*, holding: str, current: str | None = None) -> Callable[[Any], bool]:
    """For `page.expect_response`: the Lab's save of a workspace layout whose main area holds a
    widget restored under namespace `holding` (and, if given, one under `current` in front).

    Waiting for that save, not just any, keeps a reload from racing an earlier save still on
    its way (which would restore the layout from before the last click).
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
        if f'"{holding}:' not in json.dumps(main.get("dock")):
            return False
        return current is None or str(main.get("current", "")).startswith(f"{current}:")

    return matches


def open_mlops_sidebar(page: Any) -> None:
    """Click the MLOps entry of the left sidebar and wait until it shows."""
    page.click('.jp-SideBar [data-id="jupyter-mlops-sidebar"]')
    page.wait_for_selector("#jupyter-mlops-sidebar", state="visible")
