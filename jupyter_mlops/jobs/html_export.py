"""A job run's executed notebook as one self-contained HTML file.

nbconvert's own export asks the network for require.js (and MathJax), and draws nothing for a
plotly figure (plotly >= 6 displays only its JSON mime type), or draws it through require.js
from a CDN: the file was blank offline. Here each figure is drawn by plotly.js inlined once,
before the first figure, and no script is loaded from elsewhere (MathJax only when a markdown
cell has math: offline that math stays TeX, the rest draws).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

PLOTLY_MIME = "application/vnd.plotly.v1+json"

# The lab template without its CDN scripts (require.js always, MathJax unless asked).
_TEMPLATE_NAME = "mlops_offline.html.j2"
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.mlops_math -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
"""

_MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\\begin\{")


def export_html(output_ipynb: Path) -> Path:
    """Write `output_ipynb` as HTML beside it (same name, `.html`) and return its path."""
    import nbformat

    nb = nbformat.read(str(output_ipynb), as_version=4)
    body = notebook_html(nb)
    target = output_ipynb.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def notebook_html(nb: Any) -> str:
    """The HTML of notebook node `nb` (left unchanged): plotly inlined, no CDN script."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    _draw_plotly_figures(nb)
    exporter = HTMLExporter(
        template_file=_TEMPLATE_NAME,
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
    )
    body, _ = exporter.from_notebook_node(nb, resources={"mlops_math": _has_math(nb)})
    return str(body)


def _draw_plotly_figures(nb: Any) -> None:
    """Give every plotly figure output an HTML drawing of itself (the first carries plotly.js).

    The figure's JSON is dropped from the export's copy so that nbconvert picks the HTML
    over the PNG/text fallbacks a renderer may have added beside it.
    """
    import plotly.io as pio

    first = True
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIME)
            if not isinstance(figure, dict):
                continue
            output["data"]["text/html"] = pio.to_html(
                figure,
                config=figure.get("config"),
                include_plotlyjs=first,
                full_html=False,
                validate=False,
            )
            del output["data"][PLOTLY_MIME]
            first = False


def _has_math(nb: Any) -> bool:
    return any(cell.cell_type == "markdown" and _MATH.search(str(cell.source)) for cell in nb.cells)
