"""MLflow's own client, unmodified, against the facade of a real `jupyter server` subprocess:
what it logs round-trips (values, steps, timestamps, NaN and infinities, tags, artifacts byte
for byte), lands in the workbench's store, searches like `mlops.search_runs`, and errors arrive
as `MlflowException` with MLflow's codes. One server for the module (MLflow's import is slow)."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..support.mlflow_lab import MLOpsServer, mlflow_pointed_at, store_of

mlflow = pytest.importorskip("mlflow")
from mlflow.entities import Metric, Param, RunTag  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLOpsServer]:
    """The server, with MLflow's client pointed at it for the module's tests."""
    with mlflow_pointed_at(tmp_path_factory.mktemp("mlflow-facade")) as lab:
        yield lab


@pytest.fixture
def same_store(server: MLOpsServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The workbench's Python API on the server's store (what the Experiments panel shows)."""
    with store_of(server, monkeypatch) as store:
        yield store


def _error_code(error: pytest.ExceptionInfo[MlflowException]) -> str:
    return str(error.value.error_code)


def test_logged_values_round_trip_exactly(server: MLOpsServer, same_store: Any) -> None:
    mlflow.set_experiment("round-trip")
    with mlflow.start_run(run_name="values") as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"layers": 3, "optimizer": "adam"})
        for step, value in enumerate([1.5, float("nan"), float("inf"), float("-inf"), -0.25]):
            mlflow.log_metric("loss", value, step=step, timestamp=1_700_000_000_000 + step)
        mlflow.log_metrics({"acc": 0.875}, step=7)
        mlflow.set_tag("team", "vision")
        mlflow.set_tags({"stage": "dev", "note": "ünïcode ✓"})
    client = mlflow.MlflowClient()
    run_id = run.info.run_id
    client.log_batch(
        run_id,
        metrics=[Metric("batch", 2.0, 1_600_000_000_123, 42), Metric("batch", 3.0, 1, 43)],
        params=[Param("batch_size", "64")],
        tags=[RunTag("from", "batch")],
    )
    got = client.get_run(run_id)
    assert got.info.run_name == "values"
    assert got.info.status == "FINISHED"
    assert got.info.end_time is not None and got.info.end_time >= got.info.start_time
    assert got.data.params == {"lr": "0.01", "layers": "3", "optimizer": "adam", "batch_size": "64"}
    assert got.data.metrics["acc"] == 0.875
    assert got.data.metrics["loss"] == -0.25 and got.data.metrics["batch"] == 3.0
    assert {"team": "vision", "stage": "dev", "note": "ünïcode ✓", "from": "batch"}.items() <= (
        got.data.tags.items()
    )
    assert got.data.tags["mlflow.runName"] == "values"

    history = client.get_metric_history(run_id, "loss")
    assert [m.step for m in history] == [0, 1, 2, 3, 4]
    assert [m.timestamp for m in history] == [1_700_000_000_000 + s for s in range(5)]
    values = [m.value for m in history]
    assert values[0] == 1.5 and math.isnan(values[1]) and values[4] == -0.25
    assert values[2] == math.inf and values[3] == -math.inf
    batch = client.get_metric_history(run_id, "batch")
    assert [(m.value, m.timestamp, m.step) for m in batch] == [
        (2.0, 1_600_000_000_123, 42),
        (3.0, 1, 43),
    ]

    # The same run in the workbench's store, as the Lab's Experiments panel reads it.
    stored = same_store.get_run(run_id)
    assert stored.name == "values" and stored.status == "FINISHED"
    assert stored.params["batch_size"] == "64" and stored.tags["team"] == "vision"
    points = same_store.metric_history(run_id, "loss")
    assert [p.step for p in points] == [0, 1, 2, 3, 4] and math.isnan(points[1].value)


