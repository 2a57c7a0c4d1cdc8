"""The example notebook's runs in the Experiments panel of a real JupyterLab (executed by
papermill into the Lab's store, as a job would): what autolog brings (hidden autologged columns,
nested child runs, the pinned Run column), the chart view (a scatter and parallel coordinates that
select runs in the table) and a run page restored in a background tab. The panel on hand-logged
runs is in test_experiments_panel.py.

Set MLOPS_SCREENSHOTS=<folder> to save screenshots of the views there."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

from tests.support.browser import expect, layout_saved, screenshot
from tests.support.experiments_panel import open_experiment, run_links, run_page_of
from tests.support.lab import LabServer

# The tests on `lab_page` take one loaded Lab in turn (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]


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


@pytest.mark.slow
def test_the_example_notebooks_runs_show_with_their_charts(lab_page, example_notebook_runs):
    page = lab_page
    view = open_experiment(page, example_notebook_runs)
    tracked = {"logistic-baseline", "growing-forest", "grid-search", "forest-grid"}
    page.wait_for_function(
        "names => names.every(name => [...document.querySelectorAll("
        "'[data-testid=mlops-runs-table] .jp-MLOps-runLink')]"
        ".some(b => b.textContent === name))",
        arg=sorted(tracked),
    )
    # Sorting by the notebook's metric puts the best run first.
    view.locator('th[data-sort-key="metrics.test_accuracy"]').click()
    page.wait_for_selector('th[data-sort-key="metrics.test_accuracy"][aria-sort=descending]')
    # The header turns at once; the rows when the server's sorted page arrives: wait for it.
    cells = view.locator('td[data-column="metrics.test_accuracy"]')
    descending = (
        "cells => { const values = cells.map(c => c.textContent).filter(t => t !== '—')"
        ".map(Number); return values.length > 0 && values.every((v, i) => i === 0 ||"
        " values[i - 1] >= v); }"
    )
    page.wait_for_function(
        f"selector => ({descending})([...document.querySelectorAll(selector)])",
        arg='[data-testid=mlops-experiment-view] td[data-column="metrics.test_accuracy"]',
    )
    values = [float(text) for text in cells.all_inner_texts() if text != "—"]
    assert values == sorted(values, reverse=True) and values[0] > 0.9

    # The forest's curve: one point per tree, 20 steps, drawn by plotly.
    view.get_by_role("button", name="growing-forest", exact=True).click()
    run_page = run_page_of(page, "growing-forest")
    chart = run_page.locator("[data-metric=test_accuracy]")
    chart.locator(".main-svg").first.wait_for()
    expect(chart.locator(".scatterlayer .trace .point")).to_have_count(20)
    expect(run_page.locator("[data-testid=mlops-run-notebook]")).to_contain_text(
        "01_track_experiments.ipynb"
    )
    # Inside the model folder: its files and the code that loads it.
    model_folder = run_page.locator("[data-testid=mlops-artifacts] button", has_text="model/")
    model_folder.click()
    run_page.locator("[data-testid=mlops-artifacts] a", has_text="model.skops").wait_for()
    run_id = run_page.get_attribute("data-run-id")
    expect(run_page.get_by_test_id("mlops-model-snippet")).to_contain_text(
        f'mlops.load_model("runs:/{run_id}/model")'
    )
    # The serving plugin offers mlops:register-model: its button sits next to the model.
    expect(run_page.get_by_test_id("mlops-register-model")).to_be_visible()

    # The forest grid's logged plotly figure is drawn on its page.
    page.locator(".lm-TabBar-tab", has_text=example_notebook_runs).first.click()
    view.get_by_role("button", name="forest-grid", exact=True).click()
    grid_page = run_page_of(page, "forest-grid")
    grid_page.locator("[data-figure=feature_importances] .main-svg").first.wait_for()
    # Its nested runs (the grid's best candidates) are listed with the value each one tried.
    children = grid_page.get_by_test_id("mlops-child-runs")
    children.get_by_role("button", name="forest-grid-rank1").wait_for()
    expect(children.locator("tbody tr")).to_have_count(2)
    expect(children.locator("thead th").nth(2)).to_have_text("max_depth")
    # Tabs say which run of which experiment they show.
    tab = page.locator(".lm-TabBar-tab", has_text="forest-grid")
    expect(tab).to_contain_text(f"forest-grid · {example_notebook_runs}")


def test_autologged_params_hide_behind_a_toggle_that_is_remembered(lab_page, example_notebook_runs):
    page = lab_page
    view = open_experiment(page, example_notebook_runs)
    view.get_by_role("button", name="forest-grid", exact=True).wait_for()
    params = view.locator('th[data-sort-key^="params."]')
    # By default: the metrics and the params the notebook logged (-p max_depth=4) and the
    # grid values of the child runs; none of the estimators' dozens of arguments.
    shown = sorted(params.all_inner_texts())
    assert 1 <= len(shown) <= 3 and any("max_depth" in text for text in shown), shown
    toggle = view.get_by_test_id("mlops-toggle-autologged")
    expect(toggle).to_have_text(re.compile(r"^show autologged \(\d+\)$"))
    hidden = int(toggle.inner_text().split("(")[1].rstrip(")"))
    assert hidden > 10
    screenshot(view, "runs-table")
    toggle.click()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=mlops-experiment-view] "
        'th[data-sort-key^="params."]\').length >= n',
        arg=hidden,
    )
    expect(toggle).to_have_text(re.compile(r"^hide autologged"))

    # The Run column stays put while the wide table scrolls sideways.
    scroller = view.locator(".jp-MLOps-tableScroll")
    name_cell = view.locator("tbody tr .jp-MLOps-runName").first
    metric_cell = view.locator('tbody tr td[data-column^="metrics."]').first
    before = metric_cell.bounding_box()["x"]
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_function(
        "([el, x]) => el.getBoundingClientRect().x < x - 200",
        arg=[metric_cell.element_handle(), before],
    )
    offset = name_cell.bounding_box()["x"] - scroller.bounding_box()["x"]
    assert 20 <= offset <= 40, offset
    # The sticky cell is opaque: what scrolls under it does not show through.
    background = name_cell.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")

    # Closing and reopening the experiment keeps the choice (per experiment, in the browser).
    page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon").click()
    view.wait_for(state="detached")
    view = open_experiment(page, example_notebook_runs)
    view.get_by_test_id("mlops-toggle-autologged").filter(has_text="hide autologged").wait_for()


def test_child_runs_nest_under_their_parent_with_their_grid_values(lab_page, example_notebook_runs):
    page = lab_page
    view = open_experiment(page, example_notebook_runs)
    parent = view.locator("tbody tr", has=page.get_by_role("button", name="grid-search"))
    parent.first.wait_for()
    # The candidates are not flat rows: they wait under their parent.
    expander = parent.first.locator(".jp-MLOps-expander")
    expect(expander).to_have_text("▸ 2")
    assert "grid-search-rank1" not in run_links(page).all_inner_texts()
    expander.click()
    children = view.locator("tbody tr[data-depth='1']")
    expect(children).to_have_count(2)
    differing = [
        t.strip() for t in children.get_by_test_id("mlops-run-differing").all_inner_texts()
    ]
    assert sorted(differing) == ["logisticregression__C=0.1", "logisticregression__C=1.0"]
    expander.click()
    children.first.wait_for(state="detached")


def test_the_chart_view_scatters_runs_and_selects_them_in_the_table(
    lab_page, example_notebook_runs
):
    page = lab_page
    view = open_experiment(page, example_notebook_runs)
    view.get_by_test_id("mlops-show-charts").click()
    charts = view.get_by_test_id("mlops-experiment-charts")
    scatter = charts.get_by_test_id("mlops-scatter")
    scatter.locator(".main-svg").first.wait_for()
    expect(charts.get_by_label("Y")).to_have_value("metrics.test_accuracy")
    # plotly adds its SVG before it draws into it; all points of a draw come at once.
    points = scatter.locator(".scatterlayer .point")
    points.first.wait_for()
    plotted = points.count()
    assert plotted >= 3
    expect(scatter.locator(".ytitle")).to_have_text("metric test_accuracy")
    screenshot(charts, "chart-view")

    # A box over the whole plot selects every plotted run in the table and compares them.
    box = scatter.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2, steps=5)
    page.mouse.up()
    expect(view.locator(".jp-MLOps-selectionBar span").first).to_have_text(f"{plotted} selected")
    compare = view.get_by_test_id("mlops-compare")
    compare.locator(".main-svg").first.wait_for()
    # Every selected run has test_accuracy (it is the default), logged once: labelled bars.
    expect(compare.get_by_label("Metric to compare")).to_have_value("test_accuracy")
    expect(compare.locator(".barlayer .trace")).to_have_count(plotted)
    expect(compare.locator(".xtitle")).to_have_text("run")
    view.get_by_role("button", name="Table").click()
    expect(view.locator("tbody tr.jp-mod-selected")).to_have_count(plotted)

    # Parallel coordinates over the shown columns.
    view.get_by_test_id("mlops-show-charts").click()
    charts.get_by_role("button", name="Parallel coordinates").click()
    parallel = charts.get_by_test_id("mlops-parallel")
    parallel.locator(".parcoords").first.wait_for()
    expect(parallel.locator(".parcoords .axis-title").nth(1)).to_be_attached()
    # Runs without a value on an axis still get a line (through its "—" place).
    missing = parallel.locator(".parcoords .tick text").filter(has_text=re.compile("^—$"))
    expect(missing.first).to_be_attached()
    screenshot(charts, "parallel-coordinates")


def experiment_runs(lab_server: LabServer, experiment: str) -> list[dict]:
    """The runs of the experiment's first page, as its table reads them (REST)."""
    auth = {"Authorization": f"token {lab_server.token}"}
    api = f"{lab_server.url}/mlops/api"
    listed = httpx.get(f"{api}/experiments", headers=auth, timeout=30).json()["experiments"]
    (experiment_id,) = [e["experiment_id"] for e in listed if e["name"] == experiment]
    query = {"experiment_id": experiment_id, "max_results": 50}
    return httpx.get(f"{api}/runs", params=query, headers=auth, timeout=30).json()["runs"]


