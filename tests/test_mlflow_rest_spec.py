"""MLflow's REST behaviour the facade follows, checked through MLflow's own client (and raw
requests where the client cannot send the case): batch limits, long artifact paths, and the
tracking and registry behaviours of MLflow's `test_rest_tracking.py` and
`test_model_registry.py` (docs/mlflow.md says how those files were re-run). One server for
the module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from .support.mlflow_lab import MLOpsServer, mlflow_pointed_at

mlflow = pytest.importorskip("mlflow")
from mlflow.entities import Metric, Param, RunTag  # noqa: E402

API = "mlops/mlflow/api/2.0/mlflow"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLOpsServer]:
    """The server, with MLflow's client pointed at it for the module's tests."""
    with mlflow_pointed_at(tmp_path_factory.mktemp("mlflow-spec")) as lab:
        yield lab


def _post(server: MLOpsServer, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    status, answer = server.request(
        "POST", f"{API}/{path}", token=server.token, data=json.dumps(body).encode()
    )
    return status, json.loads(answer or b"{}")


def _run_id(experiment: str = "spec") -> str:
    mlflow.set_experiment(experiment)
    with mlflow.start_run() as run:
        pass
    return str(run.info.run_id)


# --- batch limits (MLflow's: 1,000 metrics, 100 params, 100 tags, 1,000 in all) --------------


@pytest.mark.parametrize(
    ("metrics", "params", "tags", "what", "limit"),
    [
        (1001, 0, 0, "metrics", 1000),
        (0, 101, 0, "params", 100),
        (0, 0, 101, "tags", 100),
        (950, 100, 0, "metrics, params, and tags", 1000),
    ],
)
def test_log_batch_applies_mlflows_limits_with_its_code_and_message(
    server: MLOpsServer, metrics: int, params: int, tags: int, what: str, limit: int
) -> None:
    run_id = _run_id()
    body = {
        "run_id": run_id,
        "metrics": [{"key": "m", "value": 1.0, "timestamp": 1, "step": i} for i in range(metrics)],
        "params": [{"key": f"p{i}", "value": "v"} for i in range(params)],
        "tags": [{"key": f"t{i}", "value": "v"} for i in range(tags)],
    }
    status, answer = _post(server, "runs/log-batch", body)
    assert status == 400
    assert answer["error_code"] == "INVALID_PARAMETER_VALUE"
    got = metrics + params + tags if "," in what else max(metrics, params, tags)
    assert answer["message"].startswith(
        f"A batch logging request can contain at most {limit} {what}. Got {got} {what}."
    )
    # Nothing of a refused batch was written.
    assert mlflow.MlflowClient().get_run(run_id).data.params == {}


def test_log_batch_at_the_limits_is_accepted(server: MLOpsServer) -> None:
    run_id = _run_id()
    mlflow.MlflowClient().log_batch(
        run_id,
        metrics=[Metric("m", float(i), 1, i) for i in range(900)],
        params=[Param(f"p{i}", "v") for i in range(100)],
    )
    client = mlflow.MlflowClient()
    assert len(client.get_run(run_id).data.params) == 100
    assert len(client.get_metric_history(run_id, "m")) == 900
    client.log_batch(run_id, tags=[RunTag(f"t{i}", "v") for i in range(100)])


# --- long artifact paths ---------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["GET", "PUT", "LIST"])
def test_an_artifact_path_segment_too_long_for_the_file_system_is_400_naming_it(
    server: MLOpsServer, verb: str
) -> None:
    run_id = _run_id()
    run = mlflow.MlflowClient().get_run(run_id)
    long = "x" * 300
    inside = f"{run.info.experiment_id}/{run_id}/artifacts/{long}/f.txt"
    base = "mlops/mlflow/api/2.0/mlflow-artifacts/artifacts"
    if verb == "LIST":
        status, answer = server.request("GET", f"{base}?path={inside}", token=server.token)
    else:
        data = b"x" if verb == "PUT" else None
        status, answer = server.request(verb, f"{base}/{inside}", token=server.token, data=data)
    assert status == 400, answer
    body = json.loads(answer)
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert long[:30] in body["message"] and "at most 255 bytes" in body["message"]
