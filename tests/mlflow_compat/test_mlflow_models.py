"""Models logged by MLflow's own client (`mlflow.sklearn.log_model`, skops by default in
MLflow 3) register through MLflow's client, deploy as endpoints of the workbench, answer
MLflow-format requests and are monitored; pickled ones are recorded as versions that are not
servable. A real `jupyter server` subprocess, one for the module."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from ..support.mlflow_lab import REQUIREMENTS, MLOpsServer, mlflow_pointed_at

mlflow = pytest.importorskip("mlflow")
pytest.importorskip("sklearn")
from mlflow.exceptions import MlflowException  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLOpsServer]:
    """The server, with MLflow's client pointed at it for the module's tests."""
    with mlflow_pointed_at(tmp_path_factory.mktemp("mlflow-models")) as lab:
        yield lab


@pytest.fixture(autouse=True)
def _mlflow_env(server: MLOpsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """MLflow's client settings for each test: conftest puts the environment back after every
    test, which drops what the module's server fixture set during the first one."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.tracking_uri)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", server.token)


def _api(server: MLOpsServer, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    status, answer = server.request(method, f"mlops/api/{path}", token=server.token, data=data)
    return status, json.loads(answer or b"null")


def _fitted() -> tuple[Any, Any]:
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "b": [1, 0, 1, 0, 1, 0]})
    return LogisticRegression().fit(X, [0, 0, 0, 1, 1, 1]), X


def _invoke(url: str, token: str | None, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{url}/invocations", data=json.dumps(body).encode(), method="POST"
    )
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.slow
def test_an_mlflow_skops_model_registers_deploys_predicts_and_is_monitored(
    server: MLOpsServer,
) -> None:
    from mlflow.models import infer_signature

    model, X = _fitted()
    mlflow.set_experiment("mlflow-models")
    with mlflow.start_run() as run:
        logged = mlflow.sklearn.log_model(
            model,
            name="model",
            input_example=X.head(2),
            signature=infer_signature(X, model.predict(X)),
            registered_model_name="churn-mlflow",
        )
    flavor = mlflow.models.get_model_info(logged.model_uri).flavors["sklearn"]
    assert flavor["serialization_format"] == "skops"  # MLflow 3's default
    client = mlflow.MlflowClient()
    first = client.get_model_version("churn-mlflow", "1")
    assert (first.run_id, first.status) == (run.info.run_id, "READY")
    # The two other ways MLflow's users register a run's model.
    second = mlflow.register_model(f"runs:/{run.info.run_id}/model", "churn-mlflow")
    third = client.create_model_version("churn-mlflow", f"runs:/{run.info.run_id}/model")
    assert (second.version, third.version) == ("2", "3")
    client.set_registered_model_alias("churn-mlflow", "champion", "2")

    # The signature is the version's input schema (the model page shows it).
    status, version = _api(server, "GET", "models/churn-mlflow/versions/2")
    assert status == 200, version
    schema = version["input_schema"]
    assert schema["named"] is True
    assert [(c["name"], c["dtype"]) for c in schema["columns"]] == [
        ("a", "float64"),
        ("b", "int64"),
    ]
    assert version["estimator_class"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert "predict_proba" in version["predict_methods"]

    status, endpoint = _api(server, "POST", "endpoints", {"model": "churn-mlflow@champion"})
    assert status == 201, endpoint
    try:
        status, token = _api(server, "GET", "endpoints/churn-mlflow/token")
        secret = token.get("token") if status == 200 else None
        rows = X.head(4)
        body = {"dataframe_split": {"columns": list(rows.columns), "data": rows.values.tolist()}}
        status, answer = _invoke(endpoint["url"], secret, body)
        assert status == 200, answer
        assert answer["predictions"] == model.predict(rows).tolist()
        status, answer = _invoke(
            endpoint["url"], secret, {"dataframe_records": rows.to_dict("records")}
        )
        assert status == 200 and answer["predictions"] == model.predict(rows).tolist()

        status, monitor = _api(server, "POST", "monitors", {"endpoint_name": "churn-mlflow"})
        assert status in (200, 201), monitor
        status, stats = _api(server, "GET", "endpoints/churn-mlflow/stats")
        assert status == 200 and stats["requests"] >= 2, stats
    finally:
        _api(server, "DELETE", "endpoints/churn-mlflow")


def test_an_mlflow_skops_file_with_untrusted_types_is_refused(server: MLOpsServer) -> None:
    """The folder's own `skops_trusted_types` is never read: the allow-list decides."""
    import skops.io

    model, _ = _fitted()
    mlflow.set_experiment("mlflow-models")
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(model, name="model", pip_requirements=REQUIREMENTS)
    client = mlflow.MlflowClient()
    # Swap in a skops file holding a type outside the allow-list (a function that runs code).
    import operator

    tampered = skops.io.dumps({"estimator": model, "call": operator.call})
    client.log_text(run.info.run_id, "placeholder", "model/model.skops")
    artifacts = mlflow.artifacts.download_artifacts(f"runs:/{run.info.run_id}/model")
    from pathlib import Path

    (Path(artifacts) / "model.skops").write_bytes(tampered)
    client.log_artifact(run.info.run_id, str(Path(artifacts) / "model.skops"), "model")
    with pytest.raises(MlflowException) as info:
        client.create_model_version("tampered", f"runs:/{run.info.run_id}/model")
    assert str(info.value.error_code) == "INVALID_PARAMETER_VALUE"
    assert "operator.call" in str(info.value)


@pytest.mark.parametrize("serialization", ["cloudpickle", "pickle"])
def test_a_pickled_mlflow_model_registers_but_is_refused_at_deploy(
    server: MLOpsServer, serialization: str
) -> None:
    model, _ = _fitted()
    name = f"pickled-{serialization}"
    mlflow.set_experiment("mlflow-models")
    with mlflow.start_run():
        mlflow.sklearn.log_model(
            model,
            name="model",
            serialization_format=serialization,
            registered_model_name=name,
            pip_requirements=REQUIREMENTS,
        )
    client = mlflow.MlflowClient()
    version = client.get_model_version(name, "1")
    assert version.status_message == "not servable: pickle format"
    assert "mlops.not_servable" not in version.tags  # MLflow's answers hide the workbench's tags
    status, shown = _api(server, "GET", f"models/{name}/versions/1")
    assert status == 200 and shown["tags"]["mlops.not_servable"] == "pickle format"
    assert f"sklearn model, {serialization}" in shown["estimator_class"]
    status, refused = _api(server, "POST", "endpoints", {"model": f"{name}/1"})
    assert status == 400, refused
    assert "not servable: pickle format" in refused["message"]
    assert refused["field"] == "model"
    status, endpoints = _api(server, "GET", "endpoints")
    assert name not in [e["name"] for e in endpoints["endpoints"]]
    # Copying the version keeps the mark.
    copied = client.copy_model_version(f"models:/{name}/1", f"{name}-copy")
    assert copied.status_message == "not servable: pickle format"
    status, refused = _api(server, "POST", "endpoints", {"model": f"{name}-copy/1"})
    assert status == 400 and "not servable: pickle format" in refused["message"]
