"""MLflow's REST behaviour the facade follows, checked through MLflow's own client (and raw
requests where the client cannot send the case): batch limits, long artifact paths, and the
tracking and registry behaviours of MLflow's `test_rest_tracking.py` and
`test_model_registry.py` (docs/mlflow.md says how those files were re-run). One server for
the module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..support.mlflow_lab import REQUIREMENTS, MLOpsServer, mlflow_pointed_at

mlflow = pytest.importorskip("mlflow")
from mlflow.entities import Metric, Param, RunTag  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402

API = "mlops/mlflow/api/2.0/mlflow"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLOpsServer]:
    """The server, with MLflow's client pointed at it for the module's tests."""
    with mlflow_pointed_at(tmp_path_factory.mktemp("mlflow-spec")) as lab:
        yield lab


@pytest.fixture(autouse=True)
def _mlflow_env(server: MLOpsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """MLflow's client settings for each test: conftest puts the environment back after every
    test, which drops what the module's server fixture set during the first one."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.tracking_uri)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", server.token)


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


# --- registry (MLflow's test_model_registry.py) ----------------------------------------------


@pytest.fixture(scope="module")
def model_run(server: MLOpsServer) -> str:
    """A run holding one MLflow-logged (skops) scikit-learn model at `model`."""
    from sklearn.linear_model import LinearRegression

    estimator = LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 2.0, 4.0])
    with pytest.MonkeyPatch.context() as patch:  # set up before the per-test `_mlflow_env`
        patch.setenv("MLFLOW_TRACKING_TOKEN", server.token)
        mlflow.set_experiment("spec-registry")
        with mlflow.start_run() as run:
            mlflow.sklearn.log_model(estimator, name="model", pip_requirements=REQUIREMENTS)
    return str(run.info.run_id)


def test_search_model_versions_orders_as_mlflow_does(server: MLOpsServer, model_run: str) -> None:
    client = mlflow.MlflowClient()
    source = f"runs:/{model_run}/model"
    for name in ("ord-a", "ord-b", "ord-a", "ord-b", "ord-a"):
        client.create_model_version(name, source, model_run)
    found = client.search_model_versions("name LIKE 'ord-%'")
    # MLflow's default: the last registered first.
    assert [(v.name, v.version) for v in found] == [
        ("ord-a", "3"), ("ord-b", "2"), ("ord-a", "2"), ("ord-b", "1"), ("ord-a", "1"),
    ]  # fmt: skip
    ordered = client.search_model_versions(
        "name LIKE 'ord-%'", order_by=["name DESC", "version_number ASC"]
    )
    assert [(v.name, v.version) for v in ordered] == [
        ("ord-b", "1"), ("ord-b", "2"), ("ord-a", "1"), ("ord-a", "2"), ("ord-a", "3"),
    ]  # fmt: skip
    by_name = client.search_model_versions("name = 'ord-a'", order_by=["version_number"])
    assert [v.version for v in by_name] == ["1", "2", "3"]
    with_source = client.search_model_versions(f"source_path = '{source}' AND name = 'ord-b'")
    assert [v.version for v in with_source] == ["2", "1"]
    with pytest.raises(MlflowException) as info:
        client.search_model_versions("name = 'ord-a'", order_by=["bogus"])
    assert str(info.value.error_code) == "INVALID_PARAMETER_VALUE"
    models = client.search_registered_models("name LIKE 'ord-%'", order_by=["name DESC"])
    assert [m.name for m in models] == ["ord-b", "ord-a"]


def test_a_version_without_description_has_an_empty_one_and_copies(
    server: MLOpsServer, model_run: str
) -> None:
    client = mlflow.MlflowClient()
    version = client.create_model_version(
        "copy-src", f"runs:/{model_run}/model", model_run, tags={"team": "vision"}
    )
    assert version.description == ""
    assert client.get_model_version("copy-src", version.version).description == ""
    copied = client.copy_model_version(f"models:/copy-src/{version.version}", "copy-dst")
    assert (copied.name, copied.version, copied.run_id) == ("copy-dst", "1", model_run)
    assert copied.source == f"models:/copy-src/{version.version}"
    # Its download URI is the original's source, as MLflow's registry answers it.
    assert client.get_model_version_download_uri("copy-dst", "1") == f"runs:/{model_run}/model"
    assert copied.tags == {"team": "vision"}
    assert client.get_registered_model("copy-dst").latest_versions[0].version == "1"


