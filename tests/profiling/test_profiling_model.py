"""The Profile as data: JSON round trip and size, the store, comparison, the HTML report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.profiling import Profile, compare_profiles, profile
from jupyter_mlops.profiling.report import comparison_html
from jupyter_mlops.profiling.store import ProfileStore


@pytest.fixture(scope="module")
def cancer():
    return datasets.load_breast_cancer(as_frame=True).frame


def test_json_round_trip_keeps_everything(cancer):
    result = profile(cancer)
    text = result.to_json()
    again = Profile.from_json(text)
    assert again == result
    assert again.to_json() == text
    data = json.loads(text)
    column = data["columns"]["mean radius"]
    for key in (
        "type", "count", "n_missing", "n_distinct", "distinct_is_approximate", "mean", "std",
        "min", "max", "quantiles", "n_zeros", "n_negative", "skewness", "histogram", "top_values",
    ):  # fmt: skip
        assert key in column
    assert set(column["quantiles"]) == {"0.05", "0.25", "0.5", "0.75", "0.95"}
    assert set(column["histogram"]) == {"edges", "counts"}
    for key in ("n_rows", "n_columns", "n_duplicate_rows", "memory_bytes", "fingerprint"):
        assert key in data
    assert set(data["alerts"][0]) >= {"column", "kind", "detail"}


def test_fields_that_do_not_apply_are_null():
    frame = pd.DataFrame({"city": pd.Series(["Paris", "Lyon"] * 50, dtype="str"), "n": range(100)})
    data = profile(frame).to_dict()["columns"]
    city = data["city"]
    for key in ("mean", "std", "min", "max", "quantiles", "n_zeros", "skewness", "histogram"):
        assert city[key] is None, key
    assert data["n"]["min_length"] is None


def test_json_stays_under_a_megabyte_for_a_wide_table():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(20_000, 60)), columns=[f"x{i}" for i in range(60)])
    for i in range(20):
        frame[f"s{i}"] = pd.Series([f"value {v} " * 20 for v in rng.integers(0, 5000, 20_000)])
    text = profile(frame).to_json()
    assert len(text.encode()) < 1_000_000
    assert len(json.loads(text)["correlations"]["columns"]) == 30


def test_saved_profiles_load_list_and_delete(db_url, cancer):
    result = profile(cancer, name="cancer-train")
    assert result.name == "cancer-train" and result.id
    listed = mlops.list_profiles()
    assert [(p.name, p.id, p.n_rows) for p in listed] == [("cancer-train", result.id, 569)]
    assert mlops.load_profile("cancer-train") == result
    assert mlops.load_profile(result.id) == result
    # Saving again under the same name replaces it and keeps its id.
    smaller = mlops.save_profile(profile(cancer.head(100)), "cancer-train")
    assert smaller.id == result.id
    assert mlops.load_profile("cancer-train").n_rows == 100
    with pytest.raises(MLOpsError) as info:
        mlops.save_profile(profile(cancer.head(10)), "cancer-train", overwrite=False)
    assert info.value.code is ErrorCode.CONFLICT
    ProfileStore.default().delete("cancer-train")
    assert mlops.list_profiles() == []
    with pytest.raises(MLOpsError) as info:
        mlops.load_profile("cancer-train")
    assert info.value.code is ErrorCode.NOT_FOUND


def test_a_profile_needs_a_name_to_be_saved():
    result = profile(pd.DataFrame({"a": [1, 2]}))
    for name in (None, "  "):
        with pytest.raises(MLOpsError) as info:
            mlops.save_profile(result, name)
        assert info.value.field == "name"
    assert result.id is None


def test_compare_profiles_side_by_side(cancer):
    train = cancer.sample(frac=0.7, random_state=0)
    test = cancer.drop(train.index).copy()
    test["mean radius"] = test["mean radius"] * 1.5
    test = test.drop(columns=["target"])
    test["extra"] = 1.0
    comparison = mlops.compare_profiles(profile(train, name="train"), profile(test))
    table = comparison.to_frame()
    assert (comparison.label_a, comparison.label_b) == ("train", "current")
    # Shifted columns first, largest PSI first; then the reference's order.
    assert table.index[0] == "mean radius" and table.loc["mean radius", "shifted"]
    shifted = comparison.shifted_columns()
    assert list(table.index[: len(shifted)]) == shifted
    psis = [table.loc[name, "psi"] for name in shifted]
    assert psis == sorted(psis, reverse=True)
    rest = [name for name in table.index if name not in shifted]
    assert rest == [name for name in [*train.columns, "extra"] if name in rest]
    radius = table.loc["mean radius"]
    assert radius["mean_a"] == pytest.approx(train["mean radius"].mean())
    assert radius["mean_b"] == pytest.approx(test["mean radius"].mean())
    assert radius["mean_shift"] > 1.5 and radius["psi"] > 1.0
    assert table.loc["mean texture", "psi"] < 0.25
    assert "mean radius" in comparison.shifted_columns()
    assert "mean texture" not in comparison.shifted_columns()
    assert not table.loc["target", "in_b"] and not table.loc["extra", "in_a"]
    assert "mean radius" in comparison_html(comparison)
    # The overlaid histograms: both sides' shares on the same bins.
    radius_row = comparison.columns[0]
    assert radius_row.shares_a is not None and radius_row.shares_b is not None
    assert radius_row.edges is not None
    assert len(radius_row.shares_a) == len(radius_row.shares_b) == len(radius_row.edges) - 1
    assert sum(radius_row.shares_a) == pytest.approx(1.0)
    json.dumps(comparison.to_dict())
    with pytest.raises(MLOpsError):
        compare_profiles(train, test)


def test_categorical_shift_shows_in_the_psi():
    a = pd.DataFrame({"c": pd.Series(["x"] * 50 + ["y"] * 50, dtype="str")})
    b = pd.DataFrame({"c": pd.Series(["x"] * 90 + ["z"] * 10, dtype="str")})
    same = compare_profiles(profile(a), profile(a)).columns[0]
    moved = compare_profiles(profile(a), profile(b)).columns[0]
    assert same.psi == pytest.approx(0.0)
    assert moved.psi > 1.0


def test_to_html_writes_an_offline_report(tmp_path, cancer):
    path = tmp_path / "report.html"
    html = mlops.profile_report(profile(cancer), path)
    assert path.read_text(encoding="utf-8") == html
    assert html.count("plotly.js v") == 1  # the library inlined once
    assert "<script src=" not in html  # nothing loaded from the network
    assert html.count("class='jp-MLOps-profile-card'") == 31
    assert "mean radius" in html and "Correlations" in html
