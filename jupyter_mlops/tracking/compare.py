"""The chart `%mlops compare` shows: the metrics of several runs side by side (plotly).

A metric with a history (several steps) gets a line chart over steps, one line per run;
metrics with one value per run share a grouped bar chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.errors import MLOpsError
from .entities import Metric, Run
from .fluent import resolve_run_id
from .process_client import get_client

MAX_CHARTS = 12
# Heights in pixels: each chart's plotting area, and the space below one chart (its tick
# labels and "step" title) above the next one's title. A share of the figure's height (plotly's
# default spacing) left the next title on the "step" above it.
CHART_PX = 240
GAP_PX = 100
# Top: the figure's title, then the first chart's; bottom: the last chart's axis labels.
MARGIN = {"t": 90, "b": 60}


def compare_figure(run_ids: Sequence[str], metrics: Sequence[str] | None = None) -> Any:
    """A plotly figure comparing the metrics of `run_ids` (ids or unique prefixes)."""
    from plotly.subplots import make_subplots

    client = get_client()
    client.writer.flush(120.0)
    ids = list(dict.fromkeys(resolve_run_id(run_id) for run_id in run_ids))
    runs = [client.store.get_run(run_id) for run_id in ids]
    histories = client.store.metric_histories(ids, list(metrics) if metrics else None)
    keys = sorted({key for per_run in histories.values() for key in per_run})
    if not keys:
        wanted = f" among {', '.join(metrics)}" if metrics else ""
        raise MLOpsError(f"these runs have no metrics{wanted}", field="run_ids")
    stepped = [k for k in keys if any(len(h.get(k, [])) > 1 for h in histories.values())]
    scalar = [k for k in keys if k not in stepped]
    charts = stepped[: MAX_CHARTS - (1 if scalar else 0)]
    titles = [*charts, *(["final values"] if scalar else [])]
    plotted = len(titles) * CHART_PX + (len(titles) - 1) * GAP_PX
    figure = make_subplots(
        rows=len(titles), cols=1, subplot_titles=titles, vertical_spacing=GAP_PX / plotted
    )
    labels = _labels(runs)
    for row, key in enumerate(charts, start=1):
        for index, run in enumerate(runs):
            points = histories[run.run_id].get(key, [])
            figure.add_scatter(
                x=[p.step for p in points],
                y=[p.value for p in points],
                name=labels[run.run_id],
                legendgroup=run.run_id,
                showlegend=row == 1,
                mode="lines+markers" if len(points) < 50 else "lines",
                line={"color": _color(index)},
                row=row,
                col=1,
            )
        figure.update_xaxes(title_text="step", row=row, col=1)
    if scalar:
        row = len(titles)
        for index, run in enumerate(runs):
            figure.add_bar(
                x=scalar,
                y=[_last(histories[run.run_id].get(key, [])) for key in scalar],
                name=labels[run.run_id],
                legendgroup=run.run_id,
                showlegend=not charts,
                marker={"color": _color(index)},
                row=row,
                col=1,
            )
    figure.update_layout(
        height=plotted + MARGIN["t"] + MARGIN["b"],
        margin=MARGIN,
        barmode="group",
        title={"text": f"{len(runs)} runs compared", "y": 1, "yanchor": "top", "pad": {"t": 16}},
        legend={"title": "run"},
    )
    return figure


def _labels(runs: list[Run]) -> dict[str, str]:
    return {run.run_id: f"{run.name} ({run.run_id[:8]})" for run in runs}


def _last(points: list[Metric]) -> float | None:
    return points[-1].value if points else None


_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip


def _color(index: int) -> str:
    return _PALETTE[index % len(_PALETTE)]