def test_stages_map_onto_aliases(server: MLOpsServer, model_run: str) -> None:
    import warnings

    client = mlflow.MlflowClient()
    for _ in range(3):
        client.create_model_version("staged", f"runs:/{model_run}/model", model_run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        moved = client.transition_model_version_stage("staged", "1", "Production")
        assert moved.current_stage == "Production"
        client.transition_model_version_stage("staged", "2", "staging")
        latest = client.get_latest_versions("staged", stages=["Production"])
        assert [(v.version, v.current_stage) for v in latest] == [("1", "Production")]
        every = client.get_latest_versions("staged")
        assert [(v.version, v.current_stage) for v in every] == [
            ("1", "Production"), ("2", "Staging"), ("3", "None"),
        ]  # fmt: skip
        client.transition_model_version_stage("staged", "3", "Production")
        assert client.get_model_version("staged", "1").current_stage == "None"
        assert client.get_registered_model("staged").aliases == {"production": "3", "staging": "2"}
        client.transition_model_version_stage("staged", "2", "Archived")
        assert client.get_latest_versions("staged", stages=["Staging"]) == []
        with pytest.raises(MlflowException) as info:
            client.transition_model_version_stage("staged", "1", "Shipped")
        assert str(info.value.error_code) == "INVALID_PARAMETER_VALUE"


# --- tracking (MLflow's test_rest_tracking.py) -----------------------------------------------


def test_a_fresh_store_lists_the_default_experiment(server: MLOpsServer) -> None:
    names = [e.name for e in mlflow.MlflowClient().search_experiments()]
    assert "Default" in names


def test_values_of_the_wrong_json_type_are_invalid_parameter_values(server: MLOpsServer) -> None:
    status, answer = _post(server, "runs/log-metric", {"run_id": 31, "key": "m", "value": 1.0,
                                                       "timestamp": 1})  # fmt: skip
    assert (status, answer["error_code"]) == (400, "INVALID_PARAMETER_VALUE"), answer
    assert "Invalid value 31 for parameter 'run_id' supplied" in answer["message"]
    status, answer = _post(server, "experiments/create", {"name": 123})
    assert (status, answer["error_code"]) == (400, "INVALID_PARAMETER_VALUE"), answer
    # MLflow's words (its test_*_validation match them), the value as JSON.
    assert "Invalid value 123 for parameter 'name'" in answer["message"]
    status, answer = _post(server, "experiments/create", {"name": "x", "tags": "5"})
    assert "Invalid value \"5\" for parameter 'tags'" in answer["message"]
    status, answer = _post(server, "experiments/create", {})
    assert answer["message"] == "Missing value for required parameter 'name'."
    # Text fields are strict, as MLflow's server checks them (its client always sends text).
    status, answer = _post(server, "experiments/create", {"name": "x", "artifact_location": 9.0})
    assert "Invalid value 9.0 for parameter 'artifact_location'" in answer["message"]
    run_id = _run_id("spec-strict")
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("runs/log-metric", {"key": 31, "value": 1.0, "timestamp": 1}, "key"),
        ("runs/log-parameter", {"key": 31, "value": "v"}, "key"),
        ("runs/set-tag", {"key": "tag", "value": 41}, "value"),
    ]  # fmt: skip
    for path, body, field in cases:
        status, answer = _post(server, path, {"run_id": run_id, **body})
        assert status == 400, (path, answer)
        assert f"parameter '{field}' supplied" in answer["message"], (path, answer)
    # A null is an unset field (protobuf JSON), as MLflow's test_log_metric_validation expects.
    status, answer = _post(server, "runs/log-metric", {"run_id": run_id, "key": None,
                                                       "value": 1.0, "timestamp": 1})  # fmt: skip
    assert answer["message"] == "Missing value for required parameter 'key'.", answer


def test_deleting_a_missing_tag_answers_mlflows_message(server: MLOpsServer) -> None:
    run_id = _run_id()
    with pytest.raises(MlflowException) as info:
        mlflow.MlflowClient().delete_tag(run_id, "fakeTag")
    assert str(info.value.error_code) == "RESOURCE_DOES_NOT_EXIST"
    assert f"No tag with name: fakeTag in run with id {run_id}" in str(info.value)


