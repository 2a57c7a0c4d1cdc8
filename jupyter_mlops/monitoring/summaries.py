"""Drift-grade summaries of a dataset's columns: computed once, mergeable, JSON round-trippable.

A window of an endpoint's traffic or a training set is summarised once; drift tests then run
on two summaries, never on the rows. Each column keeps:

- numeric and datetime columns: a quantile sketch (`profiling.sketches.QuantileSketch`, exact
  up to `capacity` points, then weighted points with a rank-error bound) plus exact moments;
- categorical and boolean columns: value counts (exact up to `capacity` distinct values, then
  the heaviest ones and a HyperLogLog estimate of how many there are).

Pandas frames are summarised in one vectorised pass per column; Dask frames per partition, merged
up a tree, so memory stays bounded whatever the data size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..profiling.sketches import QuantileSketch, ValueCounts

DEFAULT_CAPACITY = 2_048
# Heavy values kept once a categorical column has more distinct values than the capacity.
HEAVY_VALUES = 1_024

NUMERIC = "numeric"
CATEGORICAL = "categorical"
BOOLEAN = "boolean"
DATETIME = "datetime"
KINDS = (NUMERIC, CATEGORICAL, BOOLEAN, DATETIME)


@dataclass
class Moments:
    """Count, mean and sum of squared deviations: merged exactly (Chan et al.)."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        """The moments of finite floats."""
        if values.size == 0:
            return cls()
        # Near +-1e308 the sum behind the mean overflows: work on values scaled into [-1, 1]
        # (m2 may still be inf, which `stat_tests.rescaled` recomputes from the sketch).
        largest = float(np.abs(values).max())
        scale = largest if largest > 1e150 else 1.0
        scaled = values / scale if scale != 1.0 else values
        mean = float(scaled.mean())
        m2 = float(((scaled - mean) ** 2).sum())
        return cls(int(values.size), mean * scale, m2 * scale * scale)

    def merge(self, other: Moments) -> Moments:
        """Both sides' moments together."""
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        count = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / count
        m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / count
        return Moments(count, mean, m2)

    @property
    def std(self) -> float:
        """The sample standard deviation (ddof=1, as pandas), 0 below two values."""
        return math.sqrt(self.m2 / (self.count - 1)) if self.count > 1 else 0.0


@dataclass
class ColumnSummary:
    """One column's summary; `kind` comes from the dtype alone, never from the row count."""

    name: str
    kind: str
    n_missing: int = 0
    sketch: QuantileSketch | None = None
    moments: Moments | None = None
    counts: ValueCounts | None = None
    # Values counted but not kept one by one (a capped categorical column).
    other_mass: int = 0
    # Set when the values are only known as a histogram (a stored profile): its bin edges.
    bin_edges: list[float] | None = None

    @property
    def count(self) -> int:
        """Non-missing values summarised."""
        if self.counts is not None:
            return int(self.counts.counts.sum()) + self.other_mass
        return self.moments.count if self.moments is not None else 0

    @property
    def exact(self) -> bool:
        """Whether the summary keeps every value (tests then equal scipy's on the raw data)."""
        if self.sketch is not None:
            return self.sketch.exact
        return self.counts is None or (self.counts.exact and self.other_mass == 0)

    @property
    def n_distinct(self) -> int:
        """Distinct non-missing values (an estimate past the capacity)."""
        if self.counts is not None:
            return self.counts.n_distinct
        if self.sketch is not None:
            return int(np.unique(self.sketch.values).size)
        return 0

    def merge(self, other: ColumnSummary, capacity: int) -> ColumnSummary:
        """This column's summary over both sides' rows."""
        if other.kind != self.kind:
            raise ValueError(f"column {self.name!r} is {self.kind} on one side, {other.kind}")
        merged = ColumnSummary(self.name, self.kind, self.n_missing + other.n_missing)
        if self.sketch is not None and other.sketch is not None:
            merged.sketch = self.sketch.merge(other.sketch, capacity)
            merged.moments = (self.moments or Moments()).merge(other.moments or Moments())
        if self.counts is not None and other.counts is not None:
            merged.counts = self.counts.merge(other.counts, capacity, HEAVY_VALUES)
            merged.other_mass = self.other_mass + other.other_mass
        return merged

    # --- JSON ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (a capped categorical keeps its heavy values and distinct estimate)."""
        data: dict[str, Any] = {"name": self.name, "kind": self.kind, "n_missing": self.n_missing}
        if self.sketch is not None and self.moments is not None:
            data["sketch"] = {
                "values": self.sketch.values.tolist(),
                "weights": None if self.sketch.weights is None else self.sketch.weights.tolist(),
                "rank_error": self.sketch.rank_error,
            }
            data["moments"] = {
                "count": self.moments.count,
                "mean": self.moments.mean,
                "m2": self.moments.m2,
            }
        if self.bin_edges is not None:
            data["bin_edges"] = self.bin_edges
        if self.counts is not None:
            data["counts"] = [[_json_value(v), int(c)] for v, c in self.counts.counts.items()]
            data["other_mass"] = self.other_mass
            data["n_distinct"] = self.n_distinct
            data["counts_exact"] = self.counts.exact
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnSummary:
        """Rebuild from `to_dict` output."""
        summary = cls(data["name"], data["kind"], int(data.get("n_missing", 0)))
        summary.bin_edges = data.get("bin_edges")
        if data.get("sketch") is not None:
            sketch = data["sketch"]
            weights = sketch.get("weights")
            summary.sketch = QuantileSketch(
                np.asarray(sketch["values"], dtype=np.float64),
                None if weights is None else np.asarray(weights, dtype=np.float64),
                float(sketch.get("rank_error", 0.0)),
            )
            summary.moments = Moments(**data["moments"])
        if data.get("counts") is not None:
            pairs = data["counts"]
            index = pd.Index([value for value, _ in pairs], dtype=object)
            counts = pd.Series([count for _, count in pairs], index=index, dtype=np.int64)
            registers = None
            if not data.get("counts_exact", True):
                registers = _registers_for(int(data.get("n_distinct", len(pairs))))
            summary.counts = ValueCounts(counts, registers)
            summary.other_mass = int(data.get("other_mass", 0))
        return summary


