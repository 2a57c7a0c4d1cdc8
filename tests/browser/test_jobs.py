"""Jobs in a real JupyterLab: the notebook toolbar's Schedule button opens the dialog with the
notebook's typed parameters and a cron preview; scheduling "run once now" makes a job whose
run shows in the Jobs section until it succeeds; its executed notebook opens in the Lab with
the injected parameter's effect; the main-area Jobs panel lists the job's runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot
from tests.support.jobs import write_notebook

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

NOTEBOOK = "schedule_me.ipynb"


@pytest.fixture
def notebook(lab_home: Path) -> str:
    write_notebook(
        lab_home / "root" / NOTEBOOK,
        "factor: int = 2\nlabel = 'plain'",
        "print('answer', factor * 21, label)",
    )
    return NOTEBOOK


def test_schedule_a_notebook_watch_its_run_and_open_the_output(blank_page, lab_server, notebook):
    page = blank_page  # nothing loaded: the test opens its Lab URL first
    page.goto(lab_server.lab_url(f"lab/tree/{notebook}"))
    button = page.locator(".jp-NotebookPanel-toolbar .jp-MLOps-scheduleButton")
    button.wait_for(state="visible")
    button.click()
    form = page.locator(".jp-Dialog [data-testid=mlops-schedule-form]")
    form.wait_for(state="visible")
    factor = form.locator("#mlops-param-factor")
    expect(factor).to_have_value("2")
    expect(form.locator("[data-parameter=factor] label")).to_contain_text("(int)")
    # The cron preview reads the schedule in words, and says when it is wrong.
    form.get_by_test_id("mlops-schedule-cron-mode").check()
    cron = form.locator("#mlops-job-cron")
    cron.fill("30 6 * * 1-5")
    form.locator("#mlops-job-tz").fill("Europe/Berlin")
    preview = form.get_by_test_id("mlops-schedule-preview")
    preview.get_by_text("every weekday at 06:30 (Europe/Berlin)").wait_for()
    screenshot(page, "jobs-dialog")
    cron.fill("every morning")
    preview.locator(".jp-MLOps-error").wait_for()
    expect(preview).to_contain_text("schedule")
    # Run once now, with typed parameters.
    form.get_by_text("Run once now").click()
    factor.fill("3")
    form.locator("[data-parameter=label] input").fill("from the dialog")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    form.wait_for(state="detached")

    section = page.locator("#jupyter-mlops-jobs")
    card = section.locator("[data-testid=mlops-job]", has_text="schedule_me")
    card.wait_for(state="visible")
    card.locator(".jp-MLOps-jobRun[data-status=succeeded]").wait_for(timeout=120_000)
    # The run says what started it (the dialog's "Run once now": by hand).
    expect(card.get_by_test_id("mlops-job-run-trigger").first).to_have_text("by hand")
    card.get_by_test_id("mlops-job-open-output").click()
    tab = page.locator(".lm-TabBar-tab.lm-mod-current", has_text="schedule_me")
    tab.wait_for()
    output = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output", has_text="answer 63")
    output.first.wait_for()
    screenshot(page, "jobs-output")
    expect(output.first).to_contain_text("from the dialog")

    section.get_by_test_id("mlops-open-jobs-panel").click()
    panel = page.locator("#jupyter-mlops-jobs-panel")
    panel.wait_for(state="visible")
    runs = panel.locator("[data-testid=mlops-job]", has_text="schedule_me").locator(
        ".jp-MLOps-jobRun"
    )
    expect(runs.first).to_have_attribute("data-status", "succeeded")
    screenshot(page, "jobs-panel")

    # Edit: put the job on a schedule; its card reads it back in words.
    card.get_by_test_id("mlops-job-edit").click()
    form = page.locator(".jp-Dialog [data-testid=mlops-schedule-form]")
    form.wait_for(state="visible")
    expect(form.locator("#mlops-param-factor")).to_have_value("3")
    form.get_by_test_id("mlops-schedule-cron-mode").check()
    form.locator("#mlops-job-cron").fill("0 3 * * *")
    form.locator("#mlops-job-tz").fill("UTC")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    form.wait_for(state="detached")
    card.get_by_text("every day at 03:00 (UTC)").wait_for()


def test_the_schedule_form_checks_as_you_type_and_creates_without_running(
    blank_page, lab_server, notebook
):
    """A tall form (the cron read-back shows at 900 px), cron presets, a timezone picker,
    errors next to their field as the user types (an int refuses 3.5) and from the server
    (no second dialog), and "create without running": a retraining job whose notebook needs
    a monitor's data file is created, not run (it failed at once with KeyError: ['label'])."""
    page = blank_page  # nothing loaded: the test opens its Lab URL first
    page.goto(lab_server.lab_url(f"lab/tree/{notebook}"))
    button = page.locator(".jp-NotebookPanel-toolbar .jp-MLOps-scheduleButton")
    button.wait_for(state="visible")
    button.click()
    form = page.locator(".jp-Dialog [data-testid=mlops-schedule-form]")
    form.wait_for(state="visible")

    factor = form.locator("#mlops-param-factor")
    error = form.locator('[data-testid=mlops-field-error][data-field="parameters.factor"]')
    factor.fill("3.5")
    expect(error).to_contain_text("factor takes a value of type int")
    factor.fill("4")
    expect(error).to_have_count(0)

    form.get_by_test_id("mlops-schedule-cron-mode").check()
    form.locator("#mlops-job-preset").select_option("weekdays")
    form.locator("#mlops-job-time").fill("06:30")
    expect(form.locator("#mlops-job-cron")).to_have_value("30 6 * * 1-5")
    form.locator("#mlops-job-tz").fill("Europe/Berlin")
    assert form.locator("#mlops-job-tz-list option").count() > 100
    preview = form.get_by_test_id("mlops-schedule-preview")
    preview.get_by_text("every weekday at 06:30 (Europe/Berlin)").wait_for()
    # The read-back shows without scrolling at 900 px.
    box = preview.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, box
    screenshot(page, "jobs-schedule-form")

    # A refusal from the server shows next to its field, in the same form.
    form.get_by_test_id("mlops-schedule-none-mode").check()
    form.locator("#mlops-job-name").fill("x" * 300)
    page.locator(".jp-Dialog .jp-mod-accept").click()
    form = page.locator(".jp-Dialog [data-testid=mlops-schedule-form]")
    name_error = form.locator('[data-testid=mlops-field-error][data-field="name"]')
    expect(name_error).to_be_visible()
    expect(page.locator(".jp-Dialog")).to_have_count(1)
    expect(form.locator("#mlops-param-factor")).to_have_value("4")
    form.locator("#mlops-job-name").fill("retrain later")
    expect(name_error).to_have_count(0)
    page.locator(".jp-Dialog .jp-mod-accept").click()
    form.wait_for(state="detached")

    card = page.locator("#jupyter-mlops-jobs [data-testid=mlops-job]", has_text="retrain later")
    card.wait_for(state="visible")
    jobs = lab_server.api("jobs")["jobs"]
    job = next(j for j in jobs if j["name"] == "retrain later")
    assert job["parameters"] == {"factor": 4}
    assert job["last_run"] is None
    assert lab_server.api(f"jobs/{job['job_id']}/runs")["runs"] == []


def test_a_running_run_shows_its_elapsed_time(lab_page, lab_server, lab_home: Path):
    """A run in progress says how long it has run so far (it said "0 ms" until the first
    cell ended)."""
    write_notebook(
        lab_home / "root" / "slow_run.ipynb", "pause = 60", "import time\ntime.sleep(pause)"
    )
    job = lab_server.api(
        "jobs", method="POST", body={"notebook_path": "slow_run.ipynb", "run_now": True}
    )
    try:
        open_mlops_sidebar(lab_page)
        section = lab_page.locator("#jupyter-mlops-jobs")
        card = section.locator("[data-testid=mlops-job]", has_text="slow_run")
        run = card.locator(".jp-MLOps-jobRun[data-status=running]")
        run.wait_for(timeout=120_000)
        expect(run).to_contain_text(re.compile(r"\d+(\.\d+)? s so far"))
    finally:
        lab_server.api(f"job-runs/{job['last_run']['run_id']}/cancel", method="POST")