def test_a_parent_run_tag_naming_an_unknown_run_is_kept_as_a_tag(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("spec-parent")
    run = client.create_run(experiment_id, tags={"mlflow.parentRunId": "not-a-run"})
    assert client.get_run(run.info.run_id).data.tags["mlflow.parentRunId"] == "not-a-run"


def test_the_tracking_routes_for_artifacts_and_version(server: MLOpsServer) -> None:
    run_id = _run_id()
    client = mlflow.MlflowClient()
    client.log_text(run_id, "hello", "dir/a.txt")
    status, answer = server.request(
        "GET", f"{API}/artifacts/list?run_id={run_id}&path=dir", token=server.token
    )
    assert status == 200, answer
    listed = json.loads(answer)
    assert listed["root_uri"].endswith(f"/{run_id}/artifacts")
    assert [(f["path"], f["is_dir"]) for f in listed["files"]] == [("dir/a.txt", False)]
    status, version = server.request("GET", "mlops/mlflow/version", token=server.token)
    assert status == 200 and version.decode().startswith("3.")
    status, _ = server.request("GET", "mlops/mlflow/version")
    assert status == 403


def test_dataset_inputs_and_model_outputs_are_recorded_and_returned(server: MLOpsServer) -> None:
    from mlflow.entities import Dataset, DatasetInput, InputTag

    run_id = _run_id()
    client = mlflow.MlflowClient()
    dataset = Dataset(name="train", digest="abc123", source_type="local", source='{"uri": "x"}')
    tag = InputTag("mlflow.data.context", "training")
    client.log_inputs(run_id, [DatasetInput(dataset, [tag])])
    client.log_inputs(run_id, [DatasetInput(dataset, [tag])])  # the same dataset: kept once
    inputs = client.get_run(run_id).inputs.dataset_inputs
    assert [(d.dataset.name, d.dataset.digest) for d in inputs] == [("train", "abc123")]
    assert [(t.key, t.value) for t in inputs[0].tags] == [("mlflow.data.context", "training")]
    experiment_id = client.get_run(run_id).info.experiment_id
    found = client.search_runs([experiment_id], f"attributes.run_id = '{run_id}'")
    assert found[0].inputs.dataset_inputs[0].dataset.name == "train"


def test_an_experiments_artifact_location_is_where_its_runs_keep_artifacts(
    server: MLOpsServer, tmp_path: Path
) -> None:
    client = mlflow.MlflowClient()
    place = tmp_path / "elsewhere"
    experiment_id = client.create_experiment("spec-located", artifact_location=str(place))
    run = client.create_run(experiment_id)
    client.log_text(run.info.run_id, "here", "note.txt")
    assert [p.read_text() for p in place.rglob("note.txt")] == ["here"]
    assert client.download_artifacts(run.info.run_id, "note.txt", str(tmp_path))


def test_unnamed_logged_models_get_distinct_names(server: MLOpsServer) -> None:
    from sklearn.linear_model import LinearRegression

    estimator = LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])
    mlflow.set_experiment("spec-unnamed")
    with mlflow.start_run():
        first = mlflow.sklearn.log_model(estimator, pip_requirements=REQUIREMENTS)
        second = mlflow.sklearn.log_model(estimator, pip_requirements=REQUIREMENTS)
    assert first.name and second.name and first.name != second.name
    loaded = mlflow.sklearn.load_model(first.model_uri)
    assert loaded.predict([[2.0]]).tolist() == estimator.predict([[2.0]]).tolist()


def test_metrics_logged_with_a_model_id_attach_to_the_model(server: MLOpsServer) -> None:
    from sklearn.linear_model import LinearRegression

    estimator = LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])
    mlflow.set_experiment("spec-model-metrics")
    with mlflow.start_run() as run:
        logged = mlflow.sklearn.log_model(estimator, name="model", pip_requirements=REQUIREMENTS)
        mlflow.log_metric("rmse", 0.25, step=2, model_id=logged.model_id)
        mlflow.log_metrics({"mae": 0.5}, model_id=logged.model_id)
    model = mlflow.get_logged_model(logged.model_id)
    assert {(m.key, m.value, m.run_id) for m in model.metrics} == {
        ("rmse", 0.25, run.info.run_id),
        ("mae", 0.5, run.info.run_id),
    }
    assert mlflow.MlflowClient().get_run(run.info.run_id).data.metrics["rmse"] == 0.25