def test_metric_history_pages_with_max_results(server: MLOpsServer) -> None:
    mlflow.set_experiment("history-pages")
    with mlflow.start_run() as run:
        mlflow.log_metrics({}, step=0)
        client = mlflow.MlflowClient()
        client.log_batch(
            run.info.run_id, metrics=[Metric("m", float(i), 1_000 + i, i) for i in range(25)]
        )
    store = client._tracking_client.store
    page = store.get_metric_history(run.info.run_id, "m", max_results=10)
    assert [m.step for m in page] == list(range(10)) and page.token
    second = store.get_metric_history(run.info.run_id, "m", max_results=10, page_token=page.token)
    assert [m.step for m in second] == list(range(10, 20))


def test_artifacts_round_trip_byte_for_byte(
    server: MLOpsServer, same_store: Any, tmp_path: Path
) -> None:
    payload = os.urandom(300_000) + b"\x00\xff end"
    (tmp_path / "blob.bin").write_bytes(payload)
    folder = tmp_path / "folder"
    (folder / "deep").mkdir(parents=True)
    (folder / "a.txt").write_text("alpha\n")
    (folder / "deep" / "b.csv").write_text("x,y\n1,2\n")
    mlflow.set_experiment("artifacts")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(tmp_path / "blob.bin"))
        mlflow.log_artifact(str(tmp_path / "blob.bin"), artifact_path="copies/of")
        mlflow.log_artifacts(str(folder), artifact_path="tree")
        mlflow.log_dict({"lr": 0.1, "layers": [1, 2]}, "config/params.json")
        mlflow.log_text("some text ✓", "notes.txt")
        import plotly.graph_objects as go

        mlflow.log_figure(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), "plots/fig.html")
    run_id = run.info.run_id
    client = mlflow.MlflowClient()
    top = {(f.path, f.is_dir) for f in client.list_artifacts(run_id)}
    assert top == {
        ("blob.bin", False), ("copies", True), ("tree", True), ("config", True),
        ("notes.txt", False), ("plots", True),
    }  # fmt: skip
    assert [(f.path, f.file_size) for f in client.list_artifacts(run_id, "tree/deep")] == [
        ("tree/deep/b.csv", 8)
    ]
    out = Path(mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / "dl")))
    assert (out / "blob.bin").read_bytes() == payload
    assert (out / "copies" / "of" / "blob.bin").read_bytes() == payload
    assert (out / "tree" / "deep" / "b.csv").read_text() == "x,y\n1,2\n"
    assert json.loads((out / "config" / "params.json").read_text()) == {"lr": 0.1, "layers": [1, 2]}
    assert (out / "notes.txt").read_text() == "some text ✓"
    assert "plotly" in (out / "plots" / "fig.html").read_text()
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes.txt") == "some text ✓"
    # The files are the run's artifacts in the workbench (the panel lists and downloads them).
    root = same_store.artifact_root(run_id)
    assert (root / "blob.bin").read_bytes() == payload
    assert {i.path for i in same_store.list_artifacts(run_id, "tree")} == {
        "tree/deep", "tree/a.txt"
    }  # fmt: skip


