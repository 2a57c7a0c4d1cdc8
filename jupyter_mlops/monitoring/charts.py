"""A drift report drawn with plotly: reference and current overlaid per column, drifted first."""

from __future__ import annotations

import itertools
import math
from typing import Any

from .drift import ColumnDrift, DriftReport

REFERENCE_COLOUR = "#1f77b4"
CURRENT_COLOUR = "#d62728"
PER_ROW = 2
ROW_HEIGHT = 260


def drift_figure(report: DriftReport, max_columns: int = 20) -> Any:
    """Overlaid distributions of up to `max_columns` columns, drifted ones first."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    columns = report.ordered()[:max_columns]
    rows = max(1, math.ceil(len(columns) / PER_ROW))
    figure = make_subplots(
        rows=rows,
        cols=PER_ROW,
        subplot_titles=[_title(c) for c in columns],
        vertical_spacing=min(0.3 / rows, 0.12),
    )
    for i, column in enumerate(columns):
        row, col = i // PER_ROW + 1, i % PER_ROW + 1
        for side, colour in (("reference", REFERENCE_COLOUR), ("current", CURRENT_COLOUR)):
            figure.add_trace(_trace(go, column, side, colour, show_legend=i == 0), row=row, col=col)
    figure.update_layout(
        barmode="overlay",
        height=ROW_HEIGHT * rows + 80,
        title=report.summary(),
        margin={"t": 90, "l": 40, "r": 20, "b": 40},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )
    return figure


def _title(column: ColumnDrift) -> str:
    verdict = "DRIFT" if column.drifted else "ok"
    if column.p_value is not None:
        value = f"p={column.p_value:.3g}"
    else:
        value = f"{column.test}={column.statistic:.3g}"
    return f"{column.column}: {verdict} ({column.test}, {value})"


def _trace(go: Any, column: ColumnDrift, side: str, colour: str, show_legend: bool) -> Any:
    plot = column.plot
    common = {
        "name": side,
        "legendgroup": side,
        "showlegend": show_legend,
        "marker": {"color": colour},
        "opacity": 0.55,
    }
    if plot.get("kind") == "histogram":
        edges = plot["edges"]
        middles = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
        width = edges[1] - edges[0] if len(edges) > 1 else 1
        return go.Bar(x=middles, y=plot[side], width=width, **common)
    return go.Bar(x=[str(v) for v in plot.get("values", [])], y=plot.get(side, []), **common)
