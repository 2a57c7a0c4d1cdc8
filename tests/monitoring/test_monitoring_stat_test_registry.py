"""Drift tests are a registry: a test a user registers is chosen by name (for every column it
applies to, per column, or per column kind) in drift reports, in `POST drift` and in monitors'
settings; unknown names and kinds are 400s naming the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tornado.httpclient import HTTPClientError

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.monitoring.stat_test_registry import (
    register_stat_test,
    stat_test_names,
    unregister_stat_test,
)
from jupyter_mlops.monitoring.summaries import ColumnSummary
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("monitoring")


def mean_shift(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, None]:
    """How far the mean moved, in the reference's standard deviations (a distance)."""
    assert reference.sketch is not None and current.sketch is not None
    ref, cur = reference.sketch, current.sketch
    ref_mean = float(np.average(ref.values, weights=ref.weights))
    cur_mean = float(np.average(cur.values, weights=cur.weights))
    spread = float(np.sqrt(np.average((ref.values - ref_mean) ** 2, weights=ref.weights)))
    return abs(cur_mean - ref_mean) / spread if spread else 0.0, None


@pytest.fixture
def registered() -> Iterator[None]:
    register_stat_test("mean_shift", mean_shift, kinds=("numeric",), threshold=0.5)
    yield
    unregister_stat_test("mean_shift")


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(3)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 2000), "y": rng.normal(0, 1, 2000)})
    ref["colour"] = rng.choice(["red", "blue"], 2000)
    cur = pd.DataFrame({"x": rng.normal(2, 1, 2000), "y": rng.normal(0.1, 1, 2000)})
    cur["colour"] = rng.choice(["red", "blue"], 2000)
    return ref, cur


def test_a_registered_test_is_used_by_a_drift_report(registered):
    ref, cur = frames()
    report = mlops.drift(ref, cur, tests="mean_shift")
    # One name for every column it applies to: the categorical column keeps its automatic test.
    assert [(c.column, c.test) for c in report.columns] == [
        ("x", "mean_shift"), ("y", "mean_shift"), ("colour", "jensenshannon"),
    ]  # fmt: skip
    assert report["x"].drifted and report["x"].statistic == pytest.approx(2.0, abs=0.15)
    assert not report["y"].drifted and report["x"].threshold == 0.5
    assert report["x"].p_value is None and report["x"].score > 1
    assert mlops.DriftReport.from_json(report.to_json()).to_dict() == report.to_dict()


def test_a_test_is_chosen_per_column_kind_and_a_column_choice_wins(registered):
    ref, cur = frames()
    report = mlops.drift(
        ref, cur, tests={"kind:numeric": "mean_shift", "y": "ks"}, thresholds={"mean_shift": 3.0}
    )
    assert (report["x"].test, report["y"].test, report["colour"].test) == (
        "mean_shift", "ks", "jensenshannon",
    )  # fmt: skip
    assert report["x"].reason == "mean_shift, chosen by the caller for numeric columns"
    assert not report["x"].drifted and report["x"].threshold == 3.0


@pytest.mark.parametrize(
    ("tests", "field"),
    [
        ("nope", "tests"),
        ({"x": "nope"}, "tests.x"),
        ({"kind:text": "ks"}, "tests.kind:text"),
        ({"kind:categorical": "mean_shift"}, "tests.kind:categorical"),
        ({"colour": "mean_shift"}, "tests.colour"),
    ],
)
def test_unknown_or_misapplied_tests_name_the_field(registered, tests, field):
    ref, cur = frames()
    with pytest.raises(MLOpsError) as info:
        mlops.drift(ref, cur, tests=tests)
    assert (info.value.http_status, info.value.field) == (400, field)


def test_the_built_in_tests_are_registered_and_registration_is_checked():
    assert stat_test_names()[:7] == [
        "ks", "wasserstein", "psi", "chisquare", "ztest", "jensenshannon", "heavy_hitters",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        register_stat_test("odd", mean_shift, kinds=("text",), threshold=0.1)
    with pytest.raises(ValueError):
        register_stat_test("odd", mean_shift, kinds=("numeric",), threshold=float("nan"))
    assert "odd" not in stat_test_names()


async def _post(jp_fetch: Any, path: str, body: dict[str, Any]) -> Any:
    response = await jp_fetch("mlops", "api", path, method="POST", body=json.dumps(body))
    return json.loads(response.body)


async def test_rest_drift_and_monitor_settings_take_registered_tests(
    jp_fetch, mlops_store, registered
):
    ref, cur = frames()
    mlops.save_profile(mlops.profile(ref), "ref")
    mlops.save_profile(mlops.profile(cur), "cur")
    body: dict[str, Any] = {"reference": "ref", "current": "cur"}
    report = await _post(jp_fetch, "drift", {**body, "tests": {"kind:numeric": "mean_shift"}})
    tests = {c["column"]: (c["test"], c["drifted"]) for c in report["columns"]}
    assert tests["x"] == ("mean_shift", True) and tests["y"] == ("mean_shift", False)
    with pytest.raises(HTTPClientError) as info:
        await _post(jp_fetch, "drift", {**body, "tests": {"kind:numeric": "nope"}})
    error = error_body(info.value)
    assert (info.value.code, error["field"]) == (400, "tests.kind:numeric"), error
    assert "mean_shift" in error["message"]  # the registered tests are listed


def test_a_monitor_takes_a_registered_test_per_kind(mlops_store, registered):
    from sklearn.linear_model import LogisticRegression

    from jupyter_mlops.serving.api import get_registry
    from jupyter_mlops.serving.model_uri import ModelRef

    ref, _ = frames()
    X = ref[["x", "y"]]
    mlops.register_model(LogisticRegression().fit(X, X["x"] > 0), "clf", X=X)
    get_registry().create_endpoint("clf", ModelRef("clf", version=1), "127.0.0.1", 1)
    with pytest.raises(MLOpsError) as info:
        mlops.create_monitor("clf", tests={"x": "nope"})
    assert info.value.field == "tests.x" and "mean_shift" in info.value.message
    monitor = mlops.create_monitor("clf", tests={"kind:numeric": "mean_shift"})
    assert monitor.tests == {"kind:numeric": "mean_shift"}
