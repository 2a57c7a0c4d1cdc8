"""MLflow's scoring protocol on a real endpoint process (`jupyter-mlops serve`): MLflow's own
`ScoringServerClient` (with `params`), CSV and Parquet bodies, 415 for other content types,
errors in MLflow's shape, records for a model fitted on unnamed columns, `/version` as text.
The spec is MLflow's `tests/pyfunc/test_scoring_server.py` (see docs/mlflow.md)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from jupyter_mlops.core.store import reset_database
from jupyter_mlops.serving.api import register_model
from tests.support.serving import endpoint_process

mlflow = pytest.importorskip("mlflow")


def _register(data_dir: Path, name: str, model: Any, X: Any) -> None:
    previous = os.environ.get("JUPYTER_MLOPS_DATA_DIR")
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(data_dir)
    reset_database()
    try:
        register_model(model, name, X=X)
    finally:
        reset_database()
        if previous is None:
            os.environ.pop("JUPYTER_MLOPS_DATA_DIR", None)
        else:
            os.environ["JUPYTER_MLOPS_DATA_DIR"] = previous


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, pd.DataFrame]]:
    """An endpoint of a model fitted on a frame with named float columns."""
    data_dir = tmp_path_factory.mktemp("scoring-named")
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    model = LogisticRegression().fit(X, (X["a"] > 0).astype(int))
    _register(data_dir, "named", model, X)
    with endpoint_process(["named/1", "--no-auth", "--no-request-log"], data_dir) as (url, _):
        yield url, model, X


@pytest.fixture(scope="module")
def unnamed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, np.ndarray]]:
    """An endpoint of a model fitted on an unnamed array."""
    data_dir = tmp_path_factory.mktemp("scoring-unnamed")
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 3))
    model = LogisticRegression().fit(X, (X[:, 0] > 0).astype(int))
    _register(data_dir, "unnamed", model, X)
    with endpoint_process(["unnamed/1", "--no-auth", "--no-request-log"], data_dir) as (url, _):
        yield url, model, X


def test_mlflows_scoring_client_invokes_with_and_without_params(
    named: tuple[str, Any, pd.DataFrame],
) -> None:
    from mlflow.pyfunc.scoring_server.client import ScoringServerClient

    url, model, X = named
    host, port = url.removeprefix("http://").split(":")
    client = ScoringServerClient(host, int(port))
    client.ping()
    expected = model.predict(X.head(5)).tolist()
    assert client.invoke(X.head(5)).get_predictions().iloc[:, 0].tolist() == expected
    answer = httpx.post(
        f"{url}/invocations",
        json={"dataframe_split": X.head(5).to_dict(orient="split") | {"index": None},
              "params": {"temperature": 0.5}},
        timeout=30,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["predictions"] == expected
    assert (
        "params ignored" in answer.headers["warning"] and "temperature" in answer.headers["warning"]
    )
    predictions = client.invoke(X.head(5), params={"temperature": 0.5}).get_predictions()
    assert predictions.iloc[:, 0].tolist() == expected


def test_csv_and_parquet_bodies_score_like_json(named: tuple[str, Any, pd.DataFrame]) -> None:
    url, model, X = named
    rows = X.head(7)
    expected = model.predict(rows).tolist()
    csv = httpx.post(
        f"{url}/invocations",
        content=rows.to_csv(index=False).encode(),
        headers={"Content-Type": "text/csv; charset=utf-8"},
        timeout=30,
    )
    assert csv.status_code == 200, csv.text
    assert csv.json()["predictions"] == expected
    buffer = io.BytesIO()
    rows.to_parquet(buffer)
    for media in ("application/vnd.apache.parquet", "application/x-parquet"):
        parquet = httpx.post(
            f"{url}/invocations",
            content=buffer.getvalue(),
            headers={"Content-Type": media},
            timeout=30,
        )
        assert parquet.status_code == 200, parquet.text
        assert parquet.json()["predictions"] == expected


def test_errors_are_in_mlflows_shape_and_unknown_content_types_are_415(
    named: tuple[str, Any, pd.DataFrame],
) -> None:
    url, _, _ = named
    cases = [
        ("text/plain", b"a,b\n1,2\n", 415, "content-type"),
        ("application/xml", b"<a/>", 415, "content-type"),
        ("application/json", b"{not json", 400, "body"),
        ("text/csv", b"\xff\xfe\x00", 400, "body"),
        ("application/x-parquet", b"not parquet", 400, "body"),
        ("application/json", b'{"dataframe_split": {"columns": ["a"], "data": [[1]]}}', 422,
         "b"),
        ("text/csv", b"a\n1\n", 422, "b"),
        ("application/json", b'{"dataframe_records": [{"a": 1, "b": 2}], "params": 3}', 422,
         "params"),
    ]  # fmt: skip
    for media, body, status, field in cases:
        answer = httpx.post(
            f"{url}/invocations", content=body, headers={"Content-Type": media}, timeout=30
        )
        assert answer.status_code == status, (media, body, answer.text)
        error = answer.json()
        assert error["error_code"] == "BAD_REQUEST", error
        assert error["message"] and error["field"] == field, error


def test_records_reach_a_model_fitted_on_unnamed_columns(
    unnamed: tuple[str, Any, np.ndarray],
) -> None:
    url, model, X = unnamed
    rows = X[:4]
    expected = model.predict(rows).tolist()
    frame = pd.DataFrame(rows)  # MLflow's client sends such a frame with columns 0, 1, 2
    for records in (
        frame.to_dict(orient="records"),
        [{str(k): v for k, v in record.items()} for record in frame.to_dict(orient="records")],
        [{"x": r[0], "y": r[1], "z": r[2]} for r in rows.tolist()],
    ):
        answer = httpx.post(f"{url}/invocations", json={"dataframe_records": records}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["predictions"] == expected
    answer = httpx.post(
        f"{url}/invocations", json={"dataframe_records": [{"0": 1.0, "1": 2.0}]}, timeout=30
    )
    assert answer.status_code == 422 and answer.json()["error_code"] == "BAD_REQUEST"


def test_version_answers_as_mlflows_scoring_server_when_asked_for_text(
    named: tuple[str, Any, pd.DataFrame],
) -> None:
    url, _, _ = named
    text = httpx.get(f"{url}/version", headers={"Accept": "text/plain"}, timeout=30)
    assert text.status_code == 200 and text.text.startswith("3.")
    assert httpx.get(f"{url}/version", timeout=30).json()["version"] == 1
