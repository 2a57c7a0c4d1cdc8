"""Labels do not sit on other labels in notebook outputs (issue 19 section 5): the profile
widget's fact names beside their values (JupyterLab's output CSS floats `dt` at 20% width, and
"Skewness" ran over its number), and `%mlops compare`'s titles clear its axis titles (the
"final values" chart's title sat on the line chart's "step"). Checked on the bounding boxes
the browser laid out."""

from __future__ import annotations

import pytest

from tests.support.browser import expect, run_first_cell, screenshot, write_code_notebook

pytestmark = pytest.mark.browser

SOURCE = """\
%load_ext jupyter_mlops
import numpy as np, pandas as pd
import jupyter_mlops as mlops
from IPython.display import display
ids = []
for name, rate in (("slow", 0.1), ("fast", 0.3)):
    with mlops.start_run(experiment="overlaps", name=name) as run:
        for step in range(6):
            mlops.log_metric("loss", float(np.exp(-rate * step)), step=step)
        mlops.log_metric("accuracy", 0.8 + rate / 2)
    ids.append(run.run_id)
rng = np.random.default_rng(0)
display(mlops.profile(pd.DataFrame({"skewed": rng.lognormal(size=400), "x": rng.normal(size=400)})))
first, second = ids
%mlops compare $first $second
"""

# Pairs of label boxes that intersect (by more than half a pixel each way).
OVERLAPS_JS = """(groups) => {
  // The text's own extent (a box may be narrower than the text that overflows it).
  const box = e => { const r = document.createRange(); r.selectNodeContents(e);
                     return r.getBoundingClientRect(); };
  const cross = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const found = [];
  for (const [scope, selector] of groups) {
    for (const root of document.querySelectorAll(scope)) {
      const items = [...root.querySelectorAll(selector)].filter(e => box(e).width > 0);
      for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          if (cross(box(items[i]), box(items[j]))) {
            found.push(`${items[i].textContent.trim()} / ${items[j].textContent.trim()}`);
          }
        }
      }
    }
  }
  return found;
}"""


def test_profile_facts_and_compare_titles_do_not_overlap(blank_page, lab_server):
    page = blank_page  # nothing loaded: the test opens its Lab URL first
    write_code_notebook(lab_server.root_dir / "overlaps.ipynb", SOURCE)
    page.goto(lab_server.lab_url("lab/tree/overlaps.ipynb"))
    run_first_cell(page)

    widget = page.locator(".jp-MLOps-profile-widget")
    widget.wait_for(timeout=90_000)
    card = widget.locator('.jp-MLOps-profile-card:has-text("skewed")')
    expect(card.locator("dt", has_text="Skewness")).to_be_visible()
    # The only chart with a title; the output element is the plot itself.
    figure = page.locator(".jp-OutputArea-output.js-plotly-plot:has(.gtitle)")
    figure.wait_for(state="attached", timeout=90_000)
    figure.scroll_into_view_if_needed()
    expect(figure.locator(".annotation-text")).to_have_count(2)  # "loss", "final values"

    # Each fact's name and value side by side: the name's text ends before the value's starts.
    rows = card.locator("dt").evaluate_all(
        """terms => terms.map(t => {
             const text = e => { const r = document.createRange(); r.selectNodeContents(e);
                                 return r.getBoundingClientRect(); };
             const term = text(t), value = text(t.nextElementSibling);
             return [t.textContent, term.right, value.left, term.top, value.top];
           })"""
    )
    assert [term for term, *_ in rows][:2] == ["Missing", "Distinct"]
    assert "Skewness" in [term for term, *_ in rows]
    for term, right, value_left, top, value_top in rows:
        assert right <= value_left + 0.5, f"{term!r} runs over its value ({right} > {value_left})"
        assert abs(top - value_top) < 1, f"{term!r} is not on its value's line"
    overlaps = page.evaluate(
        OVERLAPS_JS,
        [
            [".jp-MLOps-profile-widget .jp-MLOps-profile-card", "dt, dd"],
            # The figure's title, the subplots' titles, the axes' titles and the legend.
            [
                ".jp-OutputArea-output.js-plotly-plot",
                ".gtitle, .annotation-text, .g-xtitle, .g-x2title, .g-ytitle, .g-y2title, "
                ".legendtitletext",
            ],
        ],
    )
    assert overlaps == [], f"labels on top of each other: {overlaps}"
    figure.scroll_into_view_if_needed()
    screenshot(figure, "compare_magic")