def test_a_source_without_model_files_registers_as_metadata_refused_at_deploy(
    server: MLOpsServer,
) -> None:
    # MLflow's test_model_registry.py registers `runs:/run_id/model` of runs it never made.
    client = mlflow.MlflowClient()
    version = client.create_model_version("meta-only", "runs:/run_id/model", "run_id_1")
    assert (version.version, version.run_id, version.source) == (
        "1", "run_id_1", "runs:/run_id/model",
    )  # fmt: skip
    # The mark is the version's status message; MLflow's answers carry no workbench tags.
    assert version.status_message == "not servable: no model files at its source"
    assert "mlops.not_servable" not in version.tags
    assert client.get_model_version_download_uri("meta-only", "1") == "runs:/run_id/model"
    found = client.search_model_versions("source_path = 'runs:/run_id/model'")
    assert [(v.name, v.version) for v in found] == [("meta-only", "1")]
    status, answer = server.request(
        "POST",
        "mlops/api/endpoints",
        token=server.token,
        data=json.dumps({"model": "meta-only/1"}).encode(),
    )
    refused = json.loads(answer)
    assert status == 400 and "not servable: no model files" in refused["message"], refused
    assert refused["field"] == "model"


def test_listing_artifacts_outside_the_run_is_an_invalid_path(server: MLOpsServer) -> None:
    """MLflow's test_path_validation: `../path` is 400 `Invalid path`, in MLflow's words."""
    run_id = _run_id("spec-paths")
    status, answer = server.request(
        "GET", f"{API}/artifacts/list?run_id={run_id}&path=../path", token=server.token
    )
    assert status == 400
    expected = {"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid path"}
    assert json.loads(answer) == expected


def test_a_batch_metric_without_timestamp_is_refused_naming_its_path(server: MLOpsServer) -> None:
    """MLflow's test_log_batch_validation: a log-batch point needs its timestamp (MLflow's
    server refuses it, naming `metrics[0].timestamp`); its step may be left out."""
    run_id = _run_id("spec-batch-validation")
    status, answer = _post(server, "runs/log-batch", {"run_id": run_id, "metrics": "foo"})
    assert status == 400 and "Invalid value \"foo\" for parameter 'metrics'" in answer["message"]
    status, answer = _post(
        server, "runs/log-batch", {"run_id": run_id, "metrics": [{"key": "mae", "value": 2.5}]}
    )
    assert (status, answer["error_code"]) == (400, "INVALID_PARAMETER_VALUE"), answer
    assert answer["message"] == "Missing value for required parameter 'metrics[0].timestamp'."
    assert mlflow.MlflowClient().get_metric_history(run_id, "mae") == []
    status, answer = _post(
        server,
        "runs/log-batch",
        {"run_id": run_id, "metrics": [{"key": "mae", "value": 2.5, "timestamp": 123456789}]},
    )
    assert status == 200, answer
    [point] = mlflow.MlflowClient().get_metric_history(run_id, "mae")
    assert (point.value, point.timestamp, point.step) == (2.5, 123456789, 0)


def test_search_runs_max_results_over_mlflows_bound_in_its_words(server: MLOpsServer) -> None:
    """MLflow's test_search_validation."""
    experiment_id = mlflow.MlflowClient().create_experiment("spec-search-validation")
    with pytest.raises(MlflowException) as info:
        mlflow.MlflowClient().search_runs([experiment_id], max_results=123456789)
    assert str(info.value.error_code) == "INVALID_PARAMETER_VALUE"
    assert "Invalid value 123456789 for parameter 'max_results' supplied" in str(info.value)
    assert mlflow.MlflowClient().search_runs([experiment_id], max_results=50_000) == []


def test_a_logged_model_may_name_a_source_run_this_store_never_saw(server: MLOpsServer) -> None:
    """MLflow's test_create_logged_model and test_delete_logged_model: the source run id is
    recorded unchecked, as MLflow's server records it; an unknown model is `not found`."""
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("spec-logged-source")
    model = client.create_logged_model(experiment_id, source_run_id="123")
    assert model.source_run_id == "123"
    assert client.get_logged_model(model.model_id).source_run_id == "123"
    client.delete_logged_model(model.model_id)
    with pytest.raises(MlflowException, match="not found") as info:
        client.get_logged_model(model.model_id)
    assert str(info.value.error_code) == "RESOURCE_DOES_NOT_EXIST"


