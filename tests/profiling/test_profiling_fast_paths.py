"""The profiler's fast paths give exactly what the general ones give: object columns whose
values are all `str` are counted as strings without a Python call per row."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.profiling import columns


class Label(str):
    """A str subclass (still a string to the mixed-types check)."""


@pytest.mark.parametrize(
    "values",
    [
        ["a", "b", "a", np.str_("c"), Label("d")],
        ["a", 1, 1.0, True, b"x", None],
        ["a", "b", None, float("nan")],
        [],
        [1, 2, 3],
    ],
)
def test_value_types_equal_the_per_value_count(values: list[object]) -> None:
    series = pd.Series(values, dtype=object)
    present = series[~series.isna()]
    expected = dict(Counter(columns.type_category(v) for v in present.to_numpy()))
    assert columns._value_types(present) == expected


def test_a_profile_of_object_strings_is_the_same_through_the_general_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(0)
    labels = np.array([f"c{k}" for k in range(50)] + ["with space", "ünï"], dtype=object)
    frame = pd.DataFrame(
        {
            "label": pd.Series(labels[rng.integers(0, labels.size, 2_000)], dtype=object),
            "mixed": pd.Series(["a", 1, None, 2.5] * 500, dtype=object),
            "x": rng.normal(size=2_000),
        }
    )
    frame.loc[::7, "label"] = None
    fast = json.loads(mlops.profile(frame).to_json())

    def per_value(present: pd.Series) -> dict[str, int]:  # the count before the fast path
        return dict(Counter(columns.type_category(v) for v in present.to_numpy()))

    monkeypatch.setattr(columns, "_value_types", per_value)
    general = json.loads(mlops.profile(frame).to_json())
    assert fast["columns"] == general["columns"]
    assert {k: v for k, v in fast.items() if k != "columns"} == {
        k: v for k, v in general.items() if k != "columns"
    }
