"""Two profiles side by side (train vs test, last month vs this month), column by column.

Per column: types, missing shares, distinct counts, means, standard deviations and medians on
both sides, the mean shift in units of the first side's standard deviation, and the population
stability index (PSI) of the second side against the first: from the first side's histogram
bins for numbers and datetimes (the second histogram re-binned assuming values spread evenly
within its bins), from the top values (plus "other") for categories. PSI below 0.1 is usually
read as stable, above 0.25 as a large shift.
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import MLOpsError
from .model import ColumnProfile, Histogram, Profile

PSI_FLOOR = 1e-4
PSI_ALERT = 0.2
# PSI is read on about ten bins; finer bins inflate it for small samples.
PSI_BINS = 10


@dataclass
class ColumnComparison:
    """One column in both profiles (`None` on the side that lacks it)."""

    column: str
    in_a: bool
    in_b: bool
    type_a: str | None
    type_b: str | None
    missing_share_a: float | None
    missing_share_b: float | None
    n_distinct_a: int | None
    n_distinct_b: int | None
    mean_a: Any
    mean_b: Any
    std_a: float | None
    std_b: float | None
    median_a: Any
    median_b: Any
    mean_shift: float | None
    psi: float | None

    @property
    def shifted(self) -> bool:
        """Whether the PSI says the distribution moved noticeably."""
        return self.psi is not None and self.psi >= PSI_ALERT


@dataclass
class ProfileComparison:
    """`compare_profiles(a, b)`: table facts of both and one `ColumnComparison` per column."""

    label_a: str
    label_b: str
    n_rows: tuple[int, int]
    n_duplicate_rows: tuple[int | None, int | None]
    columns: list[ColumnComparison]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per column, indexed by column name."""
        return pd.DataFrame([asdict(c) for c in self.columns]).set_index("column")

    def shifted_columns(self) -> list[str]:
        """Columns whose PSI is at least 0.2."""
        return [c.column for c in self.columns if c.shifted]

    def _repr_html_(self) -> str:
        from .report import comparison_html

        return comparison_html(self)


def compare_profiles(a: Profile, b: Profile) -> ProfileComparison:
    """Compare profile `b` with profile `a` (the reference), column by column."""
    if not isinstance(a, Profile) or not isinstance(b, Profile):
        raise MLOpsError("compare_profiles takes two Profile objects", field="profiles")
    names = list(a.columns) + [name for name in b.columns if name not in a.columns]
    return ProfileComparison(
        label_a=a.name or a.source or "a",
        label_b=b.name or b.source or "b",
        n_rows=(a.n_rows, b.n_rows),
        n_duplicate_rows=(a.n_duplicate_rows, b.n_duplicate_rows),
        columns=[_compare_column(name, a.columns.get(name), b.columns.get(name)) for name in names],
    )


def _compare_column(
    name: str, a: ColumnProfile | None, b: ColumnProfile | None
) -> ColumnComparison:
    def pick(column: ColumnProfile | None, attribute: str) -> Any:
        return getattr(column, attribute) if column is not None else None

    def median(column: ColumnProfile | None) -> Any:
        return column.quantiles.get("0.5") if column is not None and column.quantiles else None

    return ColumnComparison(
        column=name,
        in_a=a is not None,
        in_b=b is not None,
        type_a=pick(a, "type"),
        type_b=pick(b, "type"),
        missing_share_a=a.missing_share if a is not None else None,
        missing_share_b=b.missing_share if b is not None else None,
        n_distinct_a=pick(a, "n_distinct"),
        n_distinct_b=pick(b, "n_distinct"),
        mean_a=pick(a, "mean"),
        mean_b=pick(b, "mean"),
        std_a=pick(a, "std"),
        std_b=pick(b, "std"),
        median_a=median(a),
        median_b=median(b),
        mean_shift=_mean_shift(a, b),
        psi=population_stability_index(a, b) if a is not None and b is not None else None,
    )


def _mean_shift(a: ColumnProfile | None, b: ColumnProfile | None) -> float | None:
    if a is None or b is None or not a.std:
        return None
    if not isinstance(a.mean, (int, float)) or not isinstance(b.mean, (int, float)):
        return None
    return (float(b.mean) - float(a.mean)) / a.std


def population_stability_index(a: ColumnProfile, b: ColumnProfile) -> float | None:
    """PSI of `b`'s distribution against `a`'s; None when they cannot be compared."""
    if a.count == 0 or b.count == 0:
        return None
    if a.histogram is not None and b.histogram is not None:
        edges = _edges(a.histogram)
        step = -(-(edges.size - 1) // PSI_BINS)
        coarse = np.append(edges[::step], edges[-1]) if (edges.size - 1) % step else edges[::step]
        expected = rebin(a.histogram, coarse)
        actual = rebin(b.histogram, coarse)
    elif a.top_values and b.top_values:
        expected, actual = _category_shares(a, b)
    else:
        return None
    return _psi(expected, actual)


def _edges(histogram: Histogram) -> np.ndarray:
    edges = histogram.edges
    if edges and isinstance(edges[0], str):  # datetimes: ISO strings
        return np.array([pd.Timestamp(e).value for e in edges], dtype=np.float64)
    return np.asarray(edges, dtype=np.float64)


def rebin(histogram: Histogram, edges: np.ndarray) -> np.ndarray:
    """`histogram`'s counts moved onto bins `edges` (values spread evenly within each bin;
    mass outside `edges` goes to the first or last bin)."""
    source_edges = _edges(histogram)
    cumulative = np.concatenate([[0.0], np.cumsum(histogram.counts, dtype=np.float64)])
    at_edges = np.interp(edges, source_edges, cumulative)
    masses = np.diff(at_edges)
    masses[0] += at_edges[0]
    masses[-1] += cumulative[-1] - at_edges[-1]
    return np.asarray(masses, dtype=np.float64)


def _category_shares(a: ColumnProfile, b: ColumnProfile) -> tuple[np.ndarray, np.ndarray]:
    counts_a = {str(value): count for value, count in a.top_values or []}
    counts_b = {str(value): count for value, count in b.top_values or []}
    keys = list(dict.fromkeys([*counts_a, *counts_b]))
    expected = [counts_a.get(key, 0) for key in keys]
    actual = [counts_b.get(key, 0) for key in keys]
    expected.append(max(a.count - sum(counts_a.values()), 0))
    actual.append(max(b.count - sum(counts_b.values()), 0))
    return np.asarray(expected, dtype=np.float64), np.asarray(actual, dtype=np.float64)


def _psi(expected: np.ndarray, actual: np.ndarray) -> float | None:
    if expected.sum() <= 0 or actual.sum() <= 0:
        return None
    p = np.maximum(expected / expected.sum(), PSI_FLOOR)
    q = np.maximum(actual / actual.sum(), PSI_FLOOR)
    value = float(((q - p) * np.log(q / p)).sum())
    return value if math.isfinite(value) else None


def describe_value(value: Any) -> str:
    """A short text for a statistic in a comparison table."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))
