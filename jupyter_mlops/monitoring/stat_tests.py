"""The built-in drift tests between two column summaries, and which test a column gets.

Each test returns a statistic and its p-value (tests) or None (distances);
`stat_test_registry` registers them with the column kinds they apply to and their default
thresholds, runs them and says whether they cross the threshold (where a user's own tests are
registered too). When both summaries are exact (below their capacity) they hold
the raw values, and every statistic equals scipy's on the raw data; past the capacity they run
on the sketches' weighted points (within the sketches' rank error).

Automatic choice, as Evidently documents it, except that the size is the smaller side's number
of non-missing values (Evidently uses the reference's: a small window then looks drifted):
numeric with at most 1,000 reference values -> Kolmogorov-Smirnov, above -> Wasserstein
distance normed by the reference's standard deviation; categorical -> chi-square, above ->
Jensen-Shannon; binary -> proportion z-test, above -> Jensen-Shannon; a numeric column with at
most 5 distinct values counts as categorical. Where Evidently is wrong: a high-cardinality
categorical column (ids, free text) gets the heavy-hitter test whatever its size, since
per-value tests fire on sampling noise alone there.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..profiling.sketches import QuantileSketch
from .summaries import CATEGORICAL, DATETIME, NUMERIC, ColumnSummary, Moments

SMALL_REFERENCE = 1_000
FEW_DISTINCT = 5
# A categorical column with more distinct values than this, or more than half as many as
# values (past 50 of them), is high-cardinality.
HIGH_CARDINALITY = 1_000
# The heavy-hitter test looks only at values holding at least this share of the reference.
HEAVY_SHARE = 0.01
PSI_BINS = 10
PSI_EPSILON = 1e-4
OTHER = "(other)"
# Past this magnitude, numeric tests run on values scaled down (see `rescaled`): squares of
# values above about 1e154 overflow.
HUGE = 2.0**500


def choose_test(reference: ColumnSummary, current: ColumnSummary | None = None) -> tuple[str, str]:
    """The test a column gets and why: by its kind and the SMALLER side's size.

    Evidently looks at the reference's size only; a window of 400 requests against a large
    training set then gets a distance whose sampling noise alone crosses its threshold, where a
    test with a p-value accounts for the small side.
    """
    n = reference.count if current is None else min(reference.count, current.count)
    distinct = reference.n_distinct
    size = f"{n:,} values on the smaller side"
    if reference.kind in (NUMERIC, DATETIME) and distinct > FEW_DISTINCT:
        if n <= SMALL_REFERENCE:
            return "ks", f"numeric, {size} (<= {SMALL_REFERENCE:,}): Kolmogorov-Smirnov"
        return "wasserstein", f"numeric, {size} (> {SMALL_REFERENCE:,}): normed Wasserstein"
    if reference.kind == CATEGORICAL and is_high_cardinality(reference):
        return "heavy_hitters", (
            f"high-cardinality categorical ({distinct:,} distinct values): per-value tests "
            "fire on sampling noise, so compare the mass of values holding >= "
            f"{HEAVY_SHARE:.0%} of the reference"
        )
    what = "binary" if distinct == 2 else "categorical"
    if reference.kind in (NUMERIC, DATETIME):
        what = f"numeric with {distinct} distinct values, as {what}"
    if n <= SMALL_REFERENCE:
        if distinct == 2:
            return "ztest", f"{what}, {size} (<= {SMALL_REFERENCE:,}): proportion z-test"
        return "chisquare", f"{what}, {size} (<= {SMALL_REFERENCE:,}): chi-square"
    return "jensenshannon", f"{what}, {size} (> {SMALL_REFERENCE:,}): Jensen-Shannon distance"


def is_high_cardinality(summary: ColumnSummary) -> bool:
    """Ids and free text: many distinct values, absolutely or relative to the values."""
    distinct = summary.n_distinct
    return distinct > HIGH_CARDINALITY or (distinct > 50 and distinct > 0.5 * summary.count)


# --- numeric -----------------------------------------------------------------------------


def rescaled(
    reference: ColumnSummary, current: ColumnSummary
) -> tuple[ColumnSummary, ColumnSummary]:
    """Both sides divided by one power of two when their values come near the float limit.

    Differences and squares of values near +-1e308 overflow (a Wasserstein distance or a
    standard deviation of inf or NaN, bins at NaN); every numeric test is scale-free (KS and
    PSI compare ranks, Wasserstein is normed by the reference's spread), and a power of two
    scales exactly, so the statistics do not change.
    """
    sketches = [s.sketch for s in (reference, current) if s.sketch is not None]
    largest = max((float(np.abs(s.values).max()) for s in sketches if s.values.size), default=0.0)
    moments_ok = all(
        s.moments is None or (math.isfinite(s.moments.mean) and math.isfinite(s.moments.m2))
        for s in (reference, current)
    )
    if largest <= HUGE and moments_ok:
        return reference, current
    factor = math.ldexp(1.0, -math.frexp(largest)[1]) if largest > HUGE else 1.0
    return _scaled(reference, factor), _scaled(current, factor)


def _scaled(summary: ColumnSummary, factor: float) -> ColumnSummary:
    sketch = summary.sketch
    if sketch is None:
        return summary
    moved = replace(summary)
    moved.sketch = QuantileSketch(sketch.values * factor, sketch.weights, sketch.rank_error)
    if summary.bin_edges is not None:
        moved.bin_edges = [edge * factor for edge in summary.bin_edges]
    moments = summary.moments
    if moments is not None:
        mean, m2 = moments.mean * factor, moments.m2 * factor * factor
        if not (math.isfinite(mean) and math.isfinite(m2)):
            # The moments overflowed when summarised: take them from the (scaled) points.
            weights = moved.sketch._weights()
            mean = float(np.average(moved.sketch.values, weights=weights))
            share = float(np.average((moved.sketch.values - mean) ** 2, weights=weights))
            m2 = share * moments.count
        moved.moments = Moments(moments.count, mean, m2)
    return moved


def rebinned(summary: ColumnSummary, edges: np.ndarray) -> ColumnSummary:
    """`summary` with its values moved to the middles of `edges`' bins (outside ones kept)."""
    sketch = summary.sketch
    assert sketch is not None
    values, weights = sketch.values, sketch._weights()
    inside = (values >= edges[0]) & (values <= edges[-1])
    bins = np.clip(np.searchsorted(edges, values[inside], side="right") - 1, 0, edges.size - 2)
    middles = (edges[:-1] + edges[1:]) / 2
    points = np.concatenate([middles[bins], values[~inside]])
    masses = np.concatenate([weights[inside], weights[~inside]])
    order = np.argsort(points, kind="stable")
    moved = replace(summary)
    moved.sketch = QuantileSketch(points[order], masses[order], sketch.rank_error)
    return moved


def _points(summary: ColumnSummary) -> tuple[np.ndarray, np.ndarray | None]:
    sketch = summary.sketch
    assert sketch is not None
    return sketch.values, sketch.weights


def _ks(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, float | None]:
    from scipy import stats

    ref, ref_w = _points(reference)
    cur, cur_w = _points(current)
    if ref.size == 0 or cur.size == 0:
        return 0.0, 1.0
    if ref_w is None and cur_w is None:
        result = stats.ks_2samp(ref, cur)
        return float(result.statistic), float(result.pvalue)
    grid = np.union1d(ref, cur)
    gap = np.abs(_cdf(ref, ref_w, grid) - _cdf(cur, cur_w, grid)).max()
    n, m = reference.count, current.count
    effective = round(n * m / (n + m))
    return float(gap), float(stats.kstwo.sf(gap, max(effective, 1)))


def _cdf(values: np.ndarray, weights: np.ndarray | None, grid: np.ndarray) -> np.ndarray:
    positions = np.searchsorted(values, grid, side="right")
    if weights is None:
        cdf: np.ndarray = positions / values.size
        return cdf
    cumulative = np.concatenate([[0.0], np.cumsum(weights)])
    shares: np.ndarray = cumulative[positions] / cumulative[-1]
    return shares


# The two distances the tests of large columns use, in numpy: the same formulas as scipy's
# `stats.wasserstein_distance` and `spatial.distance.jensenshannon` (tests/monitoring compares
# them), without importing scipy.stats (1.5 s of CPU in a monitor window's fresh process, more
# than the distances take on a million rows).


def wasserstein_distance(
    u: np.ndarray, u_weights: np.ndarray | None, v: np.ndarray, v_weights: np.ndarray | None
) -> float:
    """The 1-Wasserstein distance of two SORTED weighted samples (weights None: all equal):
    the area between their empirical distribution functions."""
    grid = np.concatenate([u, v])
    grid.sort(kind="mergesort")
    gaps = np.abs(_cdf(u, u_weights, grid[:-1]) - _cdf(v, v_weights, grid[:-1]))
    return float(np.dot(gaps, np.diff(grid)))


def jensenshannon_distance(p: np.ndarray, q: np.ndarray) -> float:
    """The Jensen-Shannon distance (natural log) of two distributions over the same values."""
    middle = (p + q) / 2

    def relative_entropy(x: np.ndarray) -> float:
        present = x > 0  # 0 * log(0 / m) counts as 0; m > 0 wherever x > 0
        return float(np.sum(x[present] * np.log(x[present] / middle[present])))

    return math.sqrt(max(relative_entropy(p) + relative_entropy(q), 0.0) / 2)


def _wasserstein(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, None]:
    ref, ref_w = _points(reference)
    cur, cur_w = _points(current)
    if ref.size == 0 or cur.size == 0:
        return 0.0, None
    distance = wasserstein_distance(ref, ref_w, cur, cur_w)
    moments = reference.moments
    # Normed by the reference's population std (numpy's default, as Evidently does).
    std = math.sqrt(moments.m2 / moments.count) if moments and moments.count else 0.0
    if std == 0.0:
        return (0.0 if distance == 0.0 else math.inf), None
    return distance / std, None


def _psi(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, None]:
    ref_sketch, cur_sketch = reference.sketch, current.sketch
    assert ref_sketch is not None and cur_sketch is not None
    if ref_sketch.values.size == 0 or cur_sketch.values.size == 0:
        return 0.0, None
    # Bins at the reference's deciles, open at both ends so every current value falls in one.
    cuts = np.unique(np.asarray(ref_sketch.quantiles(list(np.linspace(0, 1, PSI_BINS + 1)[1:-1]))))
    ref_share = _bin_shares(ref_sketch.values, ref_sketch.weights, cuts)
    cur_share = _bin_shares(cur_sketch.values, cur_sketch.weights, cuts)
    return psi(ref_share, cur_share), None


def _bin_shares(values: np.ndarray, weights: np.ndarray | None, cuts: np.ndarray) -> np.ndarray:
    bins = np.searchsorted(cuts, values, side="right")
    counts = np.bincount(bins, weights=weights, minlength=cuts.size + 1).astype(np.float64)
    total = counts.sum()
    return counts / total if total else counts


def psi(reference_share: np.ndarray, current_share: np.ndarray) -> float:
    """Population stability index of two share vectors (empty bins count as 1e-4)."""
    ref = np.where(reference_share == 0, PSI_EPSILON, reference_share)
    cur = np.where(current_share == 0, PSI_EPSILON, current_share)
    return float(((ref - cur) * np.log(ref / cur)).sum())


# --- categorical -------------------------------------------------------------------------


def value_counts(summary: ColumnSummary) -> pd.Series:
    """Counts per value (a numeric column's from its sketch), with the uncounted mass as OTHER."""
    if summary.counts is not None:
        counts = summary.counts.counts.astype(np.float64)
    elif summary.sketch is not None:
        values, weights = _points(summary)
        unique, inverse = np.unique(values, return_inverse=True)
        sums = np.bincount(inverse, weights=weights, minlength=unique.size)
        counts = pd.Series(sums, index=pd.Index(unique, dtype=object), dtype=np.float64)
    else:
        counts = pd.Series(dtype=np.float64)
    if summary.other_mass:
        counts = pd.concat([counts, pd.Series({OTHER: float(summary.other_mass)})])
    return counts


def aligned_counts(
    reference: ColumnSummary, current: ColumnSummary
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Both sides' counts over the union of their values (missing: 0).

    When the reference keeps only some values (a stored profile's top values, a capped summary)
    and lumps the rest as OTHER, a current value it does not keep is lumped there too, unless
    that value is heavy now and clearly heavier than anything the reference could have lumped
    (more than twice the lightest value it kept): that is a new heavy value, not noise.
    """
    ref = value_counts(reference)
    cur = value_counts(current)
    if OTHER in ref.index and not cur.empty:
        kept = ref.drop(OTHER)
        lightest = (kept.min() / ref.sum()) if not kept.empty else 0.0
        share = cur / cur.sum()
        heavy_new = (share >= HEAVY_SHARE) & (share > 2 * lightest)
        lump = ~cur.index.isin(ref.index) & ~heavy_new.to_numpy()
        if lump.any():
            lumped = float(cur[lump].sum()) + float(cur.get(OTHER, 0.0))
            rest = cur[~lump]
            cur = pd.concat([rest[rest.index != OTHER], pd.Series({OTHER: lumped})])
    index = ref.index.union(cur.index, sort=False)
    return (
        index,
        ref.reindex(index, fill_value=0.0).to_numpy(np.float64),
        cur.reindex(index, fill_value=0.0).to_numpy(np.float64),
    )


def _chisquare(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, float | None]:
    from scipy import stats

    _, ref, cur = aligned_counts(reference, current)
    keep = (ref + cur) > 0
    if keep.sum() < 2 or ref.sum() == 0 or cur.sum() == 0:
        return 0.0, 1.0
    # A homogeneity test on the 2 x K table: values seen on one side only are fine here.
    result = stats.chi2_contingency(np.vstack([ref[keep], cur[keep]]), correction=False)
    return float(result.statistic), float(result.pvalue)


def _ztest(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, float | None]:
    from scipy import stats

    _, ref, cur = aligned_counts(reference, current)
    n1, n2 = ref.sum(), cur.sum()
    if n1 == 0 or n2 == 0:
        return 0.0, 1.0
    # The share of the reference's most frequent value on both sides.
    top = int(np.argmax(ref))
    p1, p2 = ref[top] / n1, cur[top] / n2
    pooled = (ref[top] + cur[top]) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return 0.0, 1.0 if p1 == p2 else 0.0
    z = (p1 - p2) / spread
    return float(z), float(2 * stats.norm.sf(abs(z)))


def jensenshannon_noise(reference: ColumnSummary, current: ColumnSummary) -> float:
    """The Jensen-Shannon distance two samples of these sizes show with no drift at all.

    For shares estimated from n1 and n2 values of one distribution over K categories, the
    divergence (nats) is about (K - 1) / 8 * (1/n1 + 1/n2) (its second-order expansion). It is
    small for a few categories and large samples, but with 1,000 categories and 20,000 rows a
    side it is a distance of 0.11: Evidently's fixed 0.1 then flags pure noise.
    """
    _, ref, cur = aligned_counts(reference, current)
    n1, n2 = ref.sum(), cur.sum()
    if n1 == 0 or n2 == 0:
        return 0.0
    categories = int(((ref + cur) > 0).sum())
    return math.sqrt(max(categories - 1, 0) / 8 * (1 / n1 + 1 / n2))


def _jensenshannon(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, None]:
    _, ref, cur = aligned_counts(reference, current)
    if ref.sum() == 0 or cur.sum() == 0:
        return 0.0, None
    return jensenshannon_distance(ref / ref.sum(), cur / cur.sum()), None


def _heavy_hitters(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, None]:
    """Total variation over the values holding >= HEAVY_SHARE of the reference, the rest as one.

    Sampling noise moves each rare value a little; summed over thousands of rare values that is
    what makes chi-square and Jensen-Shannon fire on ids. Lumping the rare ones together keeps
    what matters: a heavy value appearing, vanishing or changing its share.
    """
    index, ref, cur = aligned_counts(reference, current)
    if ref.sum() == 0 or cur.sum() == 0:
        return 0.0, None
    ref_share, cur_share = ref / ref.sum(), cur / cur.sum()
    heavy = (ref_share >= HEAVY_SHARE) | (cur_share >= HEAVY_SHARE)
    heavy &= np.asarray(index != OTHER)
    ref_bins = np.append(ref_share[heavy], 1 - ref_share[heavy].sum())
    cur_bins = np.append(cur_share[heavy], 1 - cur_share[heavy].sum())
    return float(0.5 * np.abs(ref_bins - cur_bins).sum()), None


# The built-in tests' functions; `stat_test_registry` registers them with their kinds and
# thresholds (and imports this module on their first run).
BUILTIN: dict[str, Any] = {
    "ks": _ks,
    "wasserstein": _wasserstein,
    "psi": _psi,
    "chisquare": _chisquare,
    "ztest": _ztest,
    "jensenshannon": _jensenshannon,
    "heavy_hitters": _heavy_hitters,
}


__all__ = [
    "BUILTIN",
    "CATEGORICAL",
    "choose_test",
    "is_high_cardinality",
    "psi",
]
