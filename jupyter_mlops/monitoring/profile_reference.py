"""A stored data profile as a drift reference: coarser than a summary, but needs no data.

A profile keeps, per column, a histogram (numeric and datetime), the top values (categorical and
boolean), the count and the moments. Each histogram bin becomes one weighted point at the
bin's middle, so rank queries are off by at most one bin's mass (`rank_error`), and a
categorical column keeps its top values with the rest as one "other" mass.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..profiling.sketches import QuantileSketch, ValueCounts
from .summaries import (
    BOOLEAN,
    CATEGORICAL,
    DATETIME,
    NUMERIC,
    ColumnSummary,
    DataSummary,
    Moments,
)

_PROFILE_KINDS = {
    "numeric": NUMERIC,
    "datetime": DATETIME,
    "boolean": BOOLEAN,
    "categorical": CATEGORICAL,
    "text": CATEGORICAL,
    "id-like": CATEGORICAL,
}


def summary_from_profile(profile: Any, columns: list[str] | None = None) -> DataSummary:
    """The drift reference that a stored `Profile` stands for (columns it can describe)."""
    names = list(profile.columns) if columns is None else columns
    summaries = {}
    for name in names:
        column = profile.columns.get(name)
        if column is None:
            continue
        summary = _column(column)
        if summary is not None:
            summaries[name] = summary
    return DataSummary(
        int(profile.n_rows), summaries, source=f"profile {profile.name or ''}".strip()
    )


def _column(column: Any) -> ColumnSummary | None:
    kind = _PROFILE_KINDS.get(column.type, CATEGORICAL)
    summary = ColumnSummary(column.name, kind, int(column.n_missing))
    if kind in (NUMERIC, DATETIME):
        histogram = column.histogram
        if histogram is None or not histogram.counts:
            return None
        edges = _edges(histogram.edges, kind)
        counts = np.asarray(histogram.counts, dtype=np.float64)
        middles = (edges[:-1] + edges[1:]) / 2
        keep = counts > 0
        total = counts.sum()
        summary.bin_edges = edges.tolist()
        summary.sketch = QuantileSketch(
            middles[keep], counts[keep], float(counts.max() / total) if total else 0.0
        )
        mean = _number(column.mean, kind)
        std = float(column.std or 0.0)
        count = int(column.count)
        summary.moments = Moments(count, mean, std * std * max(count - 1, 0))
        return summary
    top = column.top_values or []
    index = pd.Index([value for value, _ in top], dtype=object)
    counts = pd.Series([int(count) for _, count in top], index=index, dtype=np.int64)
    summary.counts = ValueCounts(counts)
    summary.other_mass = max(int(column.count) - int(counts.sum()), 0)
    return summary


def _edges(edges: list[Any], kind: str) -> np.ndarray:
    if kind == DATETIME:
        stamps = pd.to_datetime(pd.Series(edges), utc=True).dt.tz_localize(None)
        nanoseconds: np.ndarray = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        return nanoseconds.astype(np.float64)
    return np.asarray(edges, dtype=np.float64)


def _number(value: Any, kind: str) -> float:
    if value is None:
        return 0.0
    if kind == DATETIME:
        return float(pd.Timestamp(value).value)
    return float(value)
