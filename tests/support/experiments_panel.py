"""The Experiments panel in a browser test: open an experiment's view from the sidebar, read the
runs table's run names, find a run's page. Used by the browser tests of the panel, its charts,
parallel axes and Register from a run."""

from __future__ import annotations

from typing import Any

from tests.support.browser import expect, open_mlops_sidebar

# The experiment tests/browser/test_experiments_panel.py logs: opening it waits until the
# sidebar counts its four runs.
EXPERIMENT = "browser-panel"

RUN_LINKS = "[data-testid=mlops-runs-table] tbody tr .jp-MLOps-runLink"


def run_links(page: Any) -> Any:
    """The run names of the runs table, in order (a locator: assert on it with `expect`)."""
    return page.locator(RUN_LINKS)


def run_page_of(page: Any, run_name: str) -> Any:
    """The open run page titled `run_name` (a locator)."""
    title = page.get_by_test_id("mlops-run-name").get_by_text(run_name, exact=True)
    return page.locator("[data-testid=mlops-run-page]").filter(has=title)


def open_experiment(page: Any, experiment: str = EXPERIMENT) -> Any:
    """Open `experiment`'s view from the MLOps sidebar; returns the view once it shows."""
    open_mlops_sidebar(page)
    name = page.get_by_text(experiment, exact=True)
    item = page.locator("[data-testid=mlops-experiments] li").filter(has=name)
    item.wait_for()
    if experiment == EXPERIMENT:
        expect(item).to_contain_text("4 runs")
    item.locator("button").click()
    view = page.locator("[data-testid=mlops-experiment-view]", has_text=experiment)
    view.wait_for()
    return view