def test_a_version_of_a_logged_model_is_listed_in_its_model_versions_tag(
    server: MLOpsServer,
) -> None:
    """MLflow's test_create_model_version_model_id: `mlflow.modelVersions` on the model."""
    client = mlflow.MlflowClient()
    client.create_registered_model("spec-from-logged")
    experiment_id = client.create_experiment("spec-versions-tag")
    model = client.create_logged_model(experiment_id=experiment_id)
    for _ in range(2):
        client.create_model_version(
            "spec-from-logged", source=model.artifact_location, model_id=model.model_id
        )
    tagged = client.get_logged_model(model.model_id).tags["mlflow.modelVersions"]
    assert json.loads(tagged) == [
        {"name": "spec-from-logged", "version": 1},
        {"name": "spec-from-logged", "version": 2},
    ]


def test_logged_models_search_by_dataset_and_order_and_tag_not_found(server: MLOpsServer) -> None:
    """MLflow's test_search_logged_models (datasets, order_by) and
    test_delete_logged_model_tag (its message)."""
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("spec-search-logged")
    first = client.create_logged_model(experiment_id)
    second = client.create_logged_model(experiment_id)
    run = client.create_run(experiment_id)
    client.log_metric(run.info.run_id, "metric", 1, dataset_name="dataset",
                      dataset_digest="123", model_id=first.model_id)  # fmt: skip
    found = client.search_logged_models(
        experiment_ids=[experiment_id],
        datasets=[{"dataset_name": "dataset", "dataset_digest": "123"}],
    )
    assert [model.model_id for model in found] == [first.model_id]
    none = client.search_logged_models(
        experiment_ids=[experiment_id], datasets=[{"dataset_name": "other"}]
    )
    assert list(none) == []
    for ascending, expected in ((True, [first, second]), (False, [second, first])):
        ordered = client.search_logged_models(
            experiment_ids=[experiment_id],
            order_by=[{"field_name": "creation_timestamp", "ascending": ascending}],
        )
        assert [model.model_id for model in ordered] == [model.model_id for model in expected]
    with pytest.raises(MlflowException, match="No tag with key 'nope'") as info:
        client.delete_logged_model_tag(first.model_id, "nope")
    assert str(info.value.error_code) == "RESOURCE_DOES_NOT_EXIST"


def test_a_source_outside_the_store_is_recorded_unless_local_or_relative(
    server: MLOpsServer,
) -> None:
    """MLflow's test_create_model_version_with_non_local_source: a remote URI is recorded (as
    metadata, not servable here); a local path and `..` segments are refused in its words."""
    client = mlflow.MlflowClient()
    client.create_registered_model("spec-remote")
    run_id = _run_id("spec-remote-sources")
    for source in ("s3://bucket/models", "mlflow-artifacts:/models///",
                   "mlflow-artifacts://host:9000/models/artifact/..../"):  # fmt: skip
        status, answer = _post(
            server, "model-versions/create",
            {"name": "spec-remote", "source": source, "run_id": run_id},
        )  # fmt: skip
        assert status == 200, (source, answer)
        assert answer["model_version"]["source"] == source
    for source in ("mlflow-artifacts://host:9000/models/../../../",
                   "http://host:9000/models/..%2f..%2fartifacts",
                   "mlflow-artifacts://host:9000/models/artifact%00"):  # fmt: skip
        status, answer = _post(
            server, "model-versions/create",
            {"name": "spec-remote", "source": source, "run_id": run_id},
        )  # fmt: skip
        assert status == 400, (source, answer)
        assert "If supplying a source as an http, https," in answer["message"], answer
    for source in ("/tmp", "file:///path/to/model"):
        status, answer = _post(
            server, "model-versions/create", {"name": "spec-remote", "source": source}
        )
        assert status == 400, (source, answer)
        assert "To use a local path as a model version" in answer["message"], answer
    # With a logged model's id the files are the model's: its location or URI, never a path.
    model = client.create_logged_model(experiment_id=client.create_experiment("spec-remote-m"))
    for source, expected in ((model.artifact_location, 200), (model.model_uri, 200),
                             ("file:///path/to/model", 400)):  # fmt: skip
        status, answer = _post(
            server, "model-versions/create",
            {"name": "spec-remote", "source": source, "model_id": model.model_id},
        )  # fmt: skip
        assert status == expected, (source, answer)
