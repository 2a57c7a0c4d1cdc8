"""A real endpoint process (`jupyter-mlops serve`): payload shapes, validation, metrics, log."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from jupyter_mlops.core.store import reset_database
from jupyter_mlops.model_format import InputSchema
from jupyter_mlops.model_format.sklearn_folder import ColumnSpec
from jupyter_mlops.serving.api import register_model, set_model_alias
from jupyter_mlops.serving.payloads import PayloadError, SchemaView
from jupyter_mlops.serving.request_log import read_requests
from tests.support.serving import endpoint_process

COLUMNS = [f"f{i}" for i in range(6)]


class Served:
    """The endpoint under test and what it should answer."""

    def __init__(self, url: str, data_dir: Path, model: Any, X_test: pd.DataFrame) -> None:
        self.url = url
        self.data_dir = data_dir
        self.model = model
        self.X_test = X_test
        self.client = httpx.Client(base_url=url, timeout=30)


@contextmanager
def using_store(data_dir: Path) -> Iterator[None]:
    """This process resolves the store of `data_dir` (module fixtures cannot monkeypatch)."""
    previous = os.environ.get("JUPYTER_MLOPS_DATA_DIR")
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(data_dir)
    reset_database()
    try:
        yield
    finally:
        reset_database()
        if previous is None:
            os.environ.pop("JUPYTER_MLOPS_DATA_DIR", None)
        else:
            os.environ["JUPYTER_MLOPS_DATA_DIR"] = previous


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("serving-store")
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(400, len(COLUMNS))), columns=COLUMNS)
    y = (X["f0"] + 0.5 * X["f1"] - X["f2"] > 0).astype(int)
    model = RandomForestClassifier(20, random_state=0).fit(X[:300], y[:300])
    with using_store(data_dir):
        register_model(model, "rf", X=X[:300])
        register_model(LogisticRegression().fit(X[:300], y[:300]), "rf", X=X[:300])
        set_model_alias("rf", "champion", 1)
    args = ["rf@champion", "--max-body-bytes", "200000"]
    with endpoint_process(args, data_dir) as (url, _process):
        yield Served(url, data_dir, model, X[300:].reset_index(drop=True))


def test_every_payload_shape_predicts_like_the_model(served: Served) -> None:
    X = served.X_test
    expected = served.model.predict(X).tolist()
    rows = X.to_numpy().tolist()
    records = X.to_dict(orient="records")
    shuffled = COLUMNS[::-1]
    bodies = {
        "dataframe_split": {"dataframe_split": {"columns": COLUMNS, "data": rows}},
        "dataframe_split reordered": {
            "dataframe_split": {"columns": shuffled, "data": X[shuffled].to_numpy().tolist()}
        },
        "dataframe_records": {"dataframe_records": records},
        "instances records": {"instances": records},
        "instances rows": {"instances": rows},
        "inputs columns": {"inputs": X.to_dict(orient="list")},
        "inputs rows": {"inputs": rows},
    }
    for shape, body in bodies.items():
        answer = served.client.post("/invocations", json=body)
        assert answer.status_code == 200, (shape, answer.text)
        assert answer.json() == {"predictions": expected}, shape
    for body in (records, {"records": records}, {"columns": X.to_dict(orient="list")}):
        answer = served.client.post("/predict", json=body)
        assert answer.status_code == 200, answer.text
        payload = answer.json()
        assert payload["predictions"] == expected
        assert payload["classes"] == [0, 1]
        np.testing.assert_allclose(payload["probabilities"], served.model.predict_proba(X))


def test_concurrent_requests_each_get_their_own_rows(served: Served) -> None:
    X = served.X_test
    expected = served.model.predict(X).tolist()

    def one(i: int) -> tuple[int, list[int]]:
        rows = X.iloc[i : i + 1 + i % 3].to_dict(orient="records")
        answer = served.client.post("/invocations", json={"dataframe_records": rows})
        return i, answer.json()["predictions"]

    with ThreadPoolExecutor(16) as pool:
        for i, predictions in pool.map(one, range(60)):
            assert predictions == expected[i : i + 1 + i % 3]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"dataframe_records": [{c: 0.1 for c in COLUMNS[1:]}]}, "f0", "missing column"),
        ({"dataframe_records": [{**{c: 0.1 for c in COLUMNS}, "zz": 1}]}, "zz", "unknown column"),
        (
            {"dataframe_split": {"columns": COLUMNS, "data": [[0.1, 0.2, "x", 0, 0, 0]]}},
            "f2",
            "expected a number",
        ),
        ({"inputs": {c: [1.0] for c in COLUMNS[:-1]}}, "f5", "missing column"),
        ({"instances": [[1.0, 2.0]]}, "instances", "6 values"),
        ({"something": []}, "body", "unknown payload"),
    ],
)
def test_bad_payloads_are_422_naming_the_column(served, body, field, words) -> None:
    answer = served.client.post("/invocations", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert words in answer.json()["message"]


@pytest.mark.parametrize("columns", [5, True, 1.5, {"f0": 1}])
def test_split_columns_that_are_not_a_list_are_422(served: Served, columns: Any) -> None:
    rows = [[0.1] * len(COLUMNS)]
    for path, body in (
        ("/invocations", {"dataframe_split": {"columns": columns, "data": rows}}),
        ("/predict", {"columns": columns, "data": rows}),
    ):
        answer = served.client.post(path, json=body)
        assert answer.status_code == 422, (path, answer.text)
        assert answer.json()["field"] == "columns", answer.text
    answer = served.client.post("/predict", json={"columns": 7})
    assert (answer.status_code, answer.json()["field"]) == (422, "columns"), answer.text


def test_an_integer_column_of_an_all_numeric_schema_takes_no_fraction_nor_null() -> None:
    view = SchemaView(InputSchema([ColumnSpec("n", "int64"), ColumnSpec("x", "float64")], True))
    whole = view.from_records([{"n": 2.0, "x": 1.5}], "records").array
    assert whole is not None and whole.tolist() == [[2.0, 1.5]]
    with_null = view.from_records([{"n": 2, "x": None}], "records").array
    assert with_null is not None and np.isnan(with_null[0, 1])
    for n in (1.5, None, 1e30):
        with pytest.raises(PayloadError) as refused:
            view.from_invocation({"dataframe_split": {"columns": ["n", "x"], "data": [[n, 1.0]]}})
        assert (refused.value.status, refused.value.field) == (422, "n")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """An endpoint of a model fitted on an int64, a float64 and a text column."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    data_dir = tmp_path_factory.mktemp("mixed-store")
    rng = np.random.default_rng(2)
    X = pd.DataFrame(
        {"n": rng.integers(0, 5, 200), "x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)}
    )
    encode = ColumnTransformer(
        [("c", OneHotEncoder(handle_unknown="ignore"), ["c"])], remainder="passthrough"
    )
    model = make_pipeline(encode, LogisticRegression()).fit(X, (X["x"] + X["n"] > 2).astype(int))
    with using_store(data_dir):
        register_model(model, "mixed", X=X)
    with endpoint_process(["mixed/1", "--no-request-log"], data_dir) as (url, _process):
        yield url, model


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/invocations", {"dataframe_records": [{"n": None, "x": 0.5, "c": "a"}]}, "n"),
        ("/invocations", {"dataframe_split": {"data": [[None, 0.5, "a"]]}}, "n"),
        ("/invocations", {"inputs": {"n": [1, None], "x": [0.5, 0.5], "c": ["a", "b"]}}, "n"),
        ("/invocations", {"inputs": [{"n": None, "x": 0.5, "c": "a"}]}, "n"),
        ("/predict", [{"n": None, "x": 0.5, "c": "a"}], "n"),
        ("/invocations", {"dataframe_records": [{"n": 1.5, "x": 0.5, "c": "a"}]}, "n"),
        ("/predict", {"columns": {"n": [1, 2.5], "x": [0.5, 0.5], "c": ["a", "b"]}}, "n"),
        ("/invocations", {"dataframe_split": {"columns": 5, "data": [[1, 0.5, "a"]]}}, "columns"),
        ("/predict", {"columns": 7}, "columns"),
    ],
)
def test_a_mixed_model_refuses_nulls_and_fractions_in_its_int_column(
    mixed: tuple[str, Any], path: str, body: Any, field: str
) -> None:
    answer = httpx.post(f"{mixed[0]}{path}", json=body, timeout=30)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field, answer.text


