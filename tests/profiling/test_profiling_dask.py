"""The Dask engine agrees with the pandas engine: exact statistics exactly, approximate ones
within their stated error; files are read through Dask; a real LocalCluster is used when
attached."""

from __future__ import annotations

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from sklearn import datasets

from jupyter_mlops.profiling import profile
from jupyter_mlops.profiling.dask_engine import profile_dask
from jupyter_mlops.profiling.sketches import HLL_RELATIVE_ERROR, SketchLimits

EXACT_FIELDS = (
    "type", "count", "n_missing", "n_distinct", "min", "max", "n_zeros", "n_negative",
    "n_infinite", "top_values", "value_types", "min_length", "max_length",
)  # fmt: skip
CLOSE_FIELDS = ("mean", "std", "skewness", "mean_length")


def mixed_frame() -> pd.DataFrame:
    frame = datasets.load_wine(as_frame=True).frame
    frame = pd.concat([frame] * 3, ignore_index=True)
    rng = np.random.default_rng(0)
    frame.loc[rng.random(len(frame)) < 0.1, "alcohol"] = np.nan
    frame["colour"] = pd.Series(rng.choice(["red", "white", "rosé"], len(frame)), dtype="str")
    frame["flag"] = rng.random(len(frame)) < 0.3
    frame["when"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 999, len(frame)), "h"
    )
    frame["mixed"] = pd.Series(
        [1, "one", 2.5, None] * (len(frame) // 4) + [None] * (len(frame) % 4), dtype=object
    )
    return frame  # fmt: skip


def to_dask(frame: pd.DataFrame, partitions: int) -> dd.DataFrame:
    """A Dask frame with the same dtypes (Dask would turn object columns into strings)."""
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_pandas(frame, npartitions=partitions)


def assert_agree(exact, approximate):
    assert approximate.n_rows == exact.n_rows
    assert approximate.n_columns == exact.n_columns
    assert approximate.n_duplicate_rows == exact.n_duplicate_rows
    assert approximate.fingerprint == exact.fingerprint
    assert approximate.memory_bytes == exact.memory_bytes
    for name, a in exact.columns.items():
        b = approximate.columns[name]
        for field in EXACT_FIELDS:
            assert getattr(b, field) == getattr(a, field), (name, field)
        for field in CLOSE_FIELDS:
            expected = getattr(a, field)
            if isinstance(expected, float):
                assert getattr(b, field) == pytest.approx(expected, rel=1e-9), (name, field)
            elif a.type == "datetime" and field == "mean":  # float64 nanoseconds: ~256 ns
                gap = pd.Timestamp(getattr(b, field)) - pd.Timestamp(expected)
                assert abs(gap) < pd.Timedelta("1us"), (name, field)
            else:
                assert getattr(b, field) == expected, (name, field)
        assert b.quantiles == a.quantiles, name
        assert b.histogram == a.histogram, name
    np.testing.assert_allclose(
        np.array(approximate.correlations.matrix, dtype=float),
        np.array(exact.correlations.matrix, dtype=float),
        atol=1e-12,
    )
    assert [(x.column, x.kind) for x in approximate.alerts] == [
        (x.column, x.kind) for x in exact.alerts
    ]


@pytest.mark.parametrize("name", ["diabetes", "breast_cancer", "wine", "iris"])
def test_dask_engine_matches_pandas_on_sklearn_datasets(name):
    frame = getattr(datasets, f"load_{name}")(as_frame=True).frame
    exact = profile(frame)
    approximate = profile(dd.from_pandas(frame, npartitions=3))
    assert approximate.engine == "dask" and approximate.n_partitions == 3
    assert approximate.scheduler == "threads"
    assert_agree(exact, approximate)


def test_dask_engine_matches_pandas_on_mixed_types():
    frame = mixed_frame()
    assert_agree(profile(frame), profile(frame, engine="dask"))


def test_summarised_quantiles_are_within_the_stated_rank_error():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.lognormal(0, 1, 60_000), rng.normal(5, 1, 40_000)])
    frame = pd.DataFrame({"x": values})
    limits = SketchLimits.bounded().with_quantile_points(256)
    result = profile_dask(dd.from_pandas(frame, npartitions=8), limits=limits)
    column = result.columns["x"]
    assert column.quantiles_are_approximate
    error = result.quantile_rank_error
    assert 0 < error < 0.05
    ordered = np.sort(values)
    n = ordered.size
    assert column.quantiles is not None
    for key, estimate in column.quantiles.items():
        assert isinstance(estimate, float), (key, estimate)
        rank = np.searchsorted(ordered, estimate, side="right") / n
        assert abs(rank - float(key)) <= error + 2 / n, (key, rank)
    # The histogram comes from the same summary: every bin within 2 * error * n.
    exact = profile(frame).columns["x"].histogram
    assert column.histogram is not None and exact is not None
    assert column.histogram.edges == exact.edges
    diffs = np.abs(np.array(column.histogram.counts) - np.array(exact.counts))
    assert diffs.max() <= 2 * error * n + 1


