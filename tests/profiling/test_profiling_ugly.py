"""Ugly data profiles without crashing (both engines), and bad input is a clear error."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.profiling import Profile, profile


def both_engines(frame: pd.DataFrame) -> list[Profile]:
    results = [profile(frame), profile(frame, engine="dask")]
    for result in results:
        # Strict JSON (no NaN/Infinity) that reads back to the same profile.
        text = result.to_json()
        json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
        assert Profile.from_json(text).to_dict() == result.to_dict()
    return results


def test_an_empty_frame():
    for result in both_engines(pd.DataFrame()):
        assert (result.n_rows, result.n_columns, result.n_duplicate_rows) == (0, 0, 0)
        assert result.columns == {} and result.alerts == [] and result.correlations is None


def test_columns_without_rows():
    frame = pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype="str")})
    for result in both_engines(frame):
        assert result.n_rows == 0
        a = result.columns["a"]
        assert (a.count, a.n_missing, a.n_distinct, a.mean, a.quantiles) == (0, 0, 0, None, None)
        assert a.histogram is None and a.top_values == []
        assert result.alerts == []


def test_all_missing_columns():
    frame = pd.DataFrame(
        {"f": [np.nan] * 5, "o": [None] * 5, "t": pd.Series([pd.NaT] * 5), "x": range(5)}
    )
    for result in both_engines(frame):
        for name in ("f", "o", "t"):
            column = result.columns[name]
            assert (column.count, column.n_missing, column.n_distinct) == (0, 5, 0)
            assert column.mean is None and column.histogram is None
        assert result.columns["t"].type == "datetime"


def test_mixed_types_lists_and_dicts_in_cells():
    frame = pd.DataFrame(
        {
            "mixed": [1, "two", 3.0, None, b"four", True],
            "lists": [[1, 2], [1, 2], [3], None, [], [3]],
            "dicts": [{"a": 1}, {"a": 1}, {}, None, {"b": [1]}, {"a": 1}],
        }
    )
    exact, approximate = both_engines(frame)
    for result in (exact, approximate):
        mixed = result.columns["mixed"]
        assert mixed.value_types == {"number": 2, "string": 1, "bytes": 1, "boolean": 1}
        assert any(a.kind == "mixed_types" and a.column == "mixed" for a in result.alerts)
        lists = result.columns["lists"]
        assert lists.count == 5 and lists.n_distinct == 3
        assert lists.top_values[0] == ["[1, 2]", 2] or lists.top_values[0] == ["[3]", 2]
        assert result.columns["dicts"].top_values[0] == ["{'a': 1}", 3]
    assert exact.n_duplicate_rows == approximate.n_duplicate_rows


def test_huge_strings_are_cut_in_the_profile():
    huge = "x" * 2_000_000
    frame = pd.DataFrame({"text": [huge, huge, "short words here"], "n": [1, 2, 3]})
    for result in both_engines(frame):
        column = result.columns["text"]
        assert column.max_length == 2_000_000
        assert len(column.top_values[0][0]) <= 200
        assert len(result.to_json()) < 20_000


def test_non_string_and_repeated_column_names():
    frame = pd.DataFrame(np.arange(12).reshape(3, 4), columns=[0, 1.5, ("a", "b"), 0])
    for result in both_engines(frame):
        assert list(result.columns) == ["0", "1.5", "('a', 'b')", "0 (2)"]
        assert result.column(0).max == 8
        assert result.columns["0 (2)"].max == 11


def test_special_dtypes():
    frame = pd.DataFrame(
        {
            "nullable_int": pd.array([1, None, 3, 4], dtype="Int64"),
            "nullable_bool": pd.array([True, None, False, True], dtype="boolean"),
            "category": pd.Categorical(["a", "b", "a", None]),
            "aware": pd.to_datetime(["2024-01-01", "2024-06-01", None, "2024-03-01"]).tz_localize(
                "Europe/Paris"
            ),
            "duration": pd.to_timedelta([1, 2, None, 4], unit="s"),
            "infinite": [1.0, np.inf, -np.inf, 2.0],
            "complex": [1 + 2j, 3j, 1 + 2j, 0j],
        }
    )
    for result in both_engines(frame):
        assert result.columns["nullable_int"].mean == pytest.approx(8 / 3)
        assert result.columns["nullable_bool"].type == "boolean"
        assert result.columns["nullable_bool"].mean == pytest.approx(2 / 3)
        assert result.columns["category"].top_values == [["a", 2], ["b", 1]]
        aware = result.columns["aware"]
        assert aware.type == "datetime" and aware.min == "2023-12-31T23:00:00"
        assert result.columns["duration"].max == 4.0
        infinite = result.columns["infinite"]
        assert (infinite.count, infinite.n_infinite, infinite.max) == (2, 2, 2.0)
        assert result.columns["complex"].n_distinct == 3


def test_a_missing_file_is_a_not_found_error(tmp_path):
    with pytest.raises(MLOpsError) as info:
        profile(tmp_path / "nope.csv")
    assert info.value.code is ErrorCode.NOT_FOUND
    assert info.value.field == "data"
    assert "nope.csv" in info.value.message


def test_an_unsupported_format_is_a_clear_error(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(MLOpsError) as info:
        profile(path)
    assert info.value.code is ErrorCode.BAD_REQUEST
    assert "CSV" in info.value.message and "Parquet" in info.value.message


def test_a_file_that_does_not_parse_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet at all")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    for path in (broken, empty):
        with pytest.raises(MLOpsError) as info:
            profile(path)
        assert info.value.code is ErrorCode.BAD_REQUEST
        assert path.name in info.value.message


def test_a_csv_column_typed_wrongly_from_the_sample_is_read_again_as_text(tmp_path, monkeypatch):
    from jupyter_mlops.profiling import sources

    # Small blocks: Dask types the columns from the first one, the text comes in a later one.
    monkeypatch.setattr(sources, "CSV_BLOCK_SIZE", "256KB")
    monkeypatch.setattr(sources, "CSV_SAMPLE_BYTES", 64_000)
    path = tmp_path / "late_text.csv"
    lines = ["a,b"] + [f"{i % 1000},{i % 5000}" for i in range(100_000)] + ["x,1"]
    path.write_text("\n".join(lines))
    result = profile(path)
    assert result.n_partitions > 1
    assert result.n_rows == 100_001
    assert result.columns["a"].n_distinct == 1001
    assert result.columns["a"].type == "categorical"
    assert result.columns["b"].type == "numeric"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"engine": "spark"}, "engine"),
        ({"sample": 0}, "sample"),
        ({"sample": 1.5}, "sample"),
        ({"sample": "all"}, "sample"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 300}, "name"),
    ],
)
def test_bad_arguments_name_their_field(kwargs, field):
    with pytest.raises(MLOpsError) as info:
        profile(pd.DataFrame({"a": [1]}), **kwargs)
    assert info.value.field == field


def test_something_that_is_not_a_table_is_refused():
    with pytest.raises(MLOpsError) as info:
        profile([1, 2, 3])
    assert info.value.field == "data"
    assert "list" in info.value.message


def test_samples_profile_fewer_rows():
    frame = pd.DataFrame({"a": range(1000)})
    assert profile(frame, sample=100).n_rows == 100
    assert profile(frame, sample=0.25).n_rows == 250
    assert profile(frame, sample=100).sample == 100
    assert 150 <= profile(frame, engine="dask", sample=0.25).n_rows <= 350
