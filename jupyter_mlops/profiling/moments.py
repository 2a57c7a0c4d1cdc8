"""Count, mean and the 2nd and 3rd central moments, mergeable across partitions.

Merging uses the pairwise update of Chan, Golub and LeVeque (extended to the third moment by
Pébay), which stays accurate where naive sums of powers cancel catastrophically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Moments:
    """`count` values with mean `mean`; `m2`/`m3` are sums of squared/cubed deviations."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0
    m3: float = 0.0

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        """The moments of a float array without NaNs."""
        n = int(values.size)
        if n == 0:
            return cls()
        mean = float(values.mean())
        deviations = values - mean
        squares = deviations * deviations
        return cls(n, mean, float(squares.sum()), float((squares * deviations).sum()))

    def merge(self, other: Moments) -> Moments:
        """The moments of both sets of values together."""
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        na, nb = self.count, other.count
        n = na + nb
        delta = other.mean - self.mean
        mean = self.mean + delta * nb / n
        m2 = self.m2 + other.m2 + delta * delta * na * nb / n
        m3 = (
            self.m3
            + other.m3
            + delta**3 * na * nb * (na - nb) / (n * n)
            + 3.0 * delta * (na * other.m2 - nb * self.m2) / n
        )
        return Moments(n, mean, m2, m3)

    @property
    def std(self) -> float | None:
        """Sample standard deviation (ddof=1, as pandas); None below two values."""
        if self.count < 2:
            return None
        return math.sqrt(max(self.m2, 0.0) / (self.count - 1))

    @property
    def skewness(self) -> float | None:
        """Adjusted Fisher-Pearson skewness G1 (as pandas' `skew`); None below three values or
        for a constant column."""
        n = self.count
        if n < 3:
            return None
        scale = max(abs(self.mean), 1.0)
        # A variance at rounding-noise level is a constant column: its skewness is undefined.
        if self.m2 <= (1e-14 * scale) ** 2 * n:
            return None
        m2 = self.m2 / n
        m3 = self.m3 / n
        return float(math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)