def test_brushing_a_parallel_axis_selects_exactly_the_runs_inside_it(
    lab_page, lab_server, example_notebook_runs
):
    page = lab_page
    accuracy = {
        run["run_id"]: run["metrics"].get("test_accuracy")
        for run in experiment_runs(lab_server, example_notebook_runs)
    }
    measured = {run_id: v for run_id, v in accuracy.items() if isinstance(v, (int, float))}
    view = open_experiment(page, example_notebook_runs)
    view.get_by_test_id("mlops-show-charts").click()
    charts = view.get_by_test_id("mlops-experiment-charts")
    charts.get_by_role("button", name="Parallel coordinates").click()
    parallel = charts.get_by_test_id("mlops-parallel")
    title = page.locator(".axis-title", has_text=re.compile("^test_accuracy$"))
    axis = parallel.locator(".parcoords .y-axis").filter(has=title)
    # The axis's ticks, bottom up: "—" (the child runs have no test score), then the values.
    expect(axis.locator(".tick").filter(has_text=re.compile("^—$"))).to_have_count(1)
    ticks = axis.locator(".tick").evaluate_all(
        "ticks => ticks.map(t => { const box = t.getBoundingClientRect();"
        " return [box.top + box.height / 2, t.textContent]; })"
    )
    (missing_y,) = [y for y, text in ticks if text == "—"]
    lowest_y = max(y for y, text in ticks if y < missing_y - 1)
    # Drag along the axis (d3 brushes on its capture strip), from between "—" and the lowest
    # value up to the middle: the lowest runs are in, the best (at the top) and "—" are not.
    strip = axis.locator(".axis-brush .background").bounding_box()
    x = strip["x"] + strip["width"] / 2
    middle = strip["y"] + strip["height"] / 2
    page.mouse.move(x, (missing_y + lowest_y) / 2)
    page.mouse.down()
    page.mouse.move(x, (lowest_y + middle) / 2, steps=5)
    page.mouse.move(x, middle, steps=5)
    page.mouse.up()
    # plotly records the brush, snapped to the axis's ticks, on the trace: the range it shows.
    brushed = "gd => gd.data[0].dimensions.find(d => d.label === 'test_accuracy').constraintrange"
    page.wait_for_function(f"gd => ({brushed})(gd) != null", arg=parallel.element_handle())
    span = parallel.evaluate(brushed)
    low, high = span[0] if isinstance(span[0], list) else span  # one range, maybe nested
    inside = {run_id for run_id, value in measured.items() if low <= value <= high}
    assert inside and len(inside) < len(measured), (low, high, measured)
    expect(view.locator(".jp-MLOps-selectionBar span").first).to_have_text(
        f"{len(inside)} selected"
    )
    screenshot(charts, "parallel-brushed")
    # The table selects exactly those runs (test_accuracy is logged by top-level runs: rows).
    view.get_by_role("button", name="Table").click()
    selected = view.locator("tbody tr.jp-mod-selected")
    expect(selected).to_have_count(len(inside))
    assert set(selected.evaluate_all("rows => rows.map(r => r.dataset.runId)")) == inside


