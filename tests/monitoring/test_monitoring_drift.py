"""Drift between two datasets: verdicts agree with scipy on the raw data, and ids don't fire."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.monitoring.drift import DriftReport
from jupyter_mlops.monitoring.inputs import summarize
from jupyter_mlops.monitoring.summaries import DataSummary


def frames(n_ref: int, n_cur: int, shift: float = 0.0, seed: int = 0):
    rng = np.random.default_rng(seed)

    def make(n: int, delta: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "x": rng.normal(delta, 1.0, n),
                "y": rng.exponential(1.0, n),
                "colour": rng.choice(["red", "green", "blue"], n, p=[0.5, 0.3, 0.2]),
                "flag": rng.random(n) < 0.3,
            }
        )

    return make(n_ref, 0.0), make(n_cur, shift)


def test_small_numeric_columns_get_ks_equal_to_scipy_on_the_raw_data():
    ref, cur = frames(800, 600, shift=0.3)
    report = mlops.drift(ref, cur)
    x = report["x"]
    expected = stats.ks_2samp(ref["x"], cur["x"])
    assert x.test == "ks"
    assert x.exact
    assert x.statistic == pytest.approx(expected.statistic, abs=1e-12)
    assert x.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert x.drifted
    assert not report["y"].drifted


def test_large_numeric_columns_get_normed_wasserstein_equal_to_scipy():
    ref, cur = frames(1500, 1200, shift=0.5)
    report = mlops.drift(ref, cur)
    x = report["x"]
    expected = stats.wasserstein_distance(ref["x"], cur["x"]) / np.std(ref["x"])
    assert x.test == "wasserstein"
    assert x.statistic == pytest.approx(expected, rel=1e-9)
    assert x.drifted
    assert report["y"].test == "wasserstein"
    assert not report["y"].drifted


def test_categorical_and_binary_tests_follow_the_reference_size():
    small_ref, small_cur = frames(500, 500)
    small = mlops.drift(small_ref, small_cur)
    assert small["colour"].test == "chisquare"
    assert small["flag"].test == "ztest"
    table = pd.crosstab(
        np.r_[np.zeros(500), np.ones(500)], np.r_[small_ref["colour"], small_cur["colour"]]
    )
    expected = stats.chi2_contingency(table.to_numpy(), correction=False)
    assert small["colour"].p_value == pytest.approx(expected.pvalue, rel=1e-9)

    big_ref, big_cur = frames(5000, 5000)
    big = mlops.drift(big_ref, big_cur)
    assert big["colour"].test == "jensenshannon"
    assert big["flag"].test == "jensenshannon"
    ref_share = big_ref["colour"].value_counts(normalize=True).sort_index()
    cur_share = big_cur["colour"].value_counts(normalize=True).sort_index()
    assert big["colour"].statistic == pytest.approx(
        distance.jensenshannon(ref_share, cur_share), rel=1e-9
    )


def test_the_proportion_z_test_matches_the_textbook_formula():
    ref = pd.DataFrame({"flag": [True] * 300 + [False] * 700})
    cur = pd.DataFrame({"flag": [True] * 380 + [False] * 620})
    result = mlops.drift(ref, cur)["flag"]
    p1, p2, pooled = 0.7, 0.62, (700 + 620) / 2000
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert result.drifted


def test_only_the_shifted_columns_are_flagged():
    ref, cur = frames(20_000, 20_000, seed=3)
    cur["x"] = cur["x"] + 0.4
    cur["colour"] = np.where(np.arange(len(cur)) % 2 == 0, "blue", cur["colour"])
    report = mlops.drift(ref, cur)
    assert set(report.drifted_columns) == {"x", "colour"}
    assert report.share_drifted == pytest.approx(0.5)
    assert report.dataset_drifted
    assert report.drifted_columns[0] in {"x", "colour"}
    assert report.ordered()[0].drifted


@pytest.mark.parametrize("seed", range(5))
def test_an_unshifted_high_cardinality_column_is_not_flagged(seed):
    rng = np.random.default_rng(seed)
    ids = np.array([f"user-{i}" for i in range(100_000)])
    ref = pd.DataFrame({"user": rng.choice(ids, 200_000)})
    cur = pd.DataFrame({"user": rng.choice(ids, 50_000)})
    report = mlops.drift(ref, cur)
    assert report["user"].test == "heavy_hitters"
    assert "high-cardinality" in report["user"].reason
    assert not report["user"].drifted


def test_a_high_cardinality_column_whose_heavy_value_moves_is_flagged():
    rng = np.random.default_rng(1)
    ids = np.array([f"user-{i}" for i in range(50_000)])
    ref = pd.DataFrame({"user": rng.choice(ids, 100_000)})
    bots = rng.random(100_000) < 0.3
    cur = pd.DataFrame({"user": np.where(bots, "bot", rng.choice(ids, 100_000))})
    assert mlops.drift(ref, cur)["user"].drifted


def test_the_column_kind_does_not_depend_on_the_sample_size():
    rng = np.random.default_rng(0)
    text = pd.Series([f"comment {i}" for i in rng.integers(0, 10**6, 200_000)])
    kinds = {
        n: mlops.drift(pd.DataFrame({"t": text[:n]}), pd.DataFrame({"t": text[n : 2 * n]}))["t"]
        for n in (100, 1_000, 100_000)
    }
    assert {k.kind for k in kinds.values()} == {"categorical"}
    assert {k.test for k in kinds.values()} == {"heavy_hitters"}


def test_psi_and_overrides_per_column_and_threshold():
    ref, cur = frames(3000, 3000, shift=0.2)
    report = mlops.drift(ref, cur, tests={"x": "psi", "y": "ks"}, thresholds={"x": 0.001})
    assert report["x"].test == "psi"
    assert report["x"].threshold == 0.001
    assert report["x"].drifted
    assert report["y"].test == "ks"
    assert report["y"].reason.endswith("chosen by the caller")


def test_sketched_summaries_agree_with_exact_ones_within_their_error():
    ref, cur = frames(50_000, 50_000, shift=0.05, seed=7)
    exact = mlops.drift(ref, cur, capacity=200_000)
    sketched = mlops.drift(ref, cur, capacity=1_024)
    assert exact["x"].exact and not sketched["x"].exact
    assert sketched["x"].statistic == pytest.approx(exact["x"].statistic, rel=0.05)
    ks_exact = mlops.drift(ref, cur, tests="ks", capacity=200_000)["x"].statistic
    ks_sketch = mlops.drift(ref, cur, tests="ks", capacity=1_024)["x"].statistic
    assert ks_exact is not None and ks_sketch is not None
    assert abs(ks_sketch - ks_exact) <= 2 / 1_024 + 1e-9


def test_dask_frames_are_summarised_per_partition_and_merged():
    dd = pytest.importorskip("dask.dataframe")
    ref, cur = frames(4000, 4000, shift=0.5, seed=2)
    # Below the capacity both are exact, so they must agree to the last digit.
    pandas_report = mlops.drift(ref, cur, capacity=10_000)
    dask_report = mlops.drift(
        dd.from_pandas(ref, npartitions=4), dd.from_pandas(cur, npartitions=3), capacity=10_000
    )
    for column in ("x", "colour", "flag"):
        assert dask_report[column].test == pandas_report[column].test
        assert dask_report[column].drifted == pandas_report[column].drifted
        assert dask_report[column].statistic == pytest.approx(pandas_report[column].statistic)


def test_files_and_stored_profiles_are_references(tmp_path):
    ref, cur = frames(5000, 5000, shift=1.0)
    path = tmp_path / "reference.parquet"
    ref.to_parquet(path)
    from_file = mlops.drift(str(path), cur)
    assert from_file["x"].drifted and not from_file["y"].drifted
    profile = mlops.profile(ref)
    from_profile = mlops.drift(profile, cur, columns=["x", "y", "colour"])
    assert from_profile["x"].drifted
    assert not from_profile["y"].drifted
    assert not from_profile["x"].exact


def test_a_profile_reference_does_not_see_drift_in_data_like_its_own():
    # A profile keeps 30-bin histograms and 10 top values: the current side is binned and
    # lumped the same way, so the coarseness alone is not drift.
    rng = np.random.default_rng(4)

    def make(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "x": rng.normal(0, 1, n),
                "city": rng.choice([f"city-{i}" for i in range(40)], n),
            }
        )

    profile = mlops.profile(make(50_000))
    report = mlops.drift(profile, make(20_000))
    assert report.drifted_columns == []
    assert report["city"].test == "jensenshannon"


def test_summaries_and_reports_round_trip_through_json():
    ref, cur = frames(2000, 1000, shift=0.4)
    summary = summarize(ref, capacity=256)
    again = DataSummary.from_dict(json.loads(json.dumps(summary.to_dict())))
    assert mlops.drift(again, cur).to_dict() == mlops.drift(summary, cur).to_dict()
    report = mlops.drift(ref, cur)
    assert DriftReport.from_json(report.to_json()).to_dict() == report.to_dict()


def test_a_constant_reference_column_that_moves_is_infinitely_drifted_in_json():
    ref = pd.DataFrame({"c": np.full(2000, 1.0), "d": np.arange(2000.0)})
    cur = pd.DataFrame({"c": np.arange(2000.0), "d": np.arange(2000.0)})
    report = mlops.drift(ref, cur, tests={"c": "wasserstein"})
    assert report["c"].drifted
    assert json.loads(report.to_json())["columns"][0]["statistic"] == "Infinity"


def test_bad_arguments_are_errors_naming_the_field():
    ref, cur = frames(100, 100)
    with pytest.raises(MLOpsError) as excinfo:
        mlops.drift(ref, cur, tests="nope")
    assert excinfo.value.field == "tests"
    with pytest.raises(MLOpsError) as excinfo:
        mlops.drift(ref, cur, thresholds=float("nan"))
    assert excinfo.value.field == "thresholds"
    with pytest.raises(MLOpsError) as excinfo:
        mlops.drift(ref, cur, columns=["x", "nope"])
    assert excinfo.value.field == "columns"
    with pytest.raises(MLOpsError) as excinfo:
        mlops.drift(ref, [1, 2, 3])
    assert excinfo.value.field == "current"
    with pytest.raises(MLOpsError) as excinfo:
        mlops.drift(ref, cur, tests={"colour": "ks"})
    assert excinfo.value.field == "tests.colour"


def test_the_report_draws_drifted_columns_first():
    from jupyter_mlops.monitoring.charts import drift_figure

    ref, cur = frames(3000, 3000)
    cur["y"] = cur["y"] * 3
    figure = drift_figure(mlops.drift(ref, cur))
    titles = [a.text for a in figure.layout.annotations]
    assert titles[0].startswith("y: DRIFT")
    assert len(figure.data) == 2 * 4


def test_an_ipython_shell_shows_a_report_as_its_figure():
    # The report imports no rendering; `monitoring.display` registers the figure by type name.
    # IPython's own formatter, without starting a global shell for the rest of the session.
    from types import SimpleNamespace

    from IPython.core.formatters import DisplayFormatter

    from jupyter_mlops.monitoring import display

    ref, cur = frames(500, 500)
    report = mlops.drift(ref, cur)
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    assert display.register(shell)
    import plotly.io as pio

    before = pio.renderers.default
    pio.renderers.default = "plotly_mimetype"  # what plotly picks inside a notebook kernel
    try:
        data, _ = shell.display_formatter.format(report)
    finally:
        pio.renderers.default = before
    assert "application/vnd.plotly.v1+json" in data
    assert data["text/plain"] == repr(report)


def test_a_small_window_against_a_large_reference_gets_a_test_with_a_p_value():
    # Evidently would pick the normed Wasserstein distance by the reference's size alone;
    # across unshifted 400-row windows its noise crosses 0.1 often, a KS p-value does not.
    ref, _ = frames(20_000, 1, seed=8)
    false_alarms = 0
    for seed in range(10):
        _, cur = frames(1, 400, seed=100 + seed)
        report = mlops.drift(ref, cur, columns=["x", "y"])
        assert {c.test for c in report.columns} == {"ks"}
        assert "smaller side" in report["x"].reason
        false_alarms += len(report.drifted_columns)
    assert false_alarms <= 4


@pytest.mark.parametrize("seed", range(3))
def test_many_categories_at_moderate_size_are_judged_net_of_sampling_noise(seed):
    # 1,000 categories, 20,000 rows a side: the Jensen-Shannon distance of pure noise is about
    # 0.11, over Evidently's 0.1; net of the noise it is not drift, while a real move is.
    rng = np.random.default_rng(seed)
    values = np.char.add("v", rng.integers(0, 1000, 40_000).astype(str))
    ref, cur = pd.DataFrame({"c": values[:20_000]}), pd.DataFrame({"c": values[20_000:]})
    quiet = mlops.drift(ref, cur)["c"]
    assert quiet.test == "jensenshannon"
    assert quiet.statistic is not None and quiet.statistic > 0.1
    assert quiet.noise == pytest.approx(0.11, abs=0.01)
    assert not quiet.drifted
    moved = cur.copy()
    moved.loc[:6_000, "c"] = "v1"
    assert mlops.drift(ref, moved)["c"].drifted


@pytest.mark.parametrize("weighted", [False, True])
def test_the_numpy_distances_equal_scipys(weighted):
    from jupyter_mlops.monitoring.stat_tests import jensenshannon_distance, wasserstein_distance

    rng = np.random.default_rng(3)
    u = np.sort(np.round(rng.normal(0, 1, 700), 1))  # rounded: ties within and across samples
    v = np.sort(np.round(rng.normal(0.3, 2, 300), 1))
    u_w = rng.uniform(0.5, 3, u.size) if weighted else None
    v_w = rng.uniform(0.5, 3, v.size) if weighted else None
    assert wasserstein_distance(u, u_w, v, v_w) == pytest.approx(
        stats.wasserstein_distance(u, v, u_w, v_w), rel=1e-12
    )
    p = np.array([0.5, 0.0, 0.25, 0.25])  # a value absent on one side, and on both
    q = np.array([0.1, 0.6, 0.3, 0.0])
    assert jensenshannon_distance(p, q) == pytest.approx(distance.jensenshannon(p, q), rel=1e-12)
    assert jensenshannon_distance(p, p) == 0.0
