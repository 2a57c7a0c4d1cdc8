"""Pearson correlations over pairwise-complete rows (as pandas' `DataFrame.corr`), mergeable.

For every pair of columns (i, j) we keep, over the rows where both are present: the count, both
means, both sums of squared deviations and the co-moment. Sums come from matrix products on
blocks of rows shifted by the block's column means (well conditioned), and blocks and
partitions merge with the pairwise update of Chan et al., elementwise on the matrices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

BLOCK_ROWS = 65_536


@dataclass(frozen=True)
class CoMoments:
    """Pairwise-complete moments of p columns; every field is a p x p matrix.

    `mean_row[i, j]` is the mean of column i over the rows where i and j are both present
    (`mean_col = mean_row.T`), `m2_row[i, j]` its sum of squared deviations there.
    """

    n: np.ndarray
    mean_row: np.ndarray
    m2_row: np.ndarray
    comoment: np.ndarray

    @classmethod
    def empty(cls, p: int) -> CoMoments:
        """No rows yet."""
        zeros = np.zeros((p, p))
        return cls(zeros, zeros, zeros, zeros)

    @classmethod
    def of(cls, matrix: np.ndarray, shift: np.ndarray) -> CoMoments:
        """From an n x p float matrix where NaN (or an infinity) marks a missing value.

        `shift` (one number per column, ideally near its mean) is subtracted first to keep the
        sums well conditioned; `matrix` is modified in place.
        """
        blocks = (matrix[start : start + BLOCK_ROWS] for start in range(0, len(matrix), BLOCK_ROWS))
        return cls.of_blocks(blocks, matrix.shape[1], shift)

    @classmethod
    def of_blocks(cls, blocks: Iterator[np.ndarray], p: int, shift: np.ndarray) -> CoMoments:
        """`of` the rows of consecutive blocks (each of at most `BLOCK_ROWS` rows and `p`
        columns, modified in place): what `of` gives for them stacked."""
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]

        result = cls.empty(p)
        # One BLAS thread: the products are p x p from thin blocks, and OpenBLAS's own
        # threads, spinning beside the profile's threads, cost 259 ms of CPU per block where
        # one thread needs 3.5 ms (2 cores, 16 columns; two thirds of the co-moments' time).
        with threadpool_limits(limits=1, user_api="blas"):
            for block in blocks:
                result = result.merge(cls._of_block(block, shift))
        return result

    @classmethod
    def _of_block(cls, block: np.ndarray, shift: np.ndarray) -> CoMoments:
        present = np.isfinite(block)
        block -= shift
        rows = block.shape[0]
        if present.all():
            # Every pair shares every row: one product gives the co-moments.
            sums = block.sum(axis=0)
            n = np.full((block.shape[1],) * 2, float(rows))
            sum_row = np.repeat(sums[:, None], block.shape[1], axis=1)
            sumsq_row = np.repeat((block * block).sum(axis=0)[:, None], block.shape[1], axis=1)
        else:
            np.copyto(block, 0.0, where=~present)
            mask = present.astype(np.float64)
            n = mask.T @ mask
            sum_row = block.T @ mask  # [i, j]: sum of x_i over the rows where j is present too
            sumsq_row = (block * block).T @ mask
        cross = block.T @ block
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_shifted = np.where(n > 0, sum_row / n, 0.0)
            m2_row = np.where(n > 0, sumsq_row - sum_row * mean_shifted, 0.0)
            comoment = np.where(n > 0, cross - sum_row * mean_shifted.T, 0.0)
        return cls(n, mean_shifted + shift[:, None], m2_row, comoment)

    def merge(self, other: CoMoments) -> CoMoments:
        """Both sets of rows together."""
        n = self.n + other.n
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(n > 0, other.n / n, 0.0)
            weight = np.where(n > 0, self.n * other.n / n, 0.0)
        delta_row = other.mean_row - self.mean_row
        # Where one side has no rows its mean is a placeholder: it only moves the mean.
        spread = np.where(weight > 0, delta_row, 0.0)
        return CoMoments(
            n=n,
            mean_row=self.mean_row + delta_row * share,
            m2_row=self.m2_row + other.m2_row + spread * spread * weight,
            comoment=self.comoment + other.comoment + spread * spread.T * weight,
        )

    def pearson(self) -> list[list[float | None]]:
        """The correlation matrix; None where it is undefined (no spread, under two rows)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            denominator = np.sqrt(self.m2_row * self.m2_row.T)
            matrix = self.comoment / denominator
        # A spread at rounding-noise level is a constant column over those rows.
        scale = np.maximum(np.abs(self.mean_row), 1.0) ** 2 * np.maximum(self.n, 1.0) * 1e-24
        undefined = (self.n < 2) | (self.m2_row <= scale) | (self.m2_row.T <= scale.T)
        # Values near +-1e308 overflow the moments (inf / inf): unknown, not a number to store.
        undefined |= ~np.isfinite(matrix)
        matrix = np.clip(matrix, -1.0, 1.0)
        return [
            [None if undefined[i, j] else float(matrix[i, j]) for j in range(matrix.shape[1])]
            for i in range(matrix.shape[0])
        ]
