"""Plotly figures of a profile: histograms, top values, correlations, missing values.

Pure rendering: each function reads a `Profile` (or one column of it) and returns a figure;
the widget and the HTML report decide where figures go. The Lab view draws the same charts
from the same data (labextension/src/profiling/traces.ts): colours, heights and scales here
and there are kept equal (the constants below have twins there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .entities import ColumnProfile, Correlations, Profile

if TYPE_CHECKING:
    from .compare import ColumnComparison

CHART_HEIGHT = 180
BAR_COLOUR = "#4c78a8"
CURRENT_COLOUR = "#f58518"
MISSING_COLOUR = "#e45756"
# Diverging, blue for +1 and red for -1 (as seaborn's RdBu): spelled out, because plotly.js
# and plotly.py name "RdBu" in opposite directions.
CORRELATION_SCALE = [
    [0.0, "#b2182b"],
    [0.25, "#ef8a62"],
    [0.5, "#f7f7f7"],
    [0.75, "#67a9cf"],
    [1.0, "#2166ac"],
]
ASSOCIATION_SCALE = [[0.0, "#f7f7f7"], [1.0, "#2166ac"]]
MISSING_SCALE = [[0.0, "rgba(76, 120, 168, 0.18)"], [1.0, MISSING_COLOUR]]
MAX_LABEL = 40
# Mid grey text and faint grid on a transparent background read on light and dark themes.
TEXT_COLOUR = "#8a8a8a"
GRID_COLOUR = "rgba(138, 138, 138, 0.25)"


def _layout(figure: go.Figure, height: int = CHART_HEIGHT, **extra: Any) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 40, "r": 8, "t": 8, "b": 32},
        template="none",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": TEXT_COLOUR, "size": 11},
        showlegend=False,
    )
    figure.update_xaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR, automargin=True)
    figure.update_yaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR, automargin=True)
    figure.update_layout(**extra)
    return figure


def histogram_figure(column: ColumnProfile) -> go.Figure | None:
    """Bars over the column's histogram bins (numbers and datetimes)."""
    histogram = column.histogram
    if histogram is None or not histogram.counts:
        return None
    if column.type == "datetime":
        edges = pd.to_datetime(pd.Series(histogram.edges))
        starts, ends = edges.iloc[:-1].to_numpy(), edges.iloc[1:].to_numpy()
        middles = starts + (ends - starts) / 2
        widths = (ends - starts) / np.timedelta64(1, "ms")
        x: Any = middles
    else:
        numbers = np.asarray(histogram.edges, dtype=np.float64)
        x = (numbers[:-1] + numbers[1:]) / 2
        widths = np.diff(numbers)
    figure = go.Figure(
        go.Bar(
            x=x,
            y=histogram.counts,
            width=widths,
            marker_color=BAR_COLOUR,
            hovertemplate="%{x}<br>%{y:,} rows<extra></extra>",
        )
    )
    return _layout(figure, bargap=0.02)


def top_values_figure(column: ColumnProfile) -> go.Figure | None:
    """Horizontal bars of the most frequent values."""
    if not column.top_values:
        return None
    labels = [_label(value) for value, _ in column.top_values][::-1]
    counts = [count for _, count in column.top_values][::-1]
    figure = go.Figure(
        go.Bar(
            x=counts,
            y=labels,
            orientation="h",
            marker_color=BAR_COLOUR,
            hovertemplate="%{y}<br>%{x:,} rows<extra></extra>",
        )
    )
    height = max(120, 18 * len(labels) + 40)
    return _layout(
        figure,
        height=height,
        margin={"l": 100, "r": 8, "t": 8, "b": 24},
        yaxis={"type": "category"},
    )


def column_figure(column: ColumnProfile) -> go.Figure | None:
    """The chart that suits the column: a histogram for numbers and datetimes, else top values."""
    if column.type in ("numeric", "datetime"):
        return histogram_figure(column) or top_values_figure(column)
    return top_values_figure(column)


def correlation_figure(profile: Profile) -> go.Figure | None:
    """A heat map of the Pearson correlations between numeric columns."""
    return matrix_figure(profile.correlations)


def association_figure(profile: Profile) -> go.Figure | None:
    """A heat map of Cramér's V between categorical columns."""
    return matrix_figure(profile.associations)


