"""Row-level facts, mergeable: duplicate rows and an order-independent content checksum.

Rows are hashed to 64 bits (`pandas.util.hash_pandas_object`; collisions are negligible below
billions of rows). Duplicates are counted from the distinct hashes and their multiplicities.
When a capacity is set and exceeded, only the hashes below a threshold are kept: all copies of
a row share its hash, so the kept rows are a uniform sample of the distinct rows by hash, and
the duplicate count is estimated as (duplicates among them) / (share of hash space kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

HASH_SPACE = 1 << 64


@dataclass(frozen=True)
class RowHashes:
    """Distinct row hashes below `threshold` with their counts, plus a checksum of all rows."""

    n_rows: int
    hashes: np.ndarray
    counts: np.ndarray
    threshold: int = HASH_SPACE
    checksum: int = 0

    @classmethod
    def of(cls, frame: pd.DataFrame, capacity: int | None) -> RowHashes:
        """Hash the rows of `frame` (whatever its cells hold)."""
        hashes = _row_hashes(frame)
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


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    if frame.shape[1] == 0:  # rows without columns are not duplicates of each other
        return np.arange(len(frame), dtype=np.uint64)
    try:
        hashed = pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # unhashable cells pandas cannot stringify: hash their repr
        hashed = pd.util.hash_pandas_object(frame.map(repr), index=False)
    result: np.ndarray = hashed.to_numpy(dtype=np.uint64)
    return result
