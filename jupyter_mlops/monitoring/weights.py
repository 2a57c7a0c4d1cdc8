"""Reading the request log's weights: what a window's logged rows say about its served traffic.

An overloaded endpoint logs a random sample of its rows, each with `_mlops_weight` = how many
served rows it stands for (1.0 without overload; see `serving.request_log`). Counts and means
of the traffic are weighted; distribution tests, which need rows drawn with one probability,
get an equal-probability subsample instead (rows are never duplicated, which would inflate a
test's confidence).
"""

from __future__ import annotations

from typing import Any

from ..serving.request_log import WEIGHT  # the column the request log writes


def weights(frame: Any) -> Any:
    """The rows' weights as a float numpy array (1.0 where the log has none)."""
    import numpy as np

    if WEIGHT not in frame.columns:
        return np.ones(len(frame))
    return frame[WEIGHT].fillna(1.0).to_numpy(dtype=float)


def served_rows(frame: Any) -> int:
    """The served rows the logged rows stand for (their count when nothing was sampled)."""
    return round(float(weights(frame).sum()))


def weighted_mean(values: Any, frame: Any) -> float:
    """The mean of `values` (one per row of `frame`) over the served rows."""
    import numpy as np

    return float(np.average(np.asarray(values, dtype=float), weights=weights(frame)))


def weighted_quantile(values: Any, frame: Any, q: float) -> float:
    """The `q` quantile of `values` over the served rows (pandas' linear rule when unweighted)."""
    import numpy as np

    w = weights(frame)
    x = np.asarray(values, dtype=float)
    if np.all(w == w[0]):
        return float(np.quantile(x, q))
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cumulative = np.cumsum(w)
    return float(x[min(int(np.searchsorted(cumulative, q * cumulative[-1])), len(x) - 1)])


def equal_probability_rows(frame: Any, seed: int) -> Any:
    """A subsample in which every served row had the same chance to appear: a row of weight w
    (logged with probability 1/w) is kept with probability w / max weight. The frame itself
    when all weights are equal."""
    import numpy as np

    w = weights(frame)
    if len(w) == 0 or np.all(w == w[0]):
        return frame
    keep = np.random.default_rng(seed).random(len(w)) < w / w.max()
    return frame[keep].reset_index(drop=True)
