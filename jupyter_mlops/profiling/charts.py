"""Plotly figures of a profile: histograms, top values, correlations, missing values.

Pure rendering: each function reads a `Profile` (or one column of it) and returns a figure;
the widget and the HTML report decide where figures go.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .model import ColumnProfile, Profile

CHART_HEIGHT = 260
BAR_COLOUR = "#4c78a8"
MAX_LABEL = 40
# Mid grey text and faint grid on a transparent background read on light and dark themes.
TEXT_COLOUR = "#8a8a8a"
GRID_COLOUR = "rgba(138, 138, 138, 0.25)"


def _layout(figure: go.Figure, height: int = CHART_HEIGHT, **extra: Any) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 48, "r": 16, "t": 28, "b": 40},
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
    title = "Histogram (approximate)" if column.quantiles_are_approximate else "Histogram"
    return _layout(figure, title={"text": title, "font": {"size": 12}}, bargap=0.02)


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
    height = max(160, 24 * len(labels) + 60)
    return _layout(figure, height=height, title={"text": "Top values", "font": {"size": 12}})


def column_figure(column: ColumnProfile) -> go.Figure | None:
    """The chart that suits the column: a histogram for numbers and datetimes, else top values."""
    if column.type in ("numeric", "datetime"):
        return histogram_figure(column) or top_values_figure(column)
    return top_values_figure(column)


def correlation_figure(profile: Profile) -> go.Figure | None:
    """A heat map of the Pearson correlations between numeric columns."""
    correlations = profile.correlations
    if correlations is None or len(correlations.columns) < 2:
        return None
    z = np.array(
        [[np.nan if v is None else v for v in row] for row in correlations.matrix], dtype=float
    )
    labels = [_label(name) for name in correlations.columns]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            reversescale=True,
            hovertemplate="%{y} / %{x}: %{z:.3f}<extra></extra>",
        )
    )
    size = min(900, max(320, 28 * len(labels) + 160))
    return _layout(figure, height=size, yaxis={"autorange": "reversed"})


def missing_figure(profile: Profile) -> go.Figure | None:
    """The share of missing values per column (columns with none are left out)."""
    shares = {name: c.missing_share for name, c in profile.columns.items() if c.n_missing}
    if not shares:
        return None
    figure = go.Figure(
        go.Bar(
            x=[_label(name) for name in shares],
            y=list(shares.values()),
            marker_color="#e45756",
            hovertemplate="%{x}: %{y:.1%} missing<extra></extra>",
        )
    )
    return _layout(
        figure, title={"text": "Missing values", "font": {"size": 12}}, yaxis={"tickformat": ".0%"}
    )


def _label(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
