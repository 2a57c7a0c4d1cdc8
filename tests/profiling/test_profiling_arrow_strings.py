"""Object columns of strings are counted once in Arrow (`columns._summarize_strings`): the
summary and the whole profile equal those of the general pandas path, nulls, empty strings,
whitespace, non-ASCII text and many distinct values included."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.profiling import columns
from jupyter_mlops.profiling.sketches import SketchLimits


class Label(str):
    """A str subclass: still a string."""


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "_object_strings", lambda series: None)


@pytest.mark.parametrize(
    "values",
    [
        ["a", "b", "a", np.str_("c"), Label("d"), "", " ", "ünï", "a b"],
        ["x", None, "y", float("nan"), "x", None],
        [None, None],
        ["only"],
    ],
)
@pytest.mark.parametrize("limits", [SketchLimits.exact(), SketchLimits.bounded()])
def test_a_string_column_summary_equals_the_general_one(
    values: list[object], limits: SketchLimits, monkeypatch: pytest.MonkeyPatch
) -> None:
    series = pd.Series(values * 3, dtype=object)
    arrow_path = columns._object_strings(series) is not None
    assert arrow_path == any(isinstance(v, str) for v in values)
    fast = columns.summarize_column(series, "values", limits)
    _general(monkeypatch)
    general = columns.summarize_column(series, "values", limits)
    assert isinstance(fast, columns.ValuesSummary) and isinstance(general, columns.ValuesSummary)
    assert fast.values.counts.to_dict() == general.values.counts.to_dict()
    assert list(fast.values.counts.index) == list(general.values.counts.index)
    assert (fast.count, fast.n_missing, fast.value_types) == (
        general.count, general.n_missing, general.value_types,
    )  # fmt: skip
    assert (fast.min_length, fast.max_length, fast.total_length, fast.n_with_space) == (
        general.min_length, general.max_length, general.total_length, general.n_with_space,
    )  # fmt: skip


def test_mixed_and_unencodable_columns_stay_on_the_general_path() -> None:
    assert columns._object_strings(pd.Series(["a", 1], dtype=object)) is None
    assert columns._object_strings(pd.Series(["a", "\ud800"], dtype=object)) is None
    assert columns._object_strings(pd.Series([1.5, 2.5])) is None


def test_a_profile_with_many_distinct_strings_is_the_same(monkeypatch: pytest.MonkeyPatch):
    rng = np.random.default_rng(4)
    n = 30_000
    frame = pd.DataFrame(
        {
            "id": pd.Series([f"id-{k}" for k in rng.permutation(n)], dtype=object),
            "city": pd.Series(rng.choice(["Oslo", "São Paulo", "New York", ""], n), dtype=object),
            "x": rng.normal(size=n),
        }
    )
    frame.loc[::11, "city"] = None
    fast = json.loads(mlops.profile(frame).to_json())
    _general(monkeypatch)
    general = json.loads(mlops.profile(frame).to_json())
    fast.pop("created_at"), general.pop("created_at")
    # Sized per distinct string: a non-ASCII str that Arrow read caches its UTF-8 (a few bytes
    # more in sys.getsizeof of the frame's own objects, not of the counted copies).
    assert fast.pop("memory_bytes") == pytest.approx(general.pop("memory_bytes"), rel=0.02)
    assert fast == general


def test_memory_of_object_strings_is_pandas_deep_memory_usage() -> None:
    rng = np.random.default_rng(5)
    n = 5_000
    frame = pd.DataFrame(
        {
            "label": pd.Series(rng.choice(["a", "bb", "ccc d"], n), dtype=object),
            "id": pd.Series([f"row-{k}" for k in range(n)], dtype=object),
            "x": rng.normal(size=n),
            "mixed": pd.Series(["a", 1] * (n // 2), dtype=object),
        }
    )
    frame.loc[::9, "label"] = None
    expected = int(frame.memory_usage(deep=True, index=False).sum())
    assert mlops.profile(frame).memory_bytes == expected
