"""The Experiments panel in a real JupyterLab: runs logged by a separate process into the Lab's
store show up in the sidebar, the runs table sorts, filters and compares, a run's page draws its
metric charts, previews artifacts and opens the notebook it came from, the palette renames,
deletes and restores a run, and the %track status line links to the run's page. The example
notebook's runs (autolog, the chart view) are in test_experiment_notebook_runs.py.

Set MLOPS_SCREENSHOTS=<folder> to save screenshots of the views there."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from tests.support.browser import (
    expect,
    run_first_cell,
    screenshot,
    write_code_notebook,
)
from tests.support.experiments_panel import (
    EXPERIMENT,
    RUN_LINKS,
    open_experiment,
    run_links,
    run_page_of,
)
from tests.support.lab import LabServer

# The tests on `lab_page` take one loaded Lab in turn (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]


# Logs three finished runs of a small grid and one that is still running, the way a kernel
# would: through the tracking store of the Lab's data dir (the environment says which).
LOG_RUNS = textwrap.dedent(
    """
    import json, sys
    import plotly.graph_objects as go
    from jupyter_mlops.core.store import get_database
    from jupyter_mlops.tracking.entities import Metric
    from jupyter_mlops.tracking.store import TrackingStore

    store = TrackingStore(get_database())
    experiment = store.get_or_create_experiment(sys.argv[1]).experiment_id
    ids = {}
    for index, (lr, final) in enumerate([(0.1, 0.81), (0.01, 0.93), (1.0, 0.62)]):
        run = store.create_run(
            experiment, f"lr-{lr}", params={"lr": lr, "max_depth": 3 + index},
            notebook_path="00_getting_started.ipynb", cell_source="model.fit(X, y)",
            start_time=1_700_000_000_000 + index * 1000,
        )
        curve = [final * (step + 1) / 5 for step in range(5)]
        points = [Metric("acc", value, step, 1_700_000_000_000 + step) for step, value in
                  enumerate(curve)]
        store.log_batch(run.run_id, metrics=points)
        store.write_artifact(run.run_id, "metrics.json", json.dumps({"acc": final}).encode())
        figure = go.Figure(go.Bar(x=["a", "b"], y=[final, 1 - final]))
        store.write_artifact(run.run_id, "figures/importance.json", figure.to_json().encode())
        store.update_run(run.run_id, status="FINISHED")
        ids[run.name] = run.run_id
    live = store.create_run(experiment, "still-running", params={"lr": 0.5})
    store.log_batch(live.run_id, metrics=[Metric("acc", 0.1, 0, 1_700_000_000_000)])
    ids[live.name] = live.run_id
    other = store.get_or_create_experiment(sys.argv[1] + "-actions").experiment_id
    spare = store.create_run(other, "to-rename", params={"lr": 0.3})
    store.update_run(spare.run_id, status="FINISHED")
    ids[spare.name] = spare.run_id
    print(json.dumps(ids))
    """
)


@pytest.fixture(scope="module")
def logged_runs(lab_server: LabServer) -> dict[str, str]:
    """Run names -> ids, logged into the Lab's store by another process."""
    result = subprocess.run(
        [sys.executable, "-c", LOG_RUNS, EXPERIMENT],
        env=lab_server.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


LOG_POINT = textwrap.dedent(
    """
    import sys, time
    from jupyter_mlops.core.store import get_database
    from jupyter_mlops.tracking.entities import Metric
    from jupyter_mlops.tracking.store import TrackingStore

    TrackingStore(get_database()).log_batch(
        sys.argv[1], metrics=[Metric("acc", 0.55, 1, int(time.time() * 1000))]
    )
    """
)


def expect_sorted_texts(page, selector: str, expected: list[str]) -> None:
    """Wait until the texts of the elements `selector` matches, sorted, are `expected`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([selector, expected]) => JSON.stringify([...document.querySelectorAll(selector)]"
            ".map(el => el.textContent.trim()).sort()) === JSON.stringify(expected)",
            arg=[selector, sorted(expected)],
        )
    except PlaywrightTimeout:
        texts = sorted(text.strip() for text in page.locator(selector).all_text_contents())
        assert texts == sorted(expected)
        raise


def test_the_panel_lists_sorts_filters_and_compares_runs(lab_page, lab_server, logged_runs):
    page = lab_page
    view = open_experiment(page)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=mlops-runs-table] tbody tr').length === 4"
    )
    # Newest first by default; the running run shows its live badge.
    expect(run_links(page).first).to_have_text("still-running")
    expect(view.locator("[data-status=RUNNING]")).to_have_count(1)

    # A point logged now by another process shows up without a reload (live polling).
    live_acc = view.locator(
        f'tr[data-run-id="{logged_runs["still-running"]}"] td[data-column="metrics.acc"]'
    )
    expect(live_acc).to_have_text("0.1")
    subprocess.run(
        [sys.executable, "-c", LOG_POINT, logged_runs["still-running"]],
        env=lab_server.env(),
        check=True,
        timeout=120,
    )
    expect(live_acc).to_have_text("0.55")

    # Sort by the metric on the server: a click sorts descending, a second ascending.
    header = view.locator('th[data-sort-key="metrics.acc"]')
    header.click()
    page.wait_for_selector('th[data-sort-key="metrics.acc"][aria-sort=descending]')
    page.wait_for_function(
        "document.querySelector('[data-testid=mlops-runs-table] tbody tr button').textContent"
        " === 'lr-0.01'"
    )
    expect(run_links(page)).to_have_text(["lr-0.01", "lr-0.1", "lr-1.0", "still-running"])
    header.click()
    page.wait_for_selector('th[data-sort-key="metrics.acc"][aria-sort=ascending]')
    page.wait_for_function(
        "document.querySelector('[data-testid=mlops-runs-table] tbody tr button').textContent"
        " === 'still-running'"
    )

    # A malformed filter shows the server's message; a good one narrows the table.
    search = view.locator("[data-testid=mlops-runs-filter]")
    search.fill("params.lr = = 1")
    search.press("Enter")
    error = view.locator("[data-testid=mlops-runs-filter-error]")
    expect(error).to_contain_text("unexpected '=' at position 12")
    # The table still holds the last good search's runs: dimmed, and it says so.
    view.locator("[data-testid=mlops-runs-table].jp-mod-stale").wait_for()
    expect(view.get_by_test_id("mlops-runs-stale")).to_be_visible()
    search.fill("metrics.acc > 0.7 and params.max_depth != '5'")
    search.press("Enter")
    error.wait_for(state="detached")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=mlops-runs-table] tbody tr').length === 2"
    )
    expect_sorted_texts(page, RUN_LINKS, ["lr-0.01", "lr-0.1"])

    expect(view.locator("[data-testid=mlops-runs-table].jp-mod-stale")).to_have_count(0)

    # Nothing selected: Delete cannot act, and looks it.
    delete = view.locator(".jp-MLOps-selectionBar button", has_text="Delete")
    expect(delete).to_be_disabled()
    assert float(delete.evaluate("el => getComputedStyle(el).opacity")) < 0.6
    hint = view.get_by_test_id("mlops-compare-hint")
    expect(hint).to_be_visible()

    # Select both: the compare chart draws one named line per run, the hint goes.
    view.locator("thead input[type=checkbox]").check()
    compare = view.locator("[data-testid=mlops-compare]")
    compare.wait_for()
    # plotly adds its SVG before it draws the traces, legend and titles into it: wait for each.
    expect(compare.locator(".scatterlayer .trace")).to_have_count(2)
    expect(compare.locator("h3")).to_have_text("Compare 2 runs")
    expect_sorted_texts(page, "[data-testid=mlops-compare] .legendtext", ["lr-0.01", "lr-0.1"])
    expect(compare.locator(".ytitle")).to_have_text("acc")
    expect(compare.locator(".xtitle")).to_have_text("step")
    hint.wait_for(state="detached")
    # Only the params that differ (lr, max_depth), every one on demand: both differ here.
    table = compare.get_by_test_id("mlops-compare-table")
    expect(table.locator("tbody th")).to_have_text(["metrics.acc", "params.lr", "params.max_depth"])
    screenshot(view, "compare")


def test_a_run_page_draws_metric_charts_and_opens_its_notebook(lab_page, logged_runs):
    page = lab_page
    view = open_experiment(page)
    view.locator("[data-testid=mlops-runs-table] button", has_text="lr-0.1").first.click()
    run_id = logged_runs["lr-0.1"]
    run_page = page.locator(f'[data-testid=mlops-run-page][data-run-id="{run_id}"]')
    run_page.wait_for()
    expect(run_page.locator("[data-testid=mlops-run-name]")).to_have_text("lr-0.1")
    params = run_page.locator("[data-testid=mlops-run-params]")
    expect(params).to_contain_text("lr")
    expect(params).to_contain_text("0.1")
    chart = run_page.locator("[data-testid=mlops-metric-chart]").first
    chart.locator(".main-svg").first.wait_for()
    expect(run_page.locator("[data-metric=acc]")).to_have_count(1)
    figure = run_page.locator("[data-figure=importance] [data-testid=mlops-run-figure]")
    figure.locator(".main-svg").first.wait_for()
    download = run_page.locator("[data-testid=mlops-artifacts] a", has_text="metrics.json")
    expect(download).to_have_attribute("href", re.compile(re.escape("/mlops/api/runs/")))
    # A JSON artifact previews in the page, indented.
    row = run_page.locator("[data-testid=mlops-artifacts] li", has_text="metrics.json")
    row.get_by_role("button", name="preview").click()
    # The preview shows "Loading…" until the artifact arrives: wait for the text itself.
    preview = run_page.get_by_test_id("mlops-artifact-preview").locator(".jp-MLOps-previewText")
    expect(preview).to_contain_text('"acc": 0.81')

    run_page.locator("[data-testid=mlops-run-notebook]").click()
    page.locator(".jp-NotebookPanel", has_text="").first.wait_for()
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text="00_getting_started").wait_for()


def test_run_actions_from_the_palette_rename_delete_and_restore(
    blank_page, lab_server, logged_runs
):
    page = blank_page  # nothing loaded: the test opens its own workspace
    run_id = logged_runs["to-rename"]
    # A workspace of its own, so no views other tests left open are restored. Its main area
    # starts empty, so the Lab opens a launcher, which takes the focus (and would close the
    # palette): wait for it first.
    page.goto(lab_server.lab_url("lab/workspaces/mlops-run-actions"))
    page.wait_for_selector(".jp-Launcher")
    page.wait_for_function("document.activeElement?.closest('.jp-Launcher') != null")
    page.click(".lm-MenuBar-itemLabel:text-is('View')")
    page.click(".lm-Menu-itemLabel:text-is('Activate Command Palette')")
    page.fill(".lm-CommandPalette-input", "Open a Run by Id")
    page.keyboard.press("Enter")
    page.locator(".jp-Dialog input").fill(run_id)
    page.keyboard.press("Enter")
    run_page = page.locator(f'[data-testid=mlops-run-page][data-run-id="{run_id}"]')
    run_page.wait_for()

    # An empty name is refused, and the dialog says why.
    run_page.locator("button", has_text="Rename").click()
    page.locator(".jp-Dialog input").fill("  ")
    page.keyboard.press("Enter")
    refusal = page.locator(".jp-Dialog", has_text="A run needs a name")
    refusal.wait_for()
    refusal.locator("button").last.click()
    refusal.wait_for(state="detached")
    expect(run_page.locator("[data-testid=mlops-run-name]")).to_have_text("to-rename")

    run_page.locator("button", has_text="Rename").click()
    page.locator(".jp-Dialog input").fill("renamed in the Lab")
    page.keyboard.press("Enter")
    page.locator("[data-testid=mlops-run-name]", has_text="renamed in the Lab").wait_for()

    run_page.locator("button", has_text="Delete").click()
    page.locator(".jp-Dialog button", has_text="Delete").click()
    run_page.locator(".jp-MLOps-badge-deleted").wait_for()
    run_page.locator("button", has_text="Restore").click()
    page.locator(".jp-Dialog button", has_text="Restore").click()
    run_page.locator(".jp-MLOps-badge-deleted").wait_for(state="detached")
    expect(run_page.locator("button", has_text="Delete")).to_be_visible()


def test_a_run_page_asks_for_figures_only_when_the_run_has_some(lab_page, logged_runs):
    page = lab_page
    asked: list[str] = []

    def ask(request) -> None:
        asked.append(request.url)

    page.on("request", ask)  # removed at the end: the next test takes this page
    view = open_experiment(page)
    for name, has_figures in (("still-running", False), ("lr-1.0", True)):
        view.get_by_role("button", name=name, exact=True).click()
        run_page = run_page_of(page, name)
        run_page.get_by_test_id("mlops-artifacts").wait_for()
        if has_figures:
            run_page.locator("[data-figure=importance] .main-svg").first.wait_for()
        figures = [url for url in asked if logged_runs[name] in url and "path=figures" in url]
        assert len(figures) == (1 if has_figures else 0), figures
        page.locator(".lm-TabBar-tab", has_text=EXPERIMENT).first.click()
    page.remove_listener("request", ask)


def test_the_track_status_line_links_to_the_run_page(blank_page, lab_server):
    source = (
        "%load_ext jupyter_mlops\n"
        "get_ipython().run_cell_magic('track', '-e link-check -n linked-run', 'x = 1')"
    )
    write_code_notebook(lab_server.root_dir / "track_link.ipynb", source)
    page = blank_page  # nothing loaded: the test opens its notebook first
    page.goto(lab_server.lab_url("lab/tree/track_link.ipynb"))
    run_first_cell(page)
    link = page.locator(".jp-OutputArea-output button[data-commandlinker-command='mlops:open-run']")
    link.wait_for(timeout=60_000)
    expect(link).to_have_text("linked-run")
    output = page.locator(".jp-OutputArea-output").filter(has_text="linked-run")
    expect(output.first).to_contain_text("FINISHED")
    link.click()
    run_page_of(page, "linked-run").wait_for()
