"""Row-level facts, mergeable: duplicate rows and an order-independent content checksum.

Rows are hashed to 64 bits (`pandas.util.hash_pandas_object`; collisions are negligible below
billions of rows). Duplicates are counted from the distinct hashes and their multiplicities.
When a capacity is set and exceeded, only the hashes below a threshold are kept: all copies of
a row share its hash, so the kept rows are a uniform sample of the distinct rows by hash, and
the duplicate count is estimated as (duplicates among them) / (share of hash space kept).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .columns import Encoded

HASH_SPACE = 1 << 64
MISSING_HASH = np.iinfo(np.uint64).max  # pandas' hash of a missing categorical value


@dataclass(frozen=True)
class RowHashes:
    """Distinct row hashes below `threshold` with their counts, plus a checksum of all rows."""

    n_rows: int
    hashes: np.ndarray
    counts: np.ndarray
    threshold: int = HASH_SPACE
    checksum: int = 0

    @classmethod
    def of(
        cls,
        frame: pd.DataFrame,
        capacity: int | None,
        encoded: Mapping[int, Encoded] | None = None,
    ) -> RowHashes:
        """Hash the rows of `frame` (whatever its cells hold); `encoded` gives columns (by
        position) already turned into codes, whose strings are then hashed once each."""
        hashes = _row_hashes(frame, encoded or {})
        checksum = int(hashes.sum(dtype=np.uint64)) if hashes.size else 0
        unique, counts = np.unique(hashes, return_counts=True)
        return cls(int(hashes.size), unique, counts, HASH_SPACE, checksum)._bounded(capacity)

    def merge(self, other: RowHashes, capacity: int | None) -> RowHashes:
        """Both sets of rows together."""
        threshold = min(self.threshold, other.threshold)
        hashes = np.concatenate([self.hashes, other.hashes])
        counts = np.concatenate([self.counts, other.counts])
        if threshold < HASH_SPACE:
            kept = hashes < np.uint64(threshold)
            hashes, counts = hashes[kept], counts[kept]
        unique, inverse = np.unique(hashes, return_inverse=True)
        merged = np.bincount(inverse, weights=counts, minlength=unique.size).astype(np.int64)
        checksum = (self.checksum + other.checksum) % HASH_SPACE
        return RowHashes(self.n_rows + other.n_rows, unique, merged, threshold, checksum)._bounded(
            capacity
        )

    @property
    def exact(self) -> bool:
        """Whether every distinct row is kept (the duplicate count is exact)."""
        return self.threshold >= HASH_SPACE

    @property
    def n_duplicates(self) -> int:
        """Rows that repeat an earlier row (`DataFrame.duplicated().sum()`), or its estimate."""
        among_kept = int((self.counts - 1).sum()) if self.counts.size else 0
        if self.exact:
            return among_kept
        return min(self.n_rows, round(among_kept * HASH_SPACE / self.threshold))

    def _bounded(self, capacity: int | None) -> RowHashes:
        if capacity is None or self.hashes.size <= capacity:
            return self
        # `hashes` is sorted: keep the `capacity` smallest, below the next one.
        threshold = int(self.hashes[capacity])
        return RowHashes(
            self.n_rows,
            self.hashes[:capacity],
            self.counts[:capacity],
            threshold,
            self.checksum,
        )


def _row_hashes(frame: pd.DataFrame, encoded: Mapping[int, Encoded]) -> np.ndarray:
    if frame.shape[1] == 0:  # rows without columns are not duplicates of each other
        return np.arange(len(frame), dtype=np.uint64)
    try:
        if encoded:
            width = frame.shape[1]
            columns = (_column_hash(frame.iloc[:, i], encoded.get(i)) for i in range(width))
            return _combined(columns, width)
        hashed = pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # unhashable cells pandas cannot stringify: hash their repr
        hashed = pd.util.hash_pandas_object(frame.map(repr), index=False)
    result: np.ndarray = hashed.to_numpy(dtype=np.uint64)
    return result


def _column_hash(series: pd.Series, encoded: Encoded | None) -> np.ndarray:
    """A column's share of `hash_pandas_object(frame, index=False)`. pandas factorises an
    object column to hash each distinct value once; an encoded column has its codes already
    (the factorising was a quarter of hashing a frame with four object string columns)."""
    if encoded is None:
        hashed: np.ndarray = pd.util.hash_pandas_object(series, index=False).to_numpy(np.uint64)
        return hashed
    # As pandas hashes a Categorical: its values once each, taken by code, missing as u8max.
    by_value = pd.util.hash_array(np.asarray(encoded.uniques, dtype=object), categorize=False)
    if not by_value.size:
        return np.full(encoded.codes.size, MISSING_HASH, dtype=np.uint64)
    result: np.ndarray = by_value.take(encoded.codes)
    result[encoded.codes < 0] = MISSING_HASH
    return result


def _combined(columns: Iterator[np.ndarray], width: int) -> np.ndarray:
    """Row hashes from the hashes of `width` columns, one column at a time, as
    `hash_pandas_object` combines a frame's (CPython's tuple hash; the tests check the two
    agree)."""
    mult = np.uint64(1000003)
    out: np.ndarray | None = None
    for i, column in enumerate(columns):
        if out is None:
            out = np.zeros_like(column) + np.uint64(0x345678)
        inverse = width - i
        out ^= column
        out *= mult
        mult += np.uint64(82520 + inverse + inverse)
    assert out is not None  # width >= 1
    out += np.uint64(97531)
    return out