def test_mlflow_search_returns_the_same_runs_as_mlops_search_runs(
    server: MLOpsServer, same_store: Any
) -> None:
    import jupyter_mlops as mlops

    experiment_id = mlflow.set_experiment("search").experiment_id
    specs = [
        ("a", {"lr": "0.1", "model": "forest"}, {"acc": 0.91, "loss": 0.3}, {"kind": "big"}),
        ("b", {"lr": "0.01", "model": "forest"}, {"acc": 0.85, "loss": 0.5}, {"kind": "small"}),
        ("c", {"lr": "0.1", "model": "linear"}, {"acc": 0.7}, {"kind": "big"}),
        ("d", {"lr": "0.5", "model": "boost"}, {"acc": 0.95, "loss": 0.1}, {}),
    ]
    for name, params, metrics, tags in specs:
        with mlflow.start_run(run_name=name):
            mlflow.log_params(params)
            mlflow.log_metrics(metrics)
            mlflow.set_tags(tags)
    mlflow.delete_run(mlflow.search_runs([experiment_id], "attributes.run_name = 'c'",
                                         output_format="list")[0].info.run_id)  # fmt: skip
    cases = [
        ("", ["start_time DESC"]),
        ("metrics.acc > 0.8", ["metrics.acc DESC"]),
        ("params.model = 'forest' and metrics.loss < 0.4", []),
        ("tags.kind = 'big'", ["attributes.run_name ASC"]),
        ("params.lr LIKE '0.1%'", ["params.lr ASC", "metrics.acc DESC"]),
        ("attributes.status = 'FINISHED' and metrics.loss >= 0.1", ["metrics.loss ASC"]),
        ("tags.mlflow.runName = 'b'", []),
        ("attributes.run_name ILIKE 'A'", []),
        ("metrics.loss IS NULL", []),
    ]
    for filter_string, order_by in cases:
        theirs = mlflow.search_runs(
            [experiment_id], filter_string, order_by=order_by, output_format="list"
        )
        ours = mlops.search_runs(
            "search", filter=filter_string or None, order_by=order_by, output_format="list"
        )
        if filter_string == "tags.mlflow.runName = 'b'":
            ours = mlops.search_runs(
                "search", filter="attributes.run_name = 'b'", output_format="list"
            )
        assert [r.info.run_id for r in theirs] == [r.run_id for r in ours], filter_string
        assert theirs or filter_string == "metrics.loss IS NULL"
    deleted = mlflow.search_runs([experiment_id], run_view_type=2, output_format="list")
    assert [r.info.run_name for r in deleted] == ["c"]
    frame = mlflow.search_runs(experiment_names=["search"], filter_string="metrics.acc > 0.9")
    assert sorted(frame["tags.mlflow.runName"]) == ["a", "d"]
    assert set(frame["params.model"]) == {"forest", "boost"}


def test_search_runs_pages_with_tokens(server: MLOpsServer) -> None:
    experiment_id = mlflow.set_experiment("paging").experiment_id
    for index in range(7):
        with mlflow.start_run(run_name=f"run-{index}"):
            mlflow.log_metric("index", index)
    client = mlflow.MlflowClient()
    first = client.search_runs([experiment_id], order_by=["metrics.index ASC"], max_results=3)
    second = client.search_runs(
        [experiment_id], order_by=["metrics.index ASC"], max_results=3, page_token=first.token
    )
    third = client.search_runs(
        [experiment_id], order_by=["metrics.index ASC"], max_results=3, page_token=second.token
    )
    names = [r.info.run_name for r in [*first, *second, *third]]
    assert names == [f"run-{i}" for i in range(7)] and third.token is None


