"""The Experiments panel in a real JupyterLab: runs logged by a separate process into the Lab's
store show up in the sidebar, the runs table sorts, filters and compares, and a run's page
draws its metric charts and opens the notebook it came from."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.support.browser import open_mlops_sidebar
from tests.support.lab import LabServer

pytestmark = pytest.mark.browser

EXPERIMENT = "browser-panel"

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


@pytest.fixture(scope="module")
def example_notebook_runs(lab_server: LabServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Execute example_notebooks/01_track_experiments.ipynb with papermill into the Lab's store,
    as a job would (telling the kernel its notebook); returns the experiment's name."""
    notebook = lab_server.root_dir / "01_track_experiments.ipynb"
    output = tmp_path_factory.mktemp("executed") / notebook.name
    env = {**lab_server.env(), "JUPYTER_MLOPS_NOTEBOOK": str(notebook)}
    subprocess.run(
        [
            sys.executable, "-m", "papermill", str(notebook), str(output),
            "-y", "regularisation: [0.1, 1.0]", "-k", "python3",
            "--cwd", str(lab_server.root_dir), "--no-progress-bar",
        ],
        env=env, check=True, timeout=240, capture_output=True,
    )  # fmt: skip
    return "breast-cancer"


def run_names(page) -> list[str]:
    return page.locator(
        "[data-testid=mlops-runs-table] tbody tr .jp-MLOps-runName button"
    ).all_inner_texts()


def run_page_of(page, run_name: str):
    title = page.get_by_test_id("mlops-run-name").get_by_text(run_name, exact=True)
    return page.locator("[data-testid=mlops-run-page]").filter(has=title)


def open_experiment(page, experiment: str = EXPERIMENT):
    open_mlops_sidebar(page)
    name = page.get_by_text(experiment, exact=True)
    item = page.locator("[data-testid=mlops-experiments] li").filter(has=name)
    item.wait_for()
    if experiment == EXPERIMENT:
        assert "4 runs" in item.inner_text()
    item.locator("button").click()
    view = page.locator("[data-testid=mlops-experiment-view]", has_text=experiment)
    view.wait_for()
    return view


def test_the_panel_lists_sorts_filters_and_compares_runs(lab_page, lab_server, logged_runs):
    page = lab_page
    view = open_experiment(page)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=mlops-runs-table] tbody tr').length === 4"
    )
    # Newest first by default; the running run shows its live badge.
    assert run_names(page)[0] == "still-running"
    assert view.locator("[data-status=RUNNING]").count() == 1

    # A point logged now by another process shows up without a reload (live polling).
    live_acc = view.locator(
        f'tr[data-run-id="{logged_runs["still-running"]}"] td[data-column="metrics.acc"]'
    )
    assert live_acc.inner_text() == "0.1"
    subprocess.run(
        [sys.executable, "-c", LOG_POINT, logged_runs["still-running"]],
        env=lab_server.env(),
        check=True,
        timeout=120,
    )
    page.wait_for_function(
        "el => el.textContent === '0.55'", arg=live_acc.element_handle(), timeout=30_000
    )

    # Sort by the metric on the server: a click sorts descending, a second ascending.
    header = view.locator('th[data-sort-key="metrics.acc"]')
    header.click()
    page.wait_for_selector('th[data-sort-key="metrics.acc"][aria-sort=descending]')
    page.wait_for_function(
        "document.querySelector('[data-testid=mlops-runs-table] tbody tr button').textContent"
        " === 'lr-0.01'"
    )
    assert run_names(page) == ["lr-0.01", "lr-0.1", "lr-1.0", "still-running"]
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
    error.wait_for()
    assert "unexpected '=' at position 12" in error.inner_text()
    search.fill("metrics.acc > 0.7 and params.max_depth != '5'")
    search.press("Enter")
    error.wait_for(state="detached")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=mlops-runs-table] tbody tr').length === 2"
    )
    assert sorted(run_names(page)) == ["lr-0.01", "lr-0.1"]

    # Select both: the compare chart draws one trace per run.
    view.locator("thead input[type=checkbox]").check()
    compare = view.locator("[data-testid=mlops-compare]")
    compare.wait_for()
    compare.locator(".main-svg").first.wait_for()
    assert compare.locator(".scatterlayer .trace").count() == 2
    assert "Compare 2 runs" in compare.inner_text()