@dataclass
class DataSummary:
    """A dataset's drift-grade summary: its row count and one `ColumnSummary` per column."""

    n_rows: int
    columns: dict[str, ColumnSummary] = field(default_factory=dict)
    capacity: int = DEFAULT_CAPACITY
    source: str | None = None

    def merge(self, other: DataSummary) -> DataSummary:
        """Both datasets as one (columns present on both sides)."""
        columns = {
            name: column.merge(other.columns[name], self.capacity)
            for name, column in self.columns.items()
            if name in other.columns
        }
        return DataSummary(self.n_rows + other.n_rows, columns, self.capacity, self.source)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "n_rows": self.n_rows,
            "capacity": self.capacity,
            "source": self.source,
            "columns": {name: column.to_dict() for name, column in self.columns.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataSummary:
        """Rebuild from `to_dict` output."""
        columns = {
            name: ColumnSummary.from_dict(column) for name, column in data["columns"].items()
        }
        return cls(
            int(data["n_rows"]),
            columns,
            int(data.get("capacity", DEFAULT_CAPACITY)),
            data.get("source"),
        )


# --- building summaries ------------------------------------------------------------------


def column_kind(dtype: Any) -> str:
    """The drift kind of a pandas dtype: the dtype alone decides, so it never flips with size."""
    if pd.api.types.is_bool_dtype(dtype):
        return BOOLEAN
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DATETIME
    if pd.api.types.is_numeric_dtype(dtype):
        return NUMERIC
    return CATEGORICAL


def summarize_series(series: pd.Series, capacity: int = DEFAULT_CAPACITY) -> ColumnSummary:
    """One pandas column's summary."""
    kind = column_kind(series.dtype)
    summary = ColumnSummary(str(series.name), kind)
    if kind in (NUMERIC, DATETIME):
        values = _as_float(series)
        finite = values[np.isfinite(values)]
        summary.n_missing = int(values.size - finite.size)
        finite.sort()
        summary.sketch = QuantileSketch.of_sorted(finite, capacity)
        summary.moments = Moments.of(finite)
    else:
        present = series.dropna()
        summary.n_missing = int(series.size - present.size)
        if pd.api.types.is_string_dtype(present.dtype) and present.dtype != object:
            # Arrow-backed strings count in Arrow; only the distinct values become objects
            # (converting every value first took a third of a 1M-row drift).
            counts = present.value_counts(sort=False)
            counts.index = counts.index.astype(object)
        else:
            counts = present.astype(object).value_counts(sort=False)
        summary.counts = ValueCounts.of(counts, capacity, HEAVY_VALUES)
        summary.other_mass = int(present.size - summary.counts.counts.sum())
    return summary


def summarize_frame(
    frame: pd.DataFrame, columns: list[str] | None = None, capacity: int = DEFAULT_CAPACITY
) -> DataSummary:
    """A pandas frame's summary (all columns, or `columns`)."""
    names = list(frame.columns) if columns is None else columns
    return DataSummary(
        len(frame),
        {str(name): summarize_series(frame[name], capacity) for name in names},
        capacity,
    )


def _as_float(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
        nanoseconds: np.ndarray = values.astype(np.int64).astype(np.float64)
        nanoseconds[np.isnat(values)] = np.nan
        return nanoseconds
    floats: np.ndarray = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return floats


def _json_value(value: Any) -> Any:
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _registers_for(n_distinct: int) -> np.ndarray:
    """HLL registers standing for about `n_distinct` values (a JSON summary keeps the estimate
    only); merging such a summary keeps at least that estimate."""
    from ..profiling.sketches import hash_values, hll_registers

    return hll_registers(hash_values(np.arange(n_distinct, dtype=np.int64)))
