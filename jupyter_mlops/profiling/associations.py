"""Cramér's V between categorical columns, from mergeable joint counts.

For the first `MAX_ASSOCIATED_COLUMNS` columns that are not numbers or datetimes, each pair's
joint value counts are kept while both columns have at most `MAX_CATEGORIES` distinct values
(a column with more is dropped: its V would be read on a few-rows-per-cell table). Counts add
up across partitions; V = sqrt(chi² / (n · (min(r, c) - 1))) over rows where both are present.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from .columns import Encoded

MAX_ASSOCIATED_COLUMNS = 20
MAX_CATEGORIES = 50


@dataclass(frozen=True)
class JointCounts:
    """Per pair of positions (i, j), the counts of (value of i, value of j); per position, its
    distinct values (None once it has too many)."""

    positions: list[int]
    values: dict[int, set[Any] | None]
    pairs: dict[tuple[int, int], Counter[tuple[Any, Any]]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        frame: pd.DataFrame,
        positions: list[int],
        encoded: Mapping[int, Encoded] | None = None,
    ) -> JointCounts:
        """The joint counts of the columns at `positions` in `frame`; `encoded` gives columns
        (by position) already turned into codes, counted from them."""
        encoded = encoded or {}
        values: dict[int, set[Any] | None] = {}
        for i in positions:
            if i in encoded:  # its distinct values are known: no `dropna().unique()`
                uniques = encoded[i].uniques
                values[i] = {_key(v) for v in uniques} if len(uniques) <= MAX_CATEGORIES else None
                continue
            try:
                distinct = frame.iloc[:, i].dropna().unique()
                few = len(distinct) <= MAX_CATEGORIES
                values[i] = {_key(v) for v in distinct} if few else None
            except TypeError:  # unhashable cells (lists, dicts): not categories
                values[i] = None
        kept = [i for i in positions if values[i] is not None]
        pairs: dict[tuple[int, int], Counter[tuple[Any, Any]]] = {}
        for i, j in combinations(kept, 2):
            if i in encoded and j in encoded:
                pairs[(i, j)] = _coded_pairs(encoded[i], encoded[j])
                continue
            both = frame.iloc[:, [i, j]].dropna()
            counts = both.groupby([both.columns[0], both.columns[1]], sort=False).size()
            pairs[(i, j)] = Counter(
                {(_key(a), _key(b)): int(n) for (a, b), n in counts.items() if n}
            )
        return cls(positions, values, pairs)

    def merge(self, other: JointCounts) -> JointCounts:
        """Both sets of rows together."""
        values: dict[int, set[Any] | None] = {}
        for i in self.positions:
            a, b = self.values.get(i), other.values.get(i)
            union = a | b if a is not None and b is not None else None
            values[i] = union if union is not None and len(union) <= MAX_CATEGORIES else None
        pairs = {}
        for key in set(self.pairs) | set(other.pairs):
            i, j = key
            if values[i] is None or values[j] is None:
                continue
            if key not in self.pairs or key not in other.pairs:
                continue  # one side dropped it: its counts are incomplete
            pairs[key] = self.pairs[key] + other.pairs[key]
        return JointCounts(self.positions, values, pairs)

    def cramers_v(self, i: int, j: int) -> float | None:
        """Cramér's V of the columns at positions i < j; None when not kept or undefined."""
        counts = self.pairs.get((i, j))
        if not counts:
            return None
        rows = sorted({a for a, _ in counts}, key=str)
        cols = sorted({b for _, b in counts}, key=str)
        if min(len(rows), len(cols)) < 2:
            return None
        table = np.zeros((len(rows), len(cols)))
        row_at = {v: k for k, v in enumerate(rows)}
        col_at = {v: k for k, v in enumerate(cols)}
        for (a, b), n in counts.items():
            table[row_at[a], col_at[b]] = n
        total = table.sum()
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
        chi2 = float(((table - expected) ** 2 / expected).sum())
        value = math.sqrt(chi2 / (total * (min(table.shape) - 1)))
        return min(value, 1.0) if math.isfinite(value) else None


def _coded_pairs(a: Encoded, b: Encoded) -> Counter[tuple[Any, Any]]:
    """The counts of each pair of values over the rows where both are present, from codes
    (what `groupby([a, b]).size()` gives, without hashing the values again)."""
    both = (a.codes >= 0) & (b.codes >= 0)
    width = len(b.uniques)
    cells = a.codes[both].astype(np.int64) * width + b.codes[both]
    counts = np.bincount(cells, minlength=len(a.uniques) * width)
    return Counter(
        {
            (_key(a.uniques[cell // width]), _key(b.uniques[cell % width])): int(counts[cell])
            for cell in np.flatnonzero(counts)
        }
    )


def _key(value: Any) -> Any:
    # numpy scalars hash like Python ones, but keep them plain for pickling across workers.
    return value.item() if hasattr(value, "item") else value
