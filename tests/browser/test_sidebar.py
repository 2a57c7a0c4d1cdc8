"""The MLOps sidebar in a real JupyterLab, driven by Debian's Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jupyter_mlops import __version__
from tests.support.browser import expect, open_mlops_sidebar
from tests.support.lab import LabServer

# The tests on `lab_page` take one loaded Lab in turn (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]


def test_sidebar_shows_the_server_health(lab_page, lab_server):
    open_mlops_sidebar(lab_page)
    health = lab_page.locator("[data-testid=mlops-health]")
    expect(health).to_contain_text(f"jupyter-mlops {__version__}")
    expect(health).to_contain_text(str(lab_server.home / "mlops" / "mlops.db"))
    expect(health).to_contain_text("up to date")
    expect(health).to_contain_text("Experiment tracking")


def test_palette_has_mlops_commands(lab_page):
    # The reset workspace opens a Launcher, which takes the focus when it comes (and would close
    # the palette): wait for it. Then the View menu's entry, which needs no keyboard focus.
    lab_page.wait_for_selector(".jp-Launcher")
    lab_page.wait_for_function("document.activeElement?.closest('.jp-Launcher') != null")
    lab_page.click(".lm-MenuBar-itemLabel:text-is('View')")
    lab_page.click(".lm-Menu-itemLabel:text-is('Activate Command Palette')")
    palette_input = lab_page.wait_for_selector(".lm-CommandPalette-input", state="visible")
    palette_input.fill("MLOps")
    item = lab_page.locator(".lm-CommandPalette-item", has_text="Open the MLOps Sidebar")
    expect(item.first).to_be_visible()


def test_sidebar_says_when_the_server_extension_is_off(browser, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    server = LabServer(root, tmp_path, ["--ServerApp.jpserver_extensions=jupyter_mlops=False"])
    server.start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.lab_url())
        open_mlops_sidebar(page)
        error = page.locator("[data-testid=mlops-health-error]")
        expect(error).to_contain_text("server extension is not enabled")
    finally:
        context.close()
        server.stop()


def test_the_launcher_has_an_mlops_tile_that_opens_the_sidebar_and_a_guide(lab_page):
    # A reset workspace starts with an empty main area, where the Lab opens its Launcher.
    tile = lab_page.locator(".jp-Launcher .jp-LauncherCard", has_text="MLOps")
    tile.wait_for()
    tile.click()
    guide = lab_page.get_by_test_id("mlops-getting-started")
    expect(guide).to_contain_text("Open the sidebar")
    lab_page.wait_for_selector("#jupyter-mlops-sidebar", state="visible")
    # Opening it again reuses the tab.
    lab_page.locator(".lm-TabBar-tab", has_text="Launcher").first.click()
    tile.click()
    guide_tab = lab_page.locator(".lm-TabBar-tab", has_text="MLOps: Getting Started")
    expect(guide_tab.first).to_have_class(re.compile(r"\blm-mod-current\b"))
    expect(guide_tab).to_have_count(1)


def test_the_guide_covers_deploy_and_monitoring_and_the_cluster_tab(lab_page):
    """Getting Started names every example notebook, deploy and monitoring included, and
    calls the cluster's panel what it is: a tab of its own, which its button shows."""
    lab_page.locator(".jp-Launcher .jp-LauncherCard", has_text="MLOps").click()
    guide = lab_page.get_by_test_id("mlops-getting-started")
    for text in ("05 deploys a model", "06 monitors drift", "07 evaluates", "the Cluster tab"):
        expect(guide).to_contain_text(text)
    expect(guide.locator("h3")).to_contain_text(
        ["Start a Dask cluster", "Deploy a model", "Monitor drift and retrain"]
    )
    expect(guide.get_by_role("button", name="Open 06_monitor_drift.ipynb")).to_be_visible()
    guide.get_by_role("button", name="Show the Cluster tab").click()
    lab_page.wait_for_selector("#jupyter-mlops-clusters", state="visible")


def _wait_for(page, condition, what: str, rounds: int = 100) -> None:
    for _ in range(rounds):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never happened: {what}")


def test_a_collapsed_section_or_a_closed_sidebar_makes_no_requests(browser, lab_server):
    """The Experiments section polls every 10 s while it shows; collapsed, or with the sidebar
    closed, it asks nothing however long it waits (the page's clock is run ahead)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.clock.install()
        asked: list[str] = []
        in_flight: set[Any] = set()

        def sent(request: Any) -> None:
            if "/mlops/api/experiments?" in request.url:
                asked.append(request.url)
                in_flight.add(request)

        def ended(request: Any) -> None:
            in_flight.discard(request)

        page.on("request", sent)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        page.goto(lab_server.lab_url())
        page.wait_for_selector("#jp-main-dock-panel", state="attached")
        open_mlops_sidebar(page)
        page.wait_for_selector(
            "[data-testid=mlops-experiments], [data-testid=mlops-experiments-empty]"
        )

        # Shown, it polls.
        shown = len(asked)
        page.clock.run_for(25_000)
        _wait_for(page, lambda: len(asked) > shown, "a poll while the section shows")

        # Collapsed: nothing, however long.
        title = page.locator("#jupyter-mlops-sidebar .lm-AccordionPanel-title").filter(
            has_text="Experiments"
        )
        title.click()
        page.locator("#jupyter-mlops-experiments").wait_for(state="hidden")
        _wait_for(page, lambda: not in_flight, "the reads in flight end")
        collapsed = len(asked)
        page.clock.run_for(180_000)
        page.wait_for_timeout(500)
        assert len(asked) == collapsed, asked[collapsed:]

        # Expanded again: it reads at once.
        title.click()
        _wait_for(page, lambda: len(asked) > collapsed, "a read when the section shows again")

        # The whole sidebar closed: nothing either.
        page.click('.jp-SideBar [data-id="jupyter-mlops-sidebar"]')
        page.wait_for_selector("#jupyter-mlops-sidebar", state="hidden")
        _wait_for(page, lambda: not in_flight, "the reads in flight end")
        closed = len(asked)
        page.clock.run_for(180_000)
        page.wait_for_timeout(500)
        assert len(asked) == closed, asked[closed:]
    finally:
        context.close()