def test_distinct_counts_past_the_limit_are_hyperloglog_estimates():
    rng = np.random.default_rng(2)
    keys = rng.integers(0, 10**12, 240_000)
    frame = pd.DataFrame(
        {"key": pd.Series([f"k{k}" for k in keys], dtype="str"), "small": keys % 7}
    )
    truth = frame["key"].nunique()
    result = profile(dd.from_pandas(frame, npartitions=4))
    key = result.columns["key"]
    assert key.distinct_is_approximate and key.top_values_are_approximate
    assert result.distinct_relative_error == pytest.approx(HLL_RELATIVE_ERROR)
    assert abs(key.n_distinct - truth) <= 4 * HLL_RELATIVE_ERROR * truth
    # Few distinct values stay exact.
    assert result.columns["small"].n_distinct == 7
    assert not result.columns["small"].distinct_is_approximate


def test_duplicates_past_the_capacity_are_estimated_and_flagged():
    rng = np.random.default_rng(3)
    base = pd.DataFrame({"a": rng.integers(0, 10**9, 20_000), "b": rng.random(20_000)})
    frame = pd.concat([base, base.iloc[:2_000]], ignore_index=True)
    limits = SketchLimits.bounded()
    limits = SketchLimits(limits.quantile_points, limits.distinct_values, 1_000, 5_000)
    result = profile_dask(dd.from_pandas(frame, npartitions=4), limits=limits)
    assert result.duplicates_are_approximate
    assert result.n_duplicate_rows == pytest.approx(2_000, rel=0.3)
    assert not profile(frame).duplicates_are_approximate


def test_files_are_read_through_dask(tmp_path):
    frame = datasets.load_iris(as_frame=True).frame
    frame.to_csv(tmp_path / "iris.csv", index=False)
    frame.to_parquet(tmp_path / "iris.parquet", index=False)
    exact = profile(frame)
    for name in ("iris.csv", "iris.parquet"):
        result = profile(tmp_path / name)
        assert result.engine == "dask"
        assert result.source == str(tmp_path / name)
        assert result.n_rows == 150
        for column, a in exact.columns.items():
            b = result.columns[column]
            assert (b.count, b.n_distinct, b.min, b.max) == (a.count, a.n_distinct, a.min, a.max)
            assert b.mean == pytest.approx(a.mean, rel=1e-12)
            assert b.quantiles == pytest.approx(a.quantiles, rel=1e-12)
    assert profile(tmp_path / "iris.csv", engine="pandas").engine == "pandas"


def test_progress_is_reported_up_to_one():
    frame = mixed_frame()
    seen: list[float] = []
    profile(to_dask(frame, 6), on_progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= value <= 1.0 for value in seen)


@pytest.fixture(scope="module")
def cluster_client():
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    )
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_the_attached_cluster_is_used(cluster_client):
    frame = mixed_frame()
    seen: list[float] = []
    result = profile(to_dask(frame, 4), on_progress=seen.append)
    assert result.scheduler == "distributed"
    assert seen[-1] == 1.0
    assert_agree(profile(frame), result)


def test_timestamps_in_a_csv_are_profiled_as_datetimes(tmp_path):
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2024-01-01", periods=500, freq="h"),
            "day": pd.date_range("2024-01-01", periods=500, freq="D").strftime("%Y-%m-%d"),
            "year": [2024] * 500,
            "word": ["hello"] * 500,
        }
    )
    frame.to_csv(tmp_path / "dates.csv", index=False)
    result = profile(tmp_path / "dates.csv")
    assert result.columns["when"].type == "datetime"
    assert result.columns["when"].max == "2024-01-21T19:00:00"
    assert result.columns["day"].type == "datetime"
    assert result.columns["year"].type == "numeric"
    assert result.columns["word"].type == "categorical"