def test_a_run_page_draws_metric_charts_and_opens_its_notebook(lab_page, logged_runs):
    page = lab_page
    view = open_experiment(page)
    view.locator("[data-testid=mlops-runs-table] button", has_text="lr-0.1").first.click()
    run_id = logged_runs["lr-0.1"]
    run_page = page.locator(f'[data-testid=mlops-run-page][data-run-id="{run_id}"]')
    run_page.wait_for()
    assert run_page.locator("[data-testid=mlops-run-name]").inner_text() == "lr-0.1"
    params = run_page.locator("[data-testid=mlops-run-params]").inner_text()
    assert "lr" in params and "0.1" in params
    chart = run_page.locator("[data-testid=mlops-metric-chart]").first
    chart.locator(".main-svg").first.wait_for()
    assert run_page.locator("[data-metric=acc]").count() == 1
    figure = run_page.locator("[data-figure=importance] [data-testid=mlops-run-figure]")
    figure.locator(".main-svg").first.wait_for()
    download = run_page.locator("[data-testid=mlops-artifacts] a", has_text="metrics.json")
    assert "/mlops/api/runs/" in download.get_attribute("href")

    run_page.locator("[data-testid=mlops-run-notebook]").click()
    page.locator(".jp-NotebookPanel", has_text="").first.wait_for()
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text="00_getting_started").wait_for()


def test_run_actions_from_the_palette_rename_delete_and_restore(lab_page, lab_server, logged_runs):
    page = lab_page
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
    assert run_page.locator("button", has_text="Delete").is_visible()


def test_the_example_notebooks_runs_show_with_their_charts(lab_page, example_notebook_runs):
    page = lab_page
    view = open_experiment(page, example_notebook_runs)
    tracked = {"logistic-baseline", "growing-forest", "grid-search", "forest-grid"}
    page.wait_for_function(
        "names => names.every(name => [...document.querySelectorAll("
        "'[data-testid=mlops-runs-table] .jp-MLOps-runName button')]"
        ".some(b => b.textContent === name))",
        arg=sorted(tracked),
    )
    # Sorting by the notebook's metric puts the best run first.
    view.locator('th[data-sort-key="metrics.test_accuracy"]').click()
    page.wait_for_selector('th[data-sort-key="metrics.test_accuracy"][aria-sort=descending]')
    page.wait_for_timeout(500)
    cells = view.locator('td[data-column="metrics.test_accuracy"]').all_inner_texts()
    values = [float(text) for text in cells if text != "—"]
    assert values == sorted(values, reverse=True) and values[0] > 0.9

    # Autolog logs dozens of params: the column picker hides them and brings them back.
    picker = view.get_by_test_id("mlops-column-picker")
    params = view.locator('th[data-sort-key^="params."]')
    assert params.count() > 10
    picker.locator("summary").click()
    picker.locator("fieldset", has_text="Params").get_by_role("button", name="none").click()
    params.first.wait_for(state="detached")
    assert view.locator('th[data-sort-key="metrics.test_accuracy"]').is_visible()
    picker.locator("fieldset", has_text="Params").get_by_role("button", name="all").click()
    params.first.wait_for()
    picker.locator("summary").click()

    # The forest's curve: one point per tree, 20 steps, drawn by plotly.
    view.get_by_role("button", name="growing-forest", exact=True).click()
    run_page = run_page_of(page, "growing-forest")
    chart = run_page.locator("[data-metric=test_accuracy]")
    chart.locator(".main-svg").first.wait_for()
    assert chart.locator(".scatterlayer .trace .point").count() == 20
    assert (
        "01_track_experiments.ipynb"
        in run_page.locator("[data-testid=mlops-run-notebook]").inner_text()
    )
    model_folder = run_page.locator("[data-testid=mlops-artifacts] button", has_text="model/")
    model_folder.click()
    run_page.locator("[data-testid=mlops-artifacts] a", has_text="model.skops").wait_for()

    # The forest grid's logged plotly figure is drawn on its page.
    page.locator(".lm-TabBar-tab", has_text=example_notebook_runs).first.click()
    view.get_by_role("button", name="forest-grid", exact=True).click()
    grid_page = run_page_of(page, "forest-grid")
    grid_page.locator("[data-figure=feature_importances] .main-svg").first.wait_for()
    # Its nested runs (the grid's best candidates) are listed with links.
    children = grid_page.get_by_test_id("mlops-child-runs")
    children.get_by_role("button", name="forest-grid-rank1").wait_for()
    assert children.locator("tbody tr").count() == 2
