"""Two profiles side by side (train vs test, last month vs this month), column by column.

Per column: types, missing shares, distinct counts, means, standard deviations and medians on
both sides, the mean shift in units of the first side's standard deviation, and the population
stability index (PSI) of the second side against the first: from the first side's histogram
bins for numbers and datetimes (the second histogram re-binned assuming values spread evenly
within its bins), from the top values (plus "other") for categories. PSI below 0.1 is usually
read as stable, above 0.25 as a large shift.

Columns whose PSI reaches the threshold (`psi_threshold`, default 0.2) come first, largest
shift first; the others keep the reference's column order. Each numeric or datetime column
carries both sides' shares on the same bins, for overlaid histograms. This module returns data:
`report.comparison_html` and `widget.ComparisonWidget` draw it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import MLOpsError
from .entities import ColumnProfile, Histogram, Profile

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
    shifted: bool = False
    # Both sides on the reference's (coarse) bins: edges (ISO strings for datetimes), shares.
    edges: list[Any] | None = None
    shares_a: list[float] | None = None
    shares_b: list[float] | None = None


@dataclass
class ProfileComparison:
    """`compare_profiles(a, b)`: table facts of both and one `ColumnComparison` per column."""

    label_a: str
    label_b: str
    n_rows: tuple[int, int]
    n_duplicate_rows: tuple[int | None, int | None]
    columns: list[ColumnComparison]
    psi_threshold: float = PSI_ALERT
    n_shifted: int = field(default=0)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per column, indexed by column name."""
        return pd.DataFrame([asdict(c) for c in self.columns]).set_index("column")

    def shifted_columns(self) -> list[str]:
        """Columns whose PSI reaches the threshold, largest shift first."""
        return [c.column for c in self.columns if c.shifted]

    def __repr__(self) -> str:
        return (
            f"<ProfileComparison {self.label_a!r} vs {self.label_b!r}: {len(self.columns)} "
            f"columns, {self.n_shifted} with PSI >= {self.psi_threshold:g}>"
        )


def compare_profiles(
    a: Profile,
    b: Profile,
    *,
    labels: tuple[str, str] | None = None,
    psi_threshold: float = PSI_ALERT,
) -> ProfileComparison:
    """Compare profile `b` with profile `a` (the reference), column by column.

    The sides are labelled `labels`, else by each profile's name or source, else "reference"
    and "current". Columns with PSI >= `psi_threshold` are marked `shifted` and listed first.
    """
    if not isinstance(a, Profile) or not isinstance(b, Profile):
        raise MLOpsError("compare_profiles takes two Profile objects", field="profiles")
    if not isinstance(psi_threshold, (int, float)) or not 0 < psi_threshold < math.inf:
        raise MLOpsError("psi_threshold must be a positive number", field="psi_threshold")
    if labels is not None and (len(labels) != 2 or not all(isinstance(x, str) for x in labels)):
        raise MLOpsError("labels must be two names, e.g. ('train', 'test')", field="labels")
    label_a, label_b = labels or (
        a.name or a.source or "reference",
        b.name or b.source or "current",
    )
    if label_a == label_b:
        label_a, label_b = f"{label_a} (reference)", f"{label_b} (current)"
    names = list(a.columns) + [name for name in b.columns if name not in a.columns]
    columns = [
        _compare_column(name, a.columns.get(name), b.columns.get(name), psi_threshold)
        for name in names
    ]
    # Shifted first (largest PSI first); the rest in the reference's order (a stable sort).
    columns.sort(key=lambda c: -(c.psi or 0.0) if c.shifted else 0.0)
    return ProfileComparison(
        label_a=label_a,
        label_b=label_b,
        n_rows=(a.n_rows, b.n_rows),
        n_duplicate_rows=(a.n_duplicate_rows, b.n_duplicate_rows),
        columns=columns,
        psi_threshold=float(psi_threshold),
        n_shifted=sum(c.shifted for c in columns),
    )


def _compare_column(
    name: str, a: ColumnProfile | None, b: ColumnProfile | None, threshold: float = PSI_ALERT
) -> ColumnComparison:
    def pick(column: ColumnProfile | None, attribute: str) -> Any:
        return getattr(column, attribute) if column is not None else None

    def median(column: ColumnProfile | None) -> Any:
        return column.quantiles.get("0.5") if column is not None and column.quantiles else None

    psi = population_stability_index(a, b) if a is not None and b is not None else None
    edges, shares_a, shares_b = _overlay(a, b)
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
        psi=psi,
        shifted=psi is not None and psi >= threshold,
        edges=edges,
        shares_a=shares_a,
        shares_b=shares_b,
    )


def _overlay(
    a: ColumnProfile | None, b: ColumnProfile | None
) -> tuple[list[Any] | None, list[float] | None, list[float] | None]:
    if a is None or b is None or a.histogram is None or b.histogram is None:
        return None, None, None
    if not a.count or not b.count:
        return None, None, None
    edges = _coarse_edges(a.histogram)
    expected, actual = rebin(a.histogram, edges), rebin(b.histogram, edges)
    if expected.sum() <= 0 or actual.sum() <= 0:
        return None, None, None
    shown: list[Any] = (
        [pd.Timestamp(int(e)).isoformat() for e in edges]
        if isinstance(a.histogram.edges[0], str)
        else [float(e) for e in edges]
    )
    return (
        shown,
        [round(float(x), 6) for x in expected / expected.sum()],
        [round(float(x), 6) for x in actual / actual.sum()],
    )


def _coarse_edges(histogram: Histogram) -> np.ndarray:
    edges = _edges(histogram)
    step = -(-(edges.size - 1) // PSI_BINS)
    return np.append(edges[::step], edges[-1]) if (edges.size - 1) % step else edges[::step]


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
        coarse = _coarse_edges(a.histogram)
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
