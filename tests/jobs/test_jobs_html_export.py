"""A run's HTML export is self-contained (issue 19): plotly figures drawn by plotly.js inlined
once, no script loaded from a CDN (nbconvert's require.js, MathJax without math)."""

from __future__ import annotations

import re

import nbformat
import plotly.graph_objects as go
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_mlops.jobs.html_export import PLOTLY_MIME, notebook_html

CDN_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']?https?:")


def _figure_output(title: str) -> nbformat.NotebookNode:
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": title}).to_plotly_json()
    return new_output("display_data", data={PLOTLY_MIME: figure, "text/plain": "Figure()"})


def test_plotly_figures_are_drawn_by_one_inlined_plotly_js_and_no_cdn_script():
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Report"),
            new_code_cell("fig", outputs=[_figure_output("first")]),
            new_code_cell("fig2", outputs=[_figure_output("second")]),
        ]
    )
    html = notebook_html(nb)
    assert not CDN_SCRIPT.search(html), CDN_SCRIPT.search(html)
    assert html.count("plotly.js v") == 1
    assert html.count("Plotly.newPlot(") == 2
    assert '"text":"first"' in html.replace(" ", "") and '"text":"second"' in html.replace(" ", "")
    # The notebook given is left as it was (the export works on a copy).
    assert PLOTLY_MIME in nb.cells[1].outputs[0].data


def test_mathjax_is_loaded_only_for_a_notebook_with_math():
    plain = notebook_html(new_notebook(cells=[new_markdown_cell("costs $3 and more")]))
    assert not CDN_SCRIPT.search(plain)
    math = notebook_html(new_notebook(cells=[new_markdown_cell(r"the loss $\sum_i x_i^2$")]))
    found = CDN_SCRIPT.search(math)
    assert found is not None and "mathjax" in math[found.start() : found.end() + 80].lower()
