"""Parallel coordinates on an experiment with more columns than fit (issue 19): the default
axes are the params first, then metrics (at most 12); the user picks the axes; the titles of
many long-named axes do not overlap."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import textwrap

import pytest

from tests.support.browser import expect, screenshot
from tests.support.experiments_panel import open_experiment

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

EXPERIMENT = "many-columns"
METRICS = [f"validation_metric_{index:02d}" for index in range(14)]

LOG_RUNS = textwrap.dedent(
    f"""
    from jupyter_mlops.core.store import get_database
    from jupyter_mlops.tracking.entities import Metric
    from jupyter_mlops.tracking.store import TrackingStore

    store = TrackingStore(get_database())
    experiment = store.get_or_create_experiment({EXPERIMENT!r}).experiment_id
    for index in range(4):
        run = store.create_run(
            experiment, f"run-{{index}}",
            params={{"learning_rate": 0.1 * (index + 1), "max_depth": 3 + index}},
        )
        metrics = [Metric(key, 0.5 + 0.1 * index + k / 100, 0, 1_700_000_000_000)
                   for k, key in enumerate({METRICS!r})]
        store.log_batch(run.run_id, metrics=metrics)
        store.update_run(run.run_id, status="FINISHED")
    """
)


#: Each axis title's bottom-left corner on screen, its angle (radians), width and height.
TITLE_STRIPS = """
titles => titles.map(t => {
  const box = t.getBBox(), m = t.getScreenCTM();
  const corner = new DOMPoint(box.x, box.y + box.height).matrixTransform(m);
  const scale = Math.hypot(m.a, m.b);
  return [corner.x, corner.y, Math.atan2(m.b, m.a), box.width * scale, box.height * scale];
}).sort((a, b) => a[0] - b[0])
"""


def axis_titles(parallel) -> list[str]:
    """The axis titles left to right (plotly keeps a re-added axis's title last in the DOM)."""
    return parallel.locator(".parcoords .axis-title").evaluate_all(
        "ts => ts.map(t => [t.getBoundingClientRect().left, t.textContent])"
        ".sort((a, b) => a[0] - b[0]).map(p => p[1])"
    )


def test_parallel_axes_default_to_params_first_and_are_chosen_by_the_user(lab_page, lab_server):
    subprocess.run([sys.executable, "-c", LOG_RUNS], env=lab_server.env(), check=True, timeout=120)
    page = lab_page
    view = open_experiment(page, EXPERIMENT)
    view.get_by_test_id("mlops-show-charts").click()
    charts = view.get_by_test_id("mlops-experiment-charts")
    charts.get_by_role("button", name="Parallel coordinates").click()
    parallel = charts.get_by_test_id("mlops-parallel")
    titles = parallel.locator(".parcoords .axis-title")
    expect(titles).to_have_count(12)
    assert axis_titles(parallel)[:3] == ["learning_rate", "max_depth", METRICS[0]]

    # No two neighbouring titles overlap. Tilted titles are parallel strips: measured along
    # and across the text's direction (its bounding box in its own frame, placed on screen).
    strips = titles.evaluate_all(TITLE_STRIPS)
    for (x, y, angle, width, height), (x2, y2, _a, _w, _h) in itertools.pairwise(strips):
        dx, dy = x2 - x, y2 - y
        along = dx * math.cos(angle) + dy * math.sin(angle)
        across = -dx * math.sin(angle) + dy * math.cos(angle)
        assert abs(across) >= 0.9 * height or along >= width, strips
    screenshot(charts, "parallel-axes-many")

    # The user picks the axes: drop a param, add the 14th metric (it goes last).
    picker = charts.get_by_test_id("mlops-parallel-axes")
    picker.locator("summary").click()
    picker.get_by_label("max_depth").uncheck()
    picker.get_by_label(METRICS[13]).check()
    expect(titles).to_have_count(12)
    chosen = axis_titles(parallel)
    assert "max_depth" not in chosen and chosen[-1] == METRICS[13]
    assert chosen[0] == "learning_rate"
    picker.get_by_role("button", name="Default axes").click()
    page.wait_for_function(
        "el => el.querySelectorAll('.parcoords .axis-title').length === 12"
        " && [...el.querySelectorAll('.parcoords .axis-title')]"
        ".some(t => t.textContent === 'max_depth')",
        arg=parallel.element_handle(),
    )
    assert axis_titles(parallel)[:3] == ["learning_rate", "max_depth", METRICS[0]]
