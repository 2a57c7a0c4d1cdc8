"""Mergeable summaries of one column's values: quantiles, distinct values and their counts.

Each summary is exact until it outgrows its capacity (`None`: never, which the pandas engine
uses), then approximate with a bound it carries along, so the Dask engine can summarise every
partition once and merge the summaries up a tree.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

HLL_PRECISION = 14
HLL_REGISTERS = 1 << HLL_PRECISION
# Standard error of a HyperLogLog estimate with 2**14 registers (Flajolet et al. 2007).
HLL_RELATIVE_ERROR = 1.04 / math.sqrt(HLL_REGISTERS)


# --- quantiles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuantileSketch:
    """Sorted values with weights: exact (`weights is None`) or a weighted summary.

    A summary answers rank queries within `rank_error * total` of the true rank: each
    compression to `capacity` points adds at most `1 / capacity`, and merging keeps the larger
    error of the two sides.
    """

    values: np.ndarray
    weights: np.ndarray | None = None
    rank_error: float = 0.0

    @classmethod
    def of_sorted(cls, values: np.ndarray, capacity: int | None) -> QuantileSketch:
        """Summarise sorted finite floats, keeping at most `capacity` points (None: all)."""
        sketch = cls(np.asarray(values, dtype=np.float64))
        return sketch.compressed(capacity)

    @property
    def total(self) -> float:
        """How many values the sketch stands for."""
        if self.weights is None:
            return float(self.values.size)
        return float(self.weights.sum())

    @property
    def exact(self) -> bool:
        """Whether every value is kept."""
        return self.weights is None

    def merge(self, other: QuantileSketch, capacity: int | None) -> QuantileSketch:
        """Both sketches as one, compressed back to `capacity` points."""
        if other.values.size == 0:
            return self
        if self.values.size == 0:
            return other
        values = np.concatenate([self.values, other.values])
        order = np.argsort(values, kind="stable")
        error = max(self.rank_error, other.rank_error)
        if self.weights is None and other.weights is None:
            return QuantileSketch(values[order], None, error).compressed(capacity)
        weights = np.concatenate([self._weights(), other._weights()])[order]
        return QuantileSketch(values[order], weights, error).compressed(capacity)

    def quantiles(self, qs: list[float]) -> list[float | None]:
        """Quantiles with linear interpolation between order statistics (pandas' default)."""
        n = self.values.size
        if n == 0:
            return [None for _ in qs]
        if self.weights is None:
            positions = np.asarray(qs) * (n - 1)
            low = np.floor(positions).astype(np.int64)
            high = np.minimum(low + 1, n - 1)
            fraction = positions - low
            result = self.values[low] + (self.values[high] - self.values[low]) * fraction
            return [float(v) for v in result]
        cumulative = np.cumsum(self.weights)
        total = cumulative[-1]
        answers: list[float | None] = []
        for q in qs:
            rank = q * max(total - 1.0, 0.0)
            low = self._value_at(cumulative, math.floor(rank))
            high = self._value_at(cumulative, math.ceil(rank))
            answers.append(float(low + (high - low) * (rank - math.floor(rank))))
        return answers

    def histogram(self, edges: np.ndarray) -> list[int]:
        """Counts per bin (the last bin closed, as `numpy.histogram`), rounded if summarised."""
        left = np.searchsorted(self.values, edges[:-1], side="left")
        right = np.searchsorted(self.values, edges[1:], side="left")
        right[-1] = np.searchsorted(self.values, edges[-1], side="right")
        if self.weights is None:
            return [int(c) for c in right - left]
        cumulative = np.concatenate([[0.0], np.cumsum(self.weights)])
        return [round(float(c)) for c in cumulative[right] - cumulative[left]]

    def _weights(self) -> np.ndarray:
        if self.weights is None:
            return np.ones(self.values.size)
        return self.weights

    def _value_at(self, cumulative: np.ndarray, rank: int) -> float:
        index = int(np.searchsorted(cumulative, rank, side="right"))
        return float(self.values[min(index, self.values.size - 1)])

    def compressed(self, capacity: int | None) -> QuantileSketch:
        """At most `capacity` points (None: unchanged); each compression adds 1 / capacity to
        the rank error, so merges of many sketches compress once, at the end."""
        n = self.values.size
        if capacity is None or n <= capacity:
            return self
        weights = self._weights()
        cumulative = np.cumsum(weights)
        total = cumulative[-1]
        # One point per equal share of the mass, taken at the middle of its share.
        targets = (np.arange(capacity) + 0.5) * total / capacity
        picked = np.minimum(np.searchsorted(cumulative, targets, side="left"), n - 1)
        return QuantileSketch(
            self.values[picked],
            np.full(capacity, total / capacity),
            self.rank_error + 1.0 / capacity,
        )


# --- distinct values and their counts ----------------------------------------------------


def _leading_zeros(words: np.ndarray) -> np.ndarray:
    """Leading zero bits of each uint64."""
    smeared = words.copy()
    for shift in (1, 2, 4, 8, 16, 32):
        smeared |= smeared >> np.uint64(shift)
    if hasattr(np, "bitwise_count"):
        ones = np.bitwise_count(smeared).astype(np.int64)
    else:  # numpy < 2: count bits through float exponents (exact for the smeared words)
        ones = np.where(smeared == 0, 0, np.floor(np.log2(smeared.astype(np.float64))) + 1)
    result: np.ndarray = (64 - ones).astype(np.int64)
    return result


def hash_values(values: Any) -> np.ndarray:
    """64-bit hashes of values (an array, Index or Series), equal for equal values."""
    hashes: np.ndarray = pd.util.hash_pandas_object(pd.Index(values), index=False).to_numpy(
        np.uint64
    )
    return hashes


def hll_registers(hashes: np.ndarray) -> np.ndarray:
    """HyperLogLog registers of 64-bit hashes."""
    registers = np.zeros(HLL_REGISTERS, dtype=np.uint8)
    if hashes.size == 0:
        return registers
    bucket = (hashes >> np.uint64(64 - HLL_PRECISION)).astype(np.int64)
    # A guard bit below the remaining bits caps the rank at 64 - precision + 1.
    rest = (hashes << np.uint64(HLL_PRECISION)) | np.uint64(1 << (HLL_PRECISION - 1))
    ranks = (_leading_zeros(rest) + 1).astype(np.uint8)
    np.maximum.at(registers, bucket, ranks)
    return registers


def hll_estimate(registers: np.ndarray) -> float:
    """The distinct count HyperLogLog registers stand for (with the small-range correction)."""
    m = float(HLL_REGISTERS)
    alpha = 0.7213 / (1 + 1.079 / m)
    estimate = alpha * m * m / float(np.ldexp(1.0, -registers.astype(np.int64)).sum())
    empty = int((registers == 0).sum())
    if estimate <= 2.5 * m and empty:
        return m * math.log(m / empty)
    return estimate


@dataclass(frozen=True)
class ValueCounts:
    """How often each distinct value occurs: exact, or (past a limit) the heaviest values
    with lower-bound counts plus HyperLogLog registers for the number of distinct values."""

    counts: pd.Series
    registers: np.ndarray | None = None

    @property
    def exact(self) -> bool:
        """Whether every distinct value is counted."""
        return self.registers is None

    @classmethod
    def of(cls, counts: pd.Series, limit: int | None, keep: int) -> ValueCounts:
        """From exact counts (index: values); over `limit` distinct values it keeps `keep`."""
        return cls(counts.astype(np.int64))._limited(limit, keep)

    def merge(self, other: ValueCounts, limit: int | None, keep: int) -> ValueCounts:
        """The counts of both sides together."""
        counts = self.counts.add(other.counts, fill_value=0).astype(np.int64)
        if self.exact and other.exact:
            return ValueCounts(counts)._limited(limit, keep)
        registers = np.maximum(self._registers(), other._registers())
        return ValueCounts(_heaviest(counts, keep), registers)

    @property
    def n_distinct(self) -> int:
        """The number of distinct values (an estimate when not exact)."""
        if self.registers is None:
            return int(self.counts.size)
        return max(round(hll_estimate(self.registers)), int(self.counts.size))

    def top(self, k: int) -> list[tuple[Any, int]]:
        """The `k` most frequent values, ties broken by the values' text (deterministic)."""
        if self.counts.empty:
            return []
        counts = self.counts.to_numpy()
        if counts.size > k:
            cutoff = np.partition(counts, counts.size - k)[counts.size - k]
            above = np.flatnonzero(counts > cutoff)
            ties = np.flatnonzero(counts == cutoff)
            # Many values can tie at the cutoff (all 1 for continuous data): keep the first
            # ones in value order without sorting them all in Python.
            index = self.counts.index
            if _is_number_index(index) and index.is_monotonic_increasing:
                # A numeric column's counts are in value order already (its sorted runs):
                # the first ties are the ones (no copy of a 1M-value index to order them).
                chosen = ties[: k - above.size]
            else:
                chosen = ties[_first_in_order(index[ties], k - above.size)]
            candidates = self.counts.iloc[np.concatenate([above, chosen])]
        else:
            candidates = self.counts
        ordered = sorted(candidates.items(), key=lambda item: (-int(item[1]), _tie_key(item[0])))
        return [(value, int(count)) for value, count in ordered[:k]]

    def _registers(self) -> np.ndarray:
        if self.registers is not None:
            return self.registers
        return hll_registers(hash_values(self.counts.index))

    def _limited(self, limit: int | None, keep: int) -> ValueCounts:
        if limit is None or self.counts.size <= limit:
            return self
        return ValueCounts(_heaviest(self.counts, keep), self._registers())


def _tie_key(value: Any) -> tuple[int, float, str]:
    # Numbers in numeric order, everything else by its text.
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _is_number_index(values: pd.Index) -> bool:
    """Whether `_tie_key` orders these values as numbers (not booleans, not objects)."""
    dtype = values.dtype
    return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))


