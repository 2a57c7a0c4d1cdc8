"""The shared Lab page (tests/support/shared_lab.py): a reset gives the next test what a fresh
load gives (the routes a test added removed too), and a page that cannot be reset (navigated,
or its test failed) is loaded afresh."""

from __future__ import annotations

import pytest

from tests.support.browser import open_mlops_sidebar
from tests.support.lab import LabServer
from tests.support.shared_lab import SharedLab

pytestmark = pytest.mark.browser

#: What a test meets: the main area's tabs, the left area's shown widget, our storage keys.
STATE = """() => {
  const shell = window.jupyterapp.shell;
  return {
    main: Array.from(shell.widgets('main')).map(w => w.title.label),
    left: Array.from(shell.widgets('left')).filter(w => w.isVisible).map(w => w.id),
    ours: Object.keys(localStorage).filter(key => key.startsWith('jupyter-mlops:')),
    launcherFocused: document.activeElement?.closest('.jp-Launcher') != null,
  };
}"""


#: The status of a request to each path the test routes.
STATUSES = """async () => Promise.all(['/mlops-context-route', '/mlops-page-route'].map(
  async path => (await fetch(path)).status))"""


def test_a_reset_gives_a_fresh_loads_state_and_a_navigated_page_is_loaded_again(
    browser, lab_server: LabServer, tmp_path
):
    shared = SharedLab(browser, lab_server)
    try:
        page, _ = shared.take(tmp_path)
        assert shared.reloaded_because == "first test"
        fresh = page.evaluate(STATE)
        assert fresh["main"] == ["Launcher"] and fresh["launcherFocused"], fresh

        # What a test leaves behind: a notebook, a changed one among them, a guide tab, our
        # sidebar shown, a remembered toggle.
        page.evaluate(
            """async () => {
                const app = window.jupyterapp;
                await app.commands.execute('mlops:open-getting-started');
                await app.commands.execute('docmanager:open', {path: '00_getting_started.ipynb'});
                localStorage.setItem('jupyter-mlops:test-choice', '1');
            }"""
        )
        page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.keyboard.press("b")  # a new cell: the notebook is changed, not saved
        open_mlops_sidebar(page)
        # Routes on the context and on the page (one that cut the network off would fail the
        # next test's requests).
        page.context.route("**/mlops-context-route", lambda route: route.fulfill(body="x"))
        page.route("**/mlops-page-route", lambda route: route.fulfill(body="x"))
        assert page.evaluate(STATUSES) == [200, 200]
        assert page.evaluate(STATE) != fresh
        shared.release(reusable=True)

        page, _ = shared.take(tmp_path)
        assert shared.reloaded_because == "", shared.reloaded_because
        assert page.evaluate(STATE) == fresh
        assert page.locator(".jp-Dialog").count() == 0  # no "save your changes?"
        assert page.evaluate(STATUSES) == [404, 404]  # the server's answers: no route left

        # A test that navigates leaves no loaded Lab to reset: the next one gets a fresh load.
        page.goto(lab_server.lab_url("lab/workspaces/mlops-shared-check"))
        shared.release(reusable=True)
        page, _ = shared.take(tmp_path)
        assert shared.reloaded_because == "the page navigated"
        assert page.evaluate(STATE) == fresh

        assert shared.loads == 2

        # A failed test's page is never reused: it is closed, the next test loads afresh.
        shared.release(reusable=False)
        assert shared.page is None and shared.context is None
    finally:
        shared.close()
