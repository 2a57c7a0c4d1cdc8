"""Constraints suggested from a stored profile of real data, edited as YAML, and the
per-column violations `validate` reports on pandas and Dask frames."""

from __future__ import annotations

import dask.dataframe as dd
import numpy as np
import pytest
from sklearn.datasets import load_wine

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.evaluation.constraint_set import Constraints


@pytest.fixture
def wine():
    X, y = load_wine(return_X_y=True, as_frame=True)
    return X.assign(cultivar=y.map({0: "a", 1: "b", 2: "c"}).astype(str))


def test_suggested_from_a_stored_profile_and_clean_data_passes(wine):
    stored = mlops.save_profile(mlops.profile(wine), "wine")
    suggested = mlops.constraints(stored.name if hasattr(stored, "name") else "wine")
    alcohol = suggested.columns["alcohol"]
    assert alcohol.type == "numeric"
    span = wine["alcohol"].max() - wine["alcohol"].min()  # widened by 10% of it each side
    assert alcohol.min == pytest.approx(wine["alcohol"].min() - 0.1 * span)
    assert alcohol.max == pytest.approx(wine["alcohol"].max() + 0.1 * span)
    assert alcohol.completeness == 1.0
    assert sorted(suggested.columns["cultivar"].allowed) == ["a", "b", "c"]
    assert mlops.validate(wine, suggested).ok


def test_violations_per_column_on_pandas_and_dask(wine):
    rules = mlops.constraints(wine)
    bad = wine.copy()
    bad.loc[:9, "alcohol"] = np.nan  # 10 missing
    bad.loc[10:14, "magnesium"] = 1e6  # 5 out of range
    bad.loc[15:18, "cultivar"] = "z"  # 4 unknown categories (past the 1% tolerance)
    bad = bad.drop(columns=["hue"])
    for frame in (bad, dd.from_pandas(bad, npartitions=3)):
        report = mlops.validate(frame, rules)
        assert not report.ok
        assert report.n_rows == len(bad)
        assert [v.check for v in report.violations["alcohol"]] == ["completeness"]
        assert report.violations["alcohol"][0].n == 10
        assert report.violations["magnesium"][0].check == "range"
        assert report.violations["magnesium"][0].n == 5
        assert report.violations["cultivar"][0].n == 4
        assert report.violations["hue"][0].check == "missing"
        assert "magnesium" in report.to_dict()["violations"]
        with pytest.raises(MLOpsError) as error:
            report.raise_if_invalid("data_path")
        assert error.value.field == "data_path" and "magnesium" in error.value.message


def test_a_few_stragglers_within_the_tolerance_pass(wine):
    rules = mlops.constraints(wine)
    frame = wine.copy()
    frame.loc[0, "magnesium"] = 1e6  # 1 row of 178: 0.6%, under the default 1%
    assert mlops.validate(frame, rules).ok
    rules.tolerance = 0.0
    assert not mlops.validate(frame, rules).ok


def test_yaml_round_trip_edit_and_bad_text_names_the_field(wine):
    rules = mlops.constraints(wine)
    text = rules.to_yaml().replace("completeness: 1.0", "completeness: 0.5", 1)
    edited = Constraints.from_text(text)
    first = next(iter(edited.columns))
    assert edited.columns[first].completeness == 0.5
    assert Constraints.from_text(rules.to_json()).to_dict() == rules.to_dict()
    with pytest.raises(MLOpsError) as error:
        Constraints.from_text("columns: {alcohol: {colour: red}}")
    assert error.value.field == "constraints"