def test_a_mixed_model_takes_whole_numbers_and_fractions_where_its_signature_allows(
    mixed: tuple[str, Any],
) -> None:
    url, model = mixed
    rows = [{"n": 2.0, "x": 1.5, "c": "a"}]  # 2.0 is a whole number: an int64 column takes it
    answer = httpx.post(f"{url}/invocations", json={"dataframe_records": rows}, timeout=30)
    assert answer.status_code == 200, answer.text
    expected = model.predict(pd.DataFrame({"n": [2], "x": [1.5], "c": ["a"]}))
    assert answer.json()["predictions"] == expected.tolist()


def test_oversized_and_malformed_bodies(served: Served) -> None:
    big = {"instances": [[0.5] * len(COLUMNS)] * 20_000}
    assert served.client.post("/invocations", json=big).status_code == 413
    answer = served.client.post("/invocations", content=b"{not json")
    assert answer.status_code == 400 and answer.json()["field"] == "body"


def test_a_chunked_body_is_refused_once_it_passes_the_limit(served: Served) -> None:
    """A chunked POST without Content-Length gets its 413 as soon as the bytes received pass the
    limit (200,000 here), while the client still holds the rest: the body is counted as it
    arrives, not read whole first (which would wait for the end that never comes)."""
    host, port = served.url.removeprefix("http://").split(":")
    chunk = b"[" + b"0.5," * 16_383 + b"0.5]"  # 65,536 bytes
    with socket.create_connection((host, int(port)), timeout=60) as connection:
        connection.sendall(
            b"POST /invocations HTTP/1.1\r\nHost: endpoint\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for _ in range(4):  # 262,144 bytes sent, and no final chunk
            connection.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            received = connection.recv(65536)  # the socket timeout fails the test if none comes
            assert received, f"closed without an answer: {answer!r}"
            answer += received
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b'"too_large"' in rest or b"content-length" in head.lower()
    assert served.client.get("/health").status_code == 200


def test_info_routes_and_metrics_parse(served: Served) -> None:
    assert served.client.get("/ping").status_code == 200
    assert served.client.get("/health").json() == {"status": "ok", "model": "rf", "version": 1}
    schema = served.client.get("/schema").json()
    assert [c["name"] for c in schema["input_schema"]["columns"]] == COLUMNS
    assert schema["example"]["columns"] == COLUMNS
    assert (
        served.client.get("/version").json()["estimator_class"].endswith("RandomForestClassifier")
    )
    served.client.post("/invocations", json={"instances": [[0.0] * len(COLUMNS)]})
    served.client.post("/invocations", json={"instances": [[0.0]]})
    text = served.client.get("/metrics").text
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    ok = samples[("mlops_endpoint_requests_total", (("route", "invocations"), ("status", "200")))]
    bad = samples[("mlops_endpoint_errors_total", (("route", "invocations"), ("status", "422")))]
    assert ok >= 1 and bad >= 1
    assert samples[("mlops_endpoint_model_version", ())] == 1
    assert samples[("mlops_endpoint_batch_rows_count", ())] >= 1
    assert samples[("mlops_endpoint_request_log_dropped_rows", ())] == 0
    # Not overloaded: nothing sampled out, every row handed to the log written or queued.
    assert samples[("mlops_endpoint_request_log_sampled_out_rows_total", ())] == 0
    assert samples[("mlops_endpoint_request_log_keep_rate", ())] == 1
    assert samples[("mlops_endpoint_request_log_rows_total", ())] == (
        samples[("mlops_endpoint_request_log_written_rows_total", ())]
        + samples[("mlops_endpoint_request_log_queued_rows", ())]
    )
    assert samples[("mlops_endpoint_request_log_rows_total", ())] >= 1


def test_requests_are_logged_for_monitoring(served: Served) -> None:
    start = time.time_ns() // 1_000_000
    rows = served.X_test.iloc[:7]
    answer = served.client.post(
        "/invocations",
        json={"dataframe_split": {"columns": COLUMNS, "data": rows.to_numpy().tolist()}},
        headers={"x-request-id": "req-logged"},
    )
    assert answer.status_code == 200
    deadline = time.monotonic() + 20
    logged = pd.DataFrame()
    while time.monotonic() < deadline:
        frame = read_requests("rf", since_ms=start, data_dir=served.data_dir)
        logged = frame[frame["_mlops_request_id"] == "req-logged"]
        if len(logged) == 7:
            break
        time.sleep(0.2)
    assert len(logged) == 7
    np.testing.assert_allclose(logged[COLUMNS].to_numpy(), rows.to_numpy())
    assert logged["_mlops_prediction"].tolist() == answer.json()["predictions"]
    assert set(logged["_mlops_model_version"]) == {1}
    assert set(logged["_mlops_status"]) == {200}
    assert (logged["_mlops_latency_ms"] > 0).all()
    assert (logged["_mlops_ts_ms"] >= start).all()
    assert (logged["_mlops_weight"] == 1.0).all()
    assert (
        read_requests("rf", until_ms=start, data_dir=served.data_dir).empty
        or (
            read_requests("rf", until_ms=start, data_dir=served.data_dir)["_mlops_ts_ms"] < start
        ).all()
    )
    assert len(read_requests("rf", limit=3, data_dir=served.data_dir)) == 3


def test_an_overloaded_request_log_samples_and_counts_it_in_metrics(served: Served) -> None:
    """One 1,000-row request into a request log that queues 64 rows: it keeps a weighted
    sample of them at once (no waiting on the writer), and /metrics accounts for every row."""
    rows = np.random.default_rng(5).normal(size=(1000, len(COLUMNS))).round(6)
    args = ["rf/1", "--request-log-rows", "64", "--log-name", "rf-sampled"]
    with endpoint_process(args, served.data_dir) as (url, _process):
        client = httpx.Client(base_url=url, timeout=30)
        answer = client.post(
            "/invocations",
            json={"dataframe_split": {"columns": COLUMNS, "data": rows.tolist()}},
            headers={"x-request-id": "big"},
        )
        assert answer.status_code == 200 and len(answer.json()["predictions"]) == 1000
        samples = {
            s.name: s.value
            for family in text_string_to_metric_families(client.get("/metrics").text)
            for s in family.samples
        }
        sampled_out = samples["mlops_endpoint_request_log_sampled_out_rows_total"]
        assert samples["mlops_endpoint_request_log_rows_total"] == 1000
        assert 1000 - 64 <= sampled_out < 1000
        assert (
            sampled_out
            + (
                samples["mlops_endpoint_request_log_written_rows_total"]
                + samples["mlops_endpoint_request_log_queued_rows"]
                + samples["mlops_endpoint_request_log_dropped_rows"]
            )
            == 1000
        )
        deadline = time.monotonic() + 20
        logged = pd.DataFrame()
        while time.monotonic() < deadline and len(logged) < 1000 - sampled_out:
            time.sleep(0.2)
            logged = read_requests("rf-sampled", data_dir=served.data_dir)
    assert len(logged) == 1000 - sampled_out
    assert set(logged["_mlops_request_id"]) == {"big"}
    # Every kept row stands for the same number of served rows: 1 / the keep-rate.
    (weight,) = set(logged["_mlops_weight"])
    assert weight in (16.0, 32.0) and weight * len(logged) > 250
    # A kept row is one of the served rows, with the features it was served with.
    served_rows = {tuple(r) for r in rows.tolist()}
    assert all(tuple(r) in served_rows for r in logged[COLUMNS].to_numpy().tolist())


def test_moving_the_alias_swaps_the_model_in_place(served: Served) -> None:
    from jupyter_mlops.core.config import resolve_db_url
    from jupyter_mlops.core.db import Database
    from jupyter_mlops.serving.registry import ModelRegistry

    database = Database(resolve_db_url(None, served.data_dir))
    try:
        registry = ModelRegistry(database, served.data_dir)
        registry.set_alias("rf", "champion", 2)
        deadline = time.monotonic() + 30
        while served.client.get("/health").json()["version"] != 2:
            assert time.monotonic() < deadline, "the endpoint never switched to version 2"
            time.sleep(0.1)
        answer = served.client.post("/predict", json=served.X_test.iloc[:3].to_dict("records"))
        assert answer.json()["model_version"] == 2
    finally:
        registry.set_alias("rf", "champion", 1)
        database.close()
