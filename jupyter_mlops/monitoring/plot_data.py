"""What a drift chart draws for one column: both sides' distributions on common ground.

Numeric columns: the shares of both sides in `PLOT_BINS` equal bins over their joint range
(from the quantile sketches). Categorical and boolean columns: the shares of the
`PLOT_CATEGORIES` heaviest values, aligned as the categorical tests align them (values the
reference lumped together stay lumped). Plain JSON, for the report's payload and charts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .stat_tests import aligned_counts
from .summaries import BOOLEAN, ColumnSummary

PLOT_BINS = 30
PLOT_CATEGORIES = 20


def plot_data(reference: ColumnSummary, current: ColumnSummary) -> dict[str, Any]:
    """Both sides on common bins (numeric) or the top categories' shares (categorical)."""
    if reference.sketch is not None and current.sketch is not None and reference.kind != BOOLEAN:
        values = [s.values for s in (reference.sketch, current.sketch) if s.values.size]
        if values:
            low = min(float(v[0]) for v in values)
            high = max(float(v[-1]) for v in values)
            if high > low:
                edges = _edges(low, high)
                return {
                    "kind": "histogram",
                    "edges": edges.tolist(),
                    "reference": _shares(reference.sketch.histogram(edges)),
                    "current": _shares(current.sketch.histogram(edges)),
                }
    index, ref, cur = aligned_counts(reference, current)
    ref_share = ref / ref.sum() if ref.sum() else ref
    cur_share = cur / cur.sum() if cur.sum() else cur
    order = np.argsort(-(ref_share + cur_share), kind="stable")[:PLOT_CATEGORIES]
    return {
        "kind": "categories",
        "values": [_label(index[i]) for i in order],
        "reference": [float(ref_share[i]) for i in order],
        "current": [float(cur_share[i]) for i in order],
    }


def _edges(low: float, high: float) -> np.ndarray:
    """`PLOT_BINS + 1` equal steps from `low` to `high`, finite even when `high - low` is not
    (values near +-1e308): each end is weighed separately, so no step leaves the range."""
    if math.isfinite(high - low):
        return np.linspace(low, high, PLOT_BINS + 1)
    steps = np.linspace(0.0, 1.0, PLOT_BINS + 1)
    edges: np.ndarray = low * (1.0 - steps) + high * steps
    edges[0], edges[-1] = low, high
    return edges


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def _label(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, (str, int, float, bool)) else str(value)