def test_experiments_create_get_and_search(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    created = client.create_experiment("exp-alpha")
    client.create_experiment("exp-beta")
    assert client.get_experiment(created).name == "exp-alpha"
    assert client.get_experiment_by_name("exp-alpha").experiment_id == created
    assert client.get_experiment_by_name("no-such-experiment") is None
    with pytest.raises(MlflowException) as info:
        client.create_experiment("exp-alpha")
    assert _error_code(info) == "RESOURCE_ALREADY_EXISTS"
    found = client.search_experiments(filter_string="name LIKE 'exp-%'", order_by=["name DESC"])
    assert [e.name for e in found] == ["exp-beta", "exp-alpha"]
    assert [e.name for e in mlflow.search_experiments(filter_string="name = 'exp-beta'")] == [
        "exp-beta"
    ]
    page = client.search_experiments(max_results=1, filter_string="name LIKE 'exp-%'")
    assert len(page) == 1 and page.token
    rest = client.search_experiments(
        max_results=5, filter_string="name LIKE 'exp-%'", page_token=page.token
    )
    assert {e.name for e in [*page, *rest]} == {"exp-alpha", "exp-beta"}


def test_runs_without_an_experiment_go_to_default(server: MLOpsServer, same_store: Any) -> None:
    client = mlflow.MlflowClient()
    run = client.create_run("0", run_name="no-experiment-set")  # what start_run() sends
    client.set_terminated(run.info.run_id)
    default = same_store.get_experiment_by_name("Default")
    # MLflow's client sees MLflow's id "0"; the store keeps the run in its Default experiment.
    assert default is not None and run.info.experiment_id == "0"
    assert same_store.get_run(run.info.run_id).experiment_id == default.experiment_id
    assert client.get_experiment("0").name == "Default"
    found = client.search_runs(["0"], "attributes.run_name = 'no-experiment-set'")
    assert [r.info.run_id for r in found] == [run.info.run_id]


def test_nested_runs_keep_their_parent(server: MLOpsServer, same_store: Any) -> None:
    experiment_id = mlflow.set_experiment("nested").experiment_id
    with (
        mlflow.start_run(run_name="parent") as parent,
        mlflow.start_run(run_name="child", nested=True) as child,
    ):
        mlflow.log_metric("x", 1)
    assert same_store.get_run(child.info.run_id).parent_run_id == parent.info.run_id
    found = mlflow.search_runs(
        [experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'", output_format="list"
    )
    assert [r.info.run_id for r in found] == [child.info.run_id]
    got = mlflow.get_run(child.info.run_id)
    assert got.data.tags["mlflow.parentRunId"] == parent.info.run_id


def test_delete_and_restore_run(server: MLOpsServer) -> None:
    experiment_id = mlflow.set_experiment("delete-restore").experiment_id
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 1)
    client = mlflow.MlflowClient()
    client.delete_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    assert client.search_runs([experiment_id]) == []
    with pytest.raises(MlflowException) as info:
        client.log_metric(run.info.run_id, "m", 2)
    assert _error_code(info) == "INVALID_PARAMETER_VALUE"
    client.restore_run(run.info.run_id)
    assert [r.info.run_id for r in client.search_runs([experiment_id])] == [run.info.run_id]


def test_errors_arrive_with_mlflow_codes(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    mlflow.set_experiment("errors")
    with mlflow.start_run() as run:
        mlflow.log_param("p", "one")
    cases = [
        (lambda: client.get_run("0" * 32), "RESOURCE_DOES_NOT_EXIST"),
        (lambda: client.get_experiment("987654"), "RESOURCE_DOES_NOT_EXIST"),
        (lambda: client.log_param(run.info.run_id, "p", "two"), "INVALID_PARAMETER_VALUE"),
        (lambda: client.search_runs(["1"], "metrics.acc >>> 1"), "INVALID_PARAMETER_VALUE"),
        (lambda: client.search_runs(["1"], order_by=["nope.x"]), "INVALID_PARAMETER_VALUE"),
        (lambda: client.log_metric(run.info.run_id, "bad key!", 1.0), "INVALID_PARAMETER_VALUE"),
        (lambda: client.get_metric_history("f" * 32, "m"), "RESOURCE_DOES_NOT_EXIST"),
        (lambda: client.list_artifacts("e" * 32), "RESOURCE_DOES_NOT_EXIST"),
    ]
    for call, code in cases:
        with pytest.raises(MlflowException) as info:
            call()
        assert _error_code(info) == code, info.value
    # What MLflow's client validates itself, sent raw: the server refuses it the same way.
    body = json.dumps({"run_id": run.info.run_id, "status": "DONE"}).encode()
    path = "mlops/mlflow/api/2.0/mlflow/runs/update"
    status, answer = server.request("POST", path, token=server.token, data=body)
    assert status == 400 and json.loads(answer)["error_code"] == "INVALID_PARAMETER_VALUE"
    status, answer = server.request("POST", path, token=server.token, data=b"[not json")
    assert status == 400 and json.loads(answer)["error_code"] == "INVALID_PARAMETER_VALUE"


def test_unauthenticated_requests_are_refused(server: MLOpsServer) -> None:
    routes = [
        ("GET", "mlops/mlflow/api/2.0/mlflow/experiments/get?experiment_id=0", None),
        ("POST", "mlops/mlflow/api/2.0/mlflow/runs/search", b"{}"),
        ("POST", "mlops/mlflow/api/2.0/mlflow/experiments/create", b'{"name": "sneaky"}'),
        ("GET", "mlops/mlflow/api/2.0/mlflow-artifacts/artifacts?path=1", None),
        ("PUT", "mlops/mlflow/api/2.0/mlflow-artifacts/artifacts/1/x/artifacts/f", b"data"),
    ]
    for method, path, data in routes:
        for token in (None, "wrong-token"):
            status, body = server.request(method, path, token=token, data=data)
            assert status == 403, (method, path, status, body)
            assert json.loads(body)["error_code"] == "PERMISSION_DENIED"
    status, _ = server.request("POST", routes[1][1], token=server.token, data=b"{}")
    assert status == 200
    assert mlflow.MlflowClient().get_experiment_by_name("sneaky") is None


def test_sklearn_autolog_logs_params_metrics_and_the_model(
    server: MLOpsServer, same_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow.sklearn
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    # Autologging's own failures raise instead of becoming warnings.
    monkeypatch.setenv("MLFLOW_AUTOLOGGING_TESTING", "true")
    # Requirement inference imports the model in a subprocess (seconds, no facade call in it).
    monkeypatch.setenv("MLFLOW_REQUIREMENTS_INFERENCE_TIMEOUT", "1")
    features, labels = load_iris(return_X_y=True)
    mlflow.set_experiment("autolog")
    mlflow.sklearn.autolog(silent=True)
    try:
        with mlflow.start_run() as run:
            LogisticRegression(max_iter=300).fit(features, labels)
    finally:
        mlflow.sklearn.autolog(disable=True)
    run_id = run.info.run_id
    got = mlflow.MlflowClient().get_run(run_id)
    assert got.data.params["max_iter"] == "300"
    assert 0.9 < got.data.metrics["training_accuracy_score"] <= 1.0
    model = mlflow.sklearn.load_model(f"runs:/{run_id}/model")
    assert (model.predict(features[:5]) == labels[:5]).all()
    logged = mlflow.last_logged_model()
    assert logged is not None and logged.source_run_id == run_id
    again = mlflow.sklearn.load_model(f"models:/{logged.model_id}")
    assert (again.predict(features[:5]) == labels[:5]).all()
    # The model's files are the run's artifacts in the workbench.
    assert (same_store.artifact_root(run_id) / "model" / "MLmodel").is_file()


def test_bad_requests_are_4xx_in_mlflows_shape_never_5xx(server: MLOpsServer) -> None:
    mlflow.set_experiment("bad-input")
    with mlflow.start_run() as run:
        pass
    run_id = run.info.run_id
    api = "mlops/mlflow/api/2.0/mlflow"
    cases: list[tuple[str, str, Any]] = [
        (
            "POST",
            "runs/log-metric",
            {"run_id": run_id, "key": "m", "value": 1, "timestamp": 2**70},
        ),
        ("POST", "runs/log-batch", {"run_id": run_id, "metrics": [{"key": "m", "value": "x"}]}),
        ("POST", "runs/log-batch", {"run_id": run_id, "params": [{"key": "a/../..", "value": 1}]}),
        ("GET", "experiments/get?experiment_id=" + "9" * 30, None),
        ("GET", "experiments/get?experiment_id=%C2%B2", None),
        ("POST", "runs/create", {"experiment_id": "\u00b2"}),
        ("POST", "runs/search", {"experiment_ids": ["1"], "max_results": 10**12}),
        ("POST", "runs/search", {"experiment_ids": ["1"], "filter": "(" * 3000}),
        ("POST", "runs/update", {"run_id": run_id, "status": 99}),
        ("POST", "experiments/search", {"filter": "name = "}),
        ("POST", "experiments/search", {"order_by": ["bogus"]}),
        ("POST", "experiments/create", {"name": "   "}),
        ("GET", f"metrics/get-history?run_id={run_id}&metric_key=m&max_results=0", None),
        ("POST", "logged-models/search", {"page_token": "\u00b2"}),
        ("POST", "logged-models", {"experiment_id": "1", "source_run_id": "nope"}),
        ("GET", "logged-models/m-../../x", None),
        ("POST", "runs/set-tag", "[" * 5000 + "]" * 5000),
        ("PUT", f"mlflow-artifacts/artifacts/1/{run_id}/artifacts/%2e%2e/%2e%2e/escape", b"x"),
    ]
    for method, path, body in cases:
        if path.startswith("mlflow-artifacts"):
            full = f"mlops/mlflow/api/2.0/{path}"
        else:
            full = f"{api}/{path}"
        data = body if isinstance(body, bytes) else None
        if isinstance(body, (dict, str)):
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
        status, answer = server.request(method, full, token=server.token, data=data)
        assert status < 500, (method, path, status, answer)
        if status >= 400:
            assert answer.startswith(b"{") and json.loads(answer)["error_code"], (path, answer)


def test_the_model_registry_through_mlflows_client(
    server: MLOpsServer, same_store: Any, tmp_path: Path
) -> None:
    from sklearn.linear_model import LinearRegression

    import jupyter_mlops as mlops

    estimator = LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 2.0, 4.0])
    mlops.set_experiment("registry")
    with mlops.start_run() as first:
        mlops.log_model(estimator, "model")
    client = mlflow.MlflowClient()
    client.create_registered_model("mlf-reg")
    version = client.create_model_version("mlf-reg", f"runs:/{first.run_id}/model", first.run_id)
    assert (version.version, version.run_id, version.status) == ("1", first.run_id, "READY")
    with mlops.start_run() as second:
        mlops.log_model(estimator, "model")
    run_uri = f"mlflow-artifacts:/{second.get().experiment_id}/{second.run_id}/artifacts/model"
    assert client.create_model_version("mlf-reg", run_uri, second.run_id).version == "2"
    with pytest.raises(MlflowException) as info:
        client.create_registered_model("mlf-reg")
    assert _error_code(info) == "RESOURCE_ALREADY_EXISTS"

    client.set_registered_model_alias("mlf-reg", "champion", "1")
    assert client.get_model_version_by_alias("mlf-reg", "champion").run_id == first.run_id
    from jupyter_mlops.serving.api import get_registry
    from jupyter_mlops.serving.model_uri import ModelRef

    # The workbench's registry (what endpoints follow) sees the alias MLflow set.
    assert get_registry().resolve(ModelRef("mlf-reg", alias="champion")) == 1
    model = client.get_registered_model("mlf-reg")
    assert [v.version for v in model.latest_versions] == ["2"]
    assert model.aliases == {"champion": "1"}
    assert [m.name for m in client.search_registered_models("name LIKE 'mlf-%'")] == ["mlf-reg"]
    found = client.search_model_versions(f"run_id = '{second.run_id}'")
    assert [(v.name, v.version) for v in found] == [("mlf-reg", "2")]
    assert client.get_model_version("mlf-reg", "2").source == f"runs:/{second.run_id}/model"
    client.delete_registered_model_alias("mlf-reg", "champion")
    assert client.get_registered_model("mlf-reg").aliases == {}

    with pytest.raises(MlflowException) as info:
        client.get_model_version("mlf-reg", "9")
    assert _error_code(info) == "RESOURCE_DOES_NOT_EXIST"
    # An MLflow model folder whose MLmodel names no flavor is refused, saying why.
    with mlops.start_run() as third:
        pass
    client.log_text(third.run_id, "flavors: {}", "mlflow_model/MLmodel")
    with pytest.raises(MlflowException) as info:
        client.create_model_version("mlf-reg", f"runs:/{third.run_id}/mlflow_model")
    assert _error_code(info) == "INVALID_PARAMETER_VALUE"
    assert "has no flavors" in str(info.value)
