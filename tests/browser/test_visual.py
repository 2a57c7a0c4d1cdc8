"""Visual regression check: the main panels' action buttons and forms, in the light and the dark
theme, against baselines in tests/browser/baselines/ (tests/support/visual.py compares them
with a pixel tolerance, and fails with a diff image)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_clusters import _show_clusters
from tests.support.browser import expect, open_mlops_sidebar, screenshot
from tests.support.jobs import write_notebook
from tests.support.lab import LabServer
from tests.support.visual import check_against_baseline

THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
THEME_SETTINGS = "/lab/api/settings/@jupyterlab/apputils-extension:themes"


def _save_theme(page, server: LabServer, theme: str) -> None:
    """Save the theme in the Lab's settings (as the Settings menu does); the next load has it."""
    answer = page.request.put(
        f"{server.url}{THEME_SETTINGS}",
        data=json.dumps({"raw": json.dumps({"theme": theme})}),
        headers={"Authorization": f"token {server.token}", "Content-Type": "application/json"},
    )
    assert answer.ok, answer.text()


def _set_theme(page, server: LabServer, theme: str) -> None:
    """Save the theme in the Lab's settings and load the Lab in it (on a `blank_page`: the
    only load the test needs)."""
    _save_theme(page, server, theme)
    page.goto(server.lab_url())
    open_mlops_sidebar(page)
    expect(page.locator("body")).to_have_attribute(
        "data-jp-theme-light", "true" if theme == THEMES["light"] else "false"
    )


@pytest.fixture
def themed(blank_page, lab_server) -> Iterator[None]:
    """Puts the Lab's setting back to the light theme afterwards: the package's tests share one
    Lab (the next load is light; this page is closed, so it is not reloaded)."""
    yield
    _save_theme(blank_page, lab_server, THEMES["light"])


@pytest.fixture
def visual_job(lab_server: LabServer) -> Iterator[str]:
    write_notebook(lab_server.root_dir / "visual_check.ipynb", "n: int = 1", "print(n)")
    job = lab_server.api(
        "jobs", "POST", {"notebook_path": "visual_check.ipynb", "schedule": "0 6 * * *",
                         "paused": True}
    )  # fmt: skip
    yield job["job_id"]
    request = urllib.request.Request(
        f"{lab_server.url}/mlops/api/jobs/{job['job_id']}", method="DELETE",
        headers={"Authorization": f"token {lab_server.token}"},
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=60).close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_panel_buttons_and_forms_look_as_they_did(
    blank_page, lab_server, themed, visual_job, theme, tmp_path: Path
):
    page = blank_page  # nothing loaded: the test loads the Lab in its theme
    _set_theme(page, lab_server, THEMES[theme])
    card = page.locator(f"#jupyter-mlops-jobs [data-job-id='{visual_job}']")
    actions = card.locator(".jp-MLOps-jobActions")
    labels = ["Run now", "Resume", "Edit", "Update", "Delete"]
    expect(actions.locator("button")).to_have_text(labels)
    # The Lab's own small button, its label centred: not jp-mod-styled's 32 px line height.
    run_now = actions.locator("button", has_text="Run now")
    expect(run_now).to_have_class("jp-Button jp-mod-styled jp-mod-small")
    box = run_now.bounding_box()
    assert 22 <= box["height"] <= 28, box
    assert run_now.evaluate("b => getComputedStyle(b).lineHeight") != "32px"
    screenshot(card, f"jobs-buttons-{theme}")
    check_against_baseline(actions.screenshot(), f"jobs-actions-{theme}", tmp_path)

    # The Schedule form (the Edit dialog of the job) in this theme, for docs/screenshots.
    actions.locator("button", has_text="Edit").click()
    dialog = page.locator(".jp-Dialog-content").filter(
        has=page.locator("[data-testid=mlops-schedule-form]")
    )
    expect(dialog.locator("#mlops-job-preset")).to_have_value("daily")
    expect(dialog.get_by_test_id("mlops-schedule-preview")).to_contain_text("every day at 06:00")
    screenshot(dialog, f"jobs-schedule-form-{theme}")
    dialog.locator(".jp-Dialog-footer button", has_text="Cancel").click()
    dialog.wait_for(state="detached")

    _show_clusters(page)
    form = page.locator("[data-testid=mlops-cluster-form]")
    screenshot(form, f"cluster-form-{theme}")
    check_against_baseline(form.screenshot(), f"cluster-form-{theme}", tmp_path)