def matrix_figure(correlations: Correlations | None) -> go.Figure | None:
    """A heat map of pairwise correlations (-1..1) or associations (0..1)."""
    if correlations is None or len(correlations.columns) < 2:
        return None
    z = np.array(
        [[np.nan if v is None else v for v in row] for row in correlations.matrix], dtype=float
    )
    labels = [_label(name) for name in correlations.columns]
    signed = correlations.method != "cramers_v"
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            zmin=-1 if signed else 0,
            zmax=1,
            colorscale=CORRELATION_SCALE if signed else ASSOCIATION_SCALE,
            hovertemplate="%{y} / %{x}: %{z:.3f}<extra></extra>",
        )
    )
    size = min(720, max(300, 22 * len(labels) + 140))
    return _layout(
        figure,
        height=size,
        margin={"l": 120, "r": 16, "t": 8, "b": 120},
        yaxis={"autorange": "reversed"},
    )


def missing_figure(profile: Profile) -> go.Figure | None:
    """Missing values per column, as a share of the rows (the axis runs to 100%); columns
    without missing values are left out."""
    shares = {name: c.missing_share for name, c in profile.columns.items() if c.n_missing}
    if not shares:
        return None
    figure = go.Figure(
        go.Bar(
            x=[_label(name) for name in shares],
            y=list(shares.values()),
            marker_color=MISSING_COLOUR,
            hovertemplate="%{x}: %{y:.1%} missing<extra></extra>",
        )
    )
    # At least ten bar slots: one column with missing values is one narrow bar, not a wall.
    slots = max(len(shares), 10)
    return _layout(
        figure,
        yaxis={"tickformat": ".0%", "range": [0, 1]},
        xaxis={"type": "category", "range": [-0.5, slots - 0.5]},
    )


def missing_matrix_figure(profile: Profile) -> go.Figure | None:
    """Where values are missing: columns across, blocks of rows down, the missing share of
    each block as colour."""
    matrix = profile.missing_matrix
    if matrix is None or not matrix.block_rows or not any(map(any, matrix.counts)):
        return None
    shares = [
        [matrix.counts[i][b] / (matrix.block_rows[b] or 1) for i in range(len(matrix.columns))]
        for b in range(len(matrix.block_rows))
    ]
    starts = np.concatenate([[0], np.cumsum(matrix.block_rows)[:-1]]).tolist()
    figure = go.Figure(
        go.Heatmap(
            z=shares,
            x=[_label(name) for name in matrix.columns],
            y=[int(start) for start in starts],
            zmin=0,
            zmax=1,
            colorscale=MISSING_SCALE,
            showscale=False,
            hovertemplate="%{x}, rows from %{y:,}: %{z:.0%} missing<extra></extra>",
        )
    )
    return _layout(
        figure,
        height=260,
        yaxis={"autorange": "reversed", "title": {"text": "row"}},
        xaxis={"type": "category"},
    )


def overlay_figure(comparison: ColumnComparison, label_a: str, label_b: str) -> go.Figure | None:
    """Both sides' histograms of a compared column, overlaid on the reference's bins."""
    if comparison.edges is None or comparison.shares_a is None or comparison.shares_b is None:
        return None
    edges = comparison.edges
    if isinstance(edges[0], str):
        stamps = pd.to_datetime(pd.Series(edges))
        x: Any = stamps.iloc[:-1].to_numpy() + (stamps.diff().iloc[1:].to_numpy()) / 2
    else:
        numbers = np.asarray(edges, dtype=np.float64)
        x = (numbers[:-1] + numbers[1:]) / 2
    figure = go.Figure(
        [
            go.Bar(x=x, y=comparison.shares_a, name=label_a, marker_color=BAR_COLOUR, opacity=0.6),
            go.Bar(
                x=x, y=comparison.shares_b, name=label_b, marker_color=CURRENT_COLOUR, opacity=0.6
            ),
        ]
    )
    return _layout(
        figure,
        barmode="overlay",
        bargap=0.02,
        showlegend=True,
        legend={"orientation": "h", "y": 1.15},
        margin={"l": 40, "r": 8, "t": 28, "b": 32},
        yaxis={"tickformat": ".0%"},
    )


def _label(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
