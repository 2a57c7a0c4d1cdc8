"""Every alert fires on a frame built to trigger it, and none fires on a clean frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jupyter_mlops.profiling import profile
from jupyter_mlops.profiling.alerts import ALERT_KINDS

N = 400
rng = np.random.default_rng(7)


def clean_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "height": rng.normal(170, 10, N),
            "weight": rng.normal(70, 8, N),
            "colour": pd.Series(rng.choice(["red", "green", "blue"], N), dtype="str"),
            "member": rng.random(N) < 0.5,
            "joined": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 900, N), "D"),
        }
    )


def with_column(name: str, values) -> pd.DataFrame:
    frame = clean_frame()
    frame[name] = values
    return frame


TRIGGERS = {
    "constant": ("same", lambda: np.full(N, 3.0)),
    "high_missing": ("gappy", lambda: np.where(rng.random(N) < 0.5, np.nan, rng.normal(size=N))),
    "high_cardinality": (
        "city",
        lambda: pd.Series([f"city {i % 120}" for i in range(N)], dtype="str"),
    ),
    "likely_id": ("user_id", lambda: np.arange(1000, 1000 + N)),
    "skewed": ("income", lambda: rng.lognormal(0, 1.5, N)),
    "imbalanced": ("fraud", lambda: np.arange(N) < 8),
    "mixed_types": ("code", lambda: pd.Series([1, "A", 2.5, "B"] * (N // 4), dtype=object)),
    "infinite": ("ratio", lambda: np.where(np.arange(N) == 5, np.inf, rng.normal(size=N))),
}


def kinds(result, column=None):
    return {alert.kind for alert in result.alerts if alert.column == column}


def test_a_clean_frame_has_no_alerts():
    result = profile(clean_frame())
    assert result.alerts == []
    assert {c.type for c in result.columns.values()} == {
        "numeric",
        "categorical",
        "boolean",
        "datetime",
    }


@pytest.mark.parametrize("kind", sorted(TRIGGERS))
def test_each_column_alert_fires_on_its_trigger(kind):
    column, make = TRIGGERS[kind]
    result = profile(with_column(column, make()))
    assert kind in kinds(result, column)
    # ... and the rest of the frame stays quiet.
    assert all(alert.column in (column, None) for alert in result.alerts)
    alert = next(a for a in result.alerts if a.kind == kind)
    assert alert.detail


def test_duplicate_rows_fire_on_the_table():
    frame = clean_frame()
    frame = pd.concat([frame, frame.iloc[:10]], ignore_index=True)
    result = profile(frame)
    assert kinds(result) == {"duplicate_rows"}
    assert result.n_duplicate_rows == 10
    assert "10 duplicate rows" in result.alerts[0].detail


def test_an_all_missing_column_is_constant_and_missing():
    result = profile(with_column("nothing", np.full(N, np.nan)))
    assert kinds(result, "nothing") == {"constant", "high_missing"}


def test_every_alert_kind_is_covered():
    assert set(TRIGGERS) | {"duplicate_rows"} == set(ALERT_KINDS)


def test_alerts_agree_between_engines():
    frame = clean_frame()
    for column, make in TRIGGERS.values():
        frame[column] = make()
    exact = profile(frame)
    approximate = profile(frame, engine="dask")
    assert {(a.column, a.kind) for a in exact.alerts} == {
        (a.column, a.kind) for a in approximate.alerts
    }
