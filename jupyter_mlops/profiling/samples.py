"""Mergeable row-order facts: the first rows, a uniform random sample, and where values are
missing (missing cells per consecutive block of rows).

Partitions are summarised apart and merged in row order, so the first rows of the merge are
the first partition's; the random sample keeps the rows with the smallest random keys (a
bottom-k sample, uniform over all rows whatever the partitioning); missing-value blocks are
concatenated and re-binned when the profile is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SAMPLE_ROWS = 10
# Blocks per summarised frame, and in the finished matrix.
MISSING_BLOCKS = 100


@dataclass(frozen=True)
class RowSample:
    """The first rows of a table and a bottom-k random sample of its rows (raw cell values)."""

    head: list[list[Any]]
    keys: list[float]
    random: list[list[Any]]

    @classmethod
    def of(cls, frame: pd.DataFrame, size: int = SAMPLE_ROWS) -> RowSample:
        """Sample `frame` (a whole table or one partition)."""
        head = _rows(frame.iloc[:size])
        # Seeded by the frame's length: the same data profiles to the same sample.
        keys = np.random.default_rng(len(frame)).random(len(frame))
        chosen = _smallest(keys, size)
        return cls(head, [float(keys[i]) for i in chosen], _rows(frame.iloc[chosen]))

    def merge(self, other: RowSample, size: int = SAMPLE_ROWS) -> RowSample:
        """This sample followed by `other`'s rows."""
        head = (self.head + other.head)[:size]
        pairs = list(zip(self.keys + other.keys, self.random + other.random, strict=True))
        order = sorted(range(len(pairs)), key=lambda i: pairs[i][0])[:size]
        kept = sorted(order)  # keep row order among the chosen
        return RowSample(head, [pairs[i][0] for i in kept], [pairs[i][1] for i in kept])


def _smallest(keys: np.ndarray, size: int) -> np.ndarray:
    """Positions of the `size` smallest keys, ties to the earlier position, in row order: a
    stable `argsort`'s first `size` without sorting every key (a sort of 1M keys was a tenth
    of summarising the frame)."""
    if keys.size <= size or size <= 0:
        return np.arange(min(keys.size, max(size, 0)))
    cutoff = keys[np.argpartition(keys, size - 1)[size - 1]]
    below = np.flatnonzero(keys < cutoff)
    at = np.flatnonzero(keys == cutoff)[: size - below.size]
    return np.sort(np.concatenate([below, at]))


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [list(row) for row in frame.itertuples(index=False, name=None)]


def block_starts(n_rows: int, blocks: int = MISSING_BLOCKS) -> np.ndarray:
    """Where each block of rows starts, then `n_rows` (empty for no rows)."""
    if n_rows == 0:
        return np.array([], dtype=np.int64)
    return np.unique(np.linspace(0, n_rows, min(blocks, n_rows) + 1).astype(np.int64))


def block_counts(missing: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Missing cells per block, from a column's missing mask."""
    if starts.size < 2:
        return np.array([], dtype=np.int64)
    counts: np.ndarray = np.add.reduceat(missing, starts[:-1], dtype=np.int64)
    return counts


@dataclass(frozen=True)
class MissingBlocks:
    """Missing cells per column in consecutive blocks of rows: `rows[b]` rows in block `b`,
    `counts[b][i]` of them missing in column `i`."""

    rows: list[int]
    counts: list[list[int]]

    @classmethod
    def of(cls, frame: pd.DataFrame, blocks: int = MISSING_BLOCKS) -> MissingBlocks:
        """Count missing cells of `frame` in up to `blocks` blocks of rows."""
        starts = block_starts(len(frame), blocks)
        per_column = [
            block_counts(frame.iloc[:, i].isna().to_numpy(dtype=bool), starts)
            for i in range(frame.shape[1])
        ]
        return cls.of_counts(starts, per_column)

    @classmethod
    def of_counts(cls, starts: np.ndarray, per_column: list[np.ndarray]) -> MissingBlocks:
        """From each column's `block_counts` over the same `starts`."""
        if starts.size < 2:
            return cls([], [])
        counts = [[int(column[b]) for column in per_column] for b in range(len(starts) - 1)]
        return cls([int(r) for r in np.diff(starts)], counts)

    def merge(self, other: MissingBlocks) -> MissingBlocks:
        """This frame's blocks followed by `other`'s."""
        return MissingBlocks(self.rows + other.rows, self.counts + other.counts)

    def rebinned(self, blocks: int = MISSING_BLOCKS) -> tuple[list[int], list[list[int]]]:
        """At most `blocks` blocks of about equal rows: (rows per block, counts[column][block])."""
        if not self.rows:
            return [], []
        total = sum(self.rows)
        target = max(1, -(-total // blocks))
        rows: list[int] = []
        counts: list[list[int]] = []
        width = len(self.counts[0])
        filled = target  # start a new block at once
        for block_rows, block_counts in zip(self.rows, self.counts, strict=True):
            if filled >= target:
                rows.append(0)
                counts.append([0] * width)
                filled = 0
            rows[-1] += block_rows
            counts[-1] = [a + b for a, b in zip(counts[-1], block_counts, strict=True)]
            filled += block_rows
        by_column = [[block[i] for block in counts] for i in range(width)]
        return rows, by_column