def test_a_run_page_restored_in_a_background_tab_draws_full_size_charts(
    blank_page, lab_server, example_notebook_runs
):
    page = blank_page  # nothing loaded: the test opens its own workspace
    workspace = "lab/workspaces/mlops-restore"
    page.goto(lab_server.lab_url(workspace))
    view = open_experiment(page, example_notebook_runs)
    view.get_by_role("button", name="growing-forest", exact=True).click()
    run_page_of(page, "growing-forest").locator(".main-svg").first.wait_for()
    # The experiment's tab in front, the run page behind it; the layout saved.
    with page.expect_response(layout_saved(holding="mlops-run:", current="mlops-experiment:")):
        page.locator(".lm-TabBar-tab", has_text=example_notebook_runs).first.click()
    page.goto(f"{lab_server.url}/{workspace}")  # no reset: the Lab restores the layout
    tab = page.locator(".lm-TabBar-tab", has_text="growing-forest")
    tab.wait_for()
    current = re.compile(r"\blm-mod-current\b")
    front = page.locator(".lm-TabBar-tab", has_text=example_notebook_runs).first
    expect(front).to_have_class(current)
    expect(tab).not_to_have_class(current)
    # The background page loads its data while hidden: its chart's holder is there, undrawn.
    chart = run_page_of(page, "growing-forest").locator("[data-metric=test_accuracy]")
    chart.wait_for(state="attached")
    tab.click()
    svg = chart.locator(".main-svg").first
    svg.wait_for()
    size = svg.bounding_box()
    holder = chart.bounding_box()
    assert abs(size["height"] - 240) <= 2, size
    assert size["width"] >= holder["width"] - 20, (size, holder)
