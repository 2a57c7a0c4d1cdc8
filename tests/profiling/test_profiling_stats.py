"""The pandas engine's numbers against pandas computed directly, on scikit-learn's datasets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets

from jupyter_mlops.profiling import profile
from jupyter_mlops.profiling.entities import QUANTILE_KEYS

LOADERS = {
    "diabetes": datasets.load_diabetes,
    "breast_cancer": datasets.load_breast_cancer,
    "wine": datasets.load_wine,
    "iris": datasets.load_iris,
}


def load(name: str) -> pd.DataFrame:
    frame = LOADERS[name](as_frame=True).frame
    # A few missing values and a label column make the check cover more than clean floats.
    frame = frame.copy()
    first = frame.columns[0]
    frame.loc[frame.index[::7], first] = np.nan
    frame["label"] = pd.Series(np.where(frame.index % 3 == 0, "a", "b"), dtype="str")
    return frame


@pytest.fixture(scope="module", params=sorted(LOADERS))
def dataset(request):
    frame = load(request.param)
    return frame, profile(frame)


def test_table_facts_match_pandas(dataset):
    frame, result = dataset
    assert result.engine == "pandas"
    assert result.n_rows == len(frame)
    assert result.n_columns == frame.shape[1]
    assert result.n_duplicate_rows == int(frame.duplicated().sum())
    assert result.memory_bytes == int(frame.memory_usage(deep=True, index=False).sum())
    assert not result.duplicates_are_approximate


def test_numeric_statistics_match_pandas(dataset):
    frame, result = dataset
    for name in frame.select_dtypes("number").columns:
        series = frame[name]
        column = result.columns[name]
        if pd.api.types.is_integer_dtype(series) and series.nunique() == 2:
            assert column.type == "boolean"  # a 0/1 target
            assert column.histogram is None and column.skewness is None
            continue
        assert column.type == "numeric"
        assert column.count == series.count()
        assert column.n_missing == series.isna().sum()
        assert column.n_distinct == series.nunique()
        assert not column.distinct_is_approximate
        assert column.mean == pytest.approx(series.mean(), rel=1e-12)
        assert column.std == pytest.approx(series.std(), rel=1e-12)
        assert column.min == series.min()
        assert column.max == series.max()
        assert column.n_zeros == (series == 0).sum()
        assert column.n_negative == (series < 0).sum()
        assert column.skewness == pytest.approx(series.skew(), rel=1e-9, abs=1e-12)
        assert not column.quantiles_are_approximate
        for key in QUANTILE_KEYS:
            assert column.quantiles[key] == pytest.approx(series.quantile(float(key)), rel=1e-12)


def test_histograms_match_numpy(dataset):
    frame, result = dataset
    for name in frame.select_dtypes("number").columns:
        column = result.columns[name]
        if column.type == "boolean":
            continue
        edges = np.asarray(column.histogram.edges)
        expected, _ = np.histogram(frame[name].dropna().to_numpy(), bins=edges)
        assert column.histogram.counts == expected.tolist()
        if pd.api.types.is_integer_dtype(frame[name]):
            # Bins hold whole numbers: edges half-way between integers, equal widths.
            assert edges[0] == frame[name].min() - 0.5 and edges[-1] >= frame[name].max() + 0.5
            assert np.all(np.mod(edges, 1) == 0.5) and len(set(np.diff(edges))) == 1
        else:
            assert edges[0] == frame[name].min() and edges[-1] == frame[name].max()
        assert sum(column.histogram.counts) == column.count


def test_top_values_match_value_counts(dataset):
    frame, result = dataset
    for name in frame.columns:
        counts = frame[name].value_counts()
        top = result.columns[name].top_values
        assert [count for _, count in top] == counts.iloc[: len(top)].tolist()
        for value, count in top:
            assert counts[value] == count
        assert len(top) == min(10, len(counts))


def test_string_column_is_categorical_with_lengths(dataset):
    _, result = dataset
    label = result.columns["label"]
    assert label.type == "categorical"
    assert label.n_distinct == 2
    assert label.mean is None and label.quantiles is None and label.histogram is None
    assert label.min_length == label.max_length == 1


def test_correlations_match_pandas(dataset):
    frame, result = dataset
    numeric = frame.select_dtypes("number")
    expected = numeric.corr()
    correlations = result.correlations
    assert correlations.method == "pearson"
    assert correlations.columns == [str(c) for c in numeric.columns][:30]
    matrix = np.array(correlations.matrix, dtype=float)
    np.testing.assert_allclose(
        matrix, expected.loc[correlations.columns, correlations.columns], atol=1e-12
    )


def test_fingerprint_depends_on_content_not_row_order(dataset):
    frame, result = dataset
    shuffled = frame.sample(frac=1.0, random_state=3)
    assert profile(shuffled).fingerprint == result.fingerprint
    changed = frame.copy()
    changed.iloc[0, 1] = changed.iloc[0, 1] + 1
    assert profile(changed).fingerprint != result.fingerprint
