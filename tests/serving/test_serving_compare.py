"""The Models panel's comparison of a new version with the served one, over REST: both versions'
records and run metrics (`models/{name}/versions/{v}/compare?to=N`), and the drift between their
training-data profiles (`POST drift`, what the panel asks next)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from tests.support.tracking_rest import api_error


async def call(jp_fetch: Any, method: str, *path: str, body: Any = None, **params: Any) -> Any:
    kwargs: dict[str, Any] = {"method": method}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    if params:
        kwargs["params"] = params
    response = await jp_fetch("mlops", "api", *path, **kwargs)
    return json.loads(response.body)


def _train(shift: float, accuracy: float, extra: dict[str, float]) -> str:
    rng = np.random.default_rng(7)
    X = pd.DataFrame({"a": rng.normal(shift, 1, 400), "b": rng.normal(0, 1, 400)})
    y = (X["b"] > 0).astype(int)
    with mlops.start_run() as run:
        mlops.log_metric("accuracy", accuracy)
        for key, value in extra.items():
            mlops.log_metric(key, value)
        mlops.log_model(LogisticRegression().fit(X, y), "model", X=X)
    return run.run_id


async def test_compare_gives_both_runs_metrics_and_lineage_and_drift_follows(
    jp_fetch, mlops_store: Path
) -> None:
    first = _train(0.0, 0.81, {"old_only": 1.0})
    second = _train(3.0, 0.86, {"new_only": 2.0, "loss": float("nan")})
    await call(jp_fetch, "POST", "models", body={"source": first, "name": "churn"})
    await call(
        jp_fetch,
        "POST",
        "models",
        body={"source": second, "name": "churn", "description": "retrained on window-7.csv"},
    )

    comparison = await call(jp_fetch, "GET", "models", "churn", "versions", "2", "compare", to=1)
    assert (comparison["version"]["version"], comparison["to"]["version"]) == (2, 1)
    assert comparison["version"]["run_id"] == second and comparison["to"]["run_id"] == first
    assert comparison["version"]["description"] == "retrained on window-7.csv"
    metrics = {m["key"]: (m["value"], m["to_value"]) for m in comparison["metrics"]}
    assert metrics == {
        "accuracy": (0.86, 0.81),
        "loss": ("NaN", None),
        "new_only": (2.0, None),
        "old_only": (None, 1.0),
    }

    # The panel's next request: drift between the two training profiles; only `a` moved.
    drift = await call(
        jp_fetch,
        "POST",
        "drift",
        body={
            "reference": comparison["to"]["training_profile"],
            "current": comparison["version"]["training_profile"],
        },
    )
    drifted = {c["column"] for c in drift["columns"] if c["drifted"]}
    assert drifted == {"a"} and drift["share_drifted"] == 0.5


async def test_compare_refuses_bad_versions_naming_the_field(jp_fetch, mlops_store: Path) -> None:
    await call(jp_fetch, "POST", "models", body={"source": _train(0, 0.8, {}), "name": "m"})
    status, body = await api_error(
        call(jp_fetch, "GET", "models", "m", "versions", "1", "compare", to="x")
    )
    assert (status, body["field"]) == (400, "to")
    status, body = await api_error(call(jp_fetch, "GET", "models", "m", "versions", "1", "compare"))
    assert (status, body["field"]) == (400, "to")
    status, body = await api_error(
        call(jp_fetch, "GET", "models", "m", "versions", "1", "compare", to=5)
    )
    assert (status, body["field"]) == (404, "version")
    # The Lab's cache-busting bare number is not an unknown argument.
    same = await call(
        jp_fetch, "GET", "models", "m", "versions", "1", "compare", to=1, **{"1796": ""}
    )
    assert same["version"]["version"] == same["to"]["version"] == 1
