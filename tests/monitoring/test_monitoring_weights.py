"""Reading an overloaded request log's weights: counts, quantiles and a subsample in which every
served row had one chance to appear."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jupyter_mlops.monitoring.weights import (
    equal_probability_rows,
    served_rows,
    weighted_mean,
    weighted_quantile,
)


def logged(values: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"x": values, "_mlops_weight": weights})


def test_weighted_figures_equal_those_of_the_rows_the_weights_stand_for() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=300).round(3)
    weights = rng.choice([1.0, 2.0, 8.0], size=300)
    frame = logged(values, weights)
    expanded = np.repeat(values, weights.astype(int))
    assert served_rows(frame) == len(expanded)
    assert weighted_mean(values > 0, frame) == pytest.approx((expanded > 0).mean())
    for q in (0.01, 0.25, 0.5, 0.9, 0.99):
        assert weighted_quantile(values, frame, q) == np.quantile(
            expanded, q, method="inverted_cdf"
        )
    # Unweighted (or an old log without the column): pandas' quantile, the row count.
    plain = pd.DataFrame({"x": values})
    assert served_rows(plain) == 300
    assert weighted_quantile(values, plain, 0.99) == pd.Series(values).quantile(0.99)


def test_the_subsample_gives_every_served_row_the_same_chance() -> None:
    quiet = logged(np.zeros(4000), np.ones(4000))  # logged in full
    busy = logged(np.ones(500), np.full(500, 8.0))  # 1 row in 8 logged
    frame = pd.concat([quiet, busy], ignore_index=True)
    sample = equal_probability_rows(frame, seed=1)
    # The busy rows stand at 1/8 already: all stay; the quiet ones are kept 1 in 8.
    assert (sample["x"] == 1).sum() == 500
    assert 400 < (sample["x"] == 0).sum() < 600
    assert equal_probability_rows(quiet, seed=1) is quiet
