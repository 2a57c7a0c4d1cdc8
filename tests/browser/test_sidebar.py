"""The MLOps sidebar in a real JupyterLab, driven by Debian's Chromium."""

from __future__ import annotations

import pytest

from jupyter_mlops import __version__
from tests.support.browser import open_mlops_sidebar
from tests.support.lab import LabServer

pytestmark = pytest.mark.browser


def test_sidebar_shows_the_server_health(lab_page, lab_server):
    open_mlops_sidebar(lab_page)
    health = lab_page.wait_for_selector("[data-testid=mlops-health]")
    text = health.inner_text()
    assert f"jupyter-mlops {__version__}" in text
    assert str(lab_server.home / "mlops" / "mlops.db") in text
    assert "up to date" in text
    assert "Experiment tracking" in text


def test_palette_has_mlops_commands(lab_page):
    # The shortcut needs the Lab to have keyboard focus; the View menu's entry does not.
    lab_page.click("#jp-main-dock-panel")
    lab_page.keyboard.press("Control+Shift+C")
    palette_input = lab_page.wait_for_selector(".lm-CommandPalette-input", state="visible")
    palette_input.fill("MLOps")
    items = lab_page.locator(".lm-CommandPalette-item").all_inner_texts()
    assert any("Open the MLOps Sidebar" in item for item in items)


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
        error = page.wait_for_selector("[data-testid=mlops-health-error]", timeout=30_000)
        assert "server extension is not enabled" in error.inner_text()
    finally:
        context.close()
        server.stop()