def _first_in_order(values: pd.Index, n: int) -> np.ndarray:
    """Positions of the `n` first of `values` in `_tie_key` order."""
    if n <= 0:
        return np.array([], dtype=np.int64)
    if _is_number_index(values):
        numbers = values.to_numpy(dtype=np.float64)
        if n < numbers.size:
            part = np.argpartition(numbers, n - 1)[:n]
            return part[np.argsort(numbers[part], kind="stable")]
        return np.argsort(numbers, kind="stable")
    if values.dtype != object:
        return np.asarray(values.astype(str).argsort())[:n]
    return np.array(heapq.nsmallest(n, range(len(values)), key=lambda i: _tie_key(values[i])))


def _heaviest(counts: pd.Series, keep: int) -> pd.Series:
    return counts if counts.size <= keep else counts.nlargest(keep)


@dataclass(frozen=True)
class SketchLimits:
    """Capacities of the summaries: None keeps everything (the exact pandas engine)."""

    quantile_points: int | None = None
    distinct_values: int | None = None
    heavy_values: int = 1_000
    row_hashes: int | None = None

    @classmethod
    def exact(cls) -> SketchLimits:
        """Keep everything: exact statistics, memory proportional to the data."""
        return cls()

    @classmethod
    def bounded(cls) -> SketchLimits:
        """Memory bounded per partition and per merge, whatever the data size."""
        return cls(
            quantile_points=8_192, distinct_values=100_000, heavy_values=1_000, row_hashes=1 << 20
        )

    def with_quantile_points(self, points: int | None) -> SketchLimits:
        """A copy with another quantile capacity (tests use small ones)."""
        return replace(self, quantile_points=points)
