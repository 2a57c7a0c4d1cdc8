"""MLflow details the facade follows as MLflow's server does, through MLflow's own client
against a real `jupyter server`: the `Default` experiment is "0", logged models without a
run, names with spaces, the `Archived` stage, MLflow's not-found messages, and the
workbench's own version tags kept out of MLflow's answers. One server for the module."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..support.mlflow_lab import REQUIREMENTS, MLOpsServer, mlflow_pointed_at

mlflow = pytest.importorskip("mlflow")
pytest.importorskip("sklearn")
from mlflow.exceptions import MlflowException  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLOpsServer]:
    """The server, with MLflow's client pointed at it for the module's tests."""
    with mlflow_pointed_at(tmp_path_factory.mktemp("mlflow-details")) as lab:
        yield lab


@pytest.fixture(autouse=True)
def _mlflow_env(server: MLOpsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """MLflow's client settings for each test: conftest puts the environment back after every
    test, which drops what the module's server fixture set during the first one."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.tracking_uri)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", server.token)


def _estimator() -> object:
    from sklearn.linear_model import LinearRegression

    return LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 2.0, 4.0])


def test_the_default_experiment_is_id_0(server: MLOpsServer, tmp_path: Path) -> None:
    client = mlflow.MlflowClient()
    default = client.get_experiment_by_name("Default")
    assert default is not None and default.experiment_id == "0"
    assert client.get_experiment("0").name == "Default"
    listed = {e.name: e.experiment_id for e in client.search_experiments()}
    assert listed["Default"] == "0"
    # A run started with no experiment set lands in "0" and keeps its artifacts there.
    run = client.create_run("0", run_name="in default")
    assert run.info.experiment_id == "0"
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/0/")
    (tmp_path / "note.txt").write_text("hello")
    client.log_artifact(run.info.run_id, str(tmp_path / "note.txt"))
    assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["note.txt"]
    assert client.get_run(run.info.run_id).info.experiment_id == "0"
    found = client.search_runs(["0"], "attributes.run_name = 'in default'")
    assert [(r.info.run_id, r.info.experiment_id) for r in found] == [(run.info.run_id, "0")]
    # Other experiments keep their own ids.
    other = client.create_experiment("not default")
    assert other not in ("0", default.experiment_id) or other != "0"
    assert client.get_experiment(other).name == "not default"


def test_experiment_run_and_tag_names_with_spaces(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("my experiment 1")
    assert client.get_experiment_by_name("my experiment 1").experiment_id == experiment_id
    client.rename_experiment(experiment_id, "my experiment 2")
    run = client.create_run(experiment_id, run_name="first try")
    client.set_tag(run.info.run_id, "a tag", "a value")
    client.log_param(run.info.run_id, "a param", "x y")
    got = client.get_run(run.info.run_id)
    assert got.info.run_name == "first try"
    assert got.data.tags["a tag"] == "a value" and got.data.params["a param"] == "x y"
    found = client.search_runs([experiment_id], "attributes.run_name = 'first try'")
    assert [r.info.run_id for r in found] == [run.info.run_id]


def test_a_logged_model_without_a_run_registers_and_loads(
    server: MLOpsServer, tmp_path: Path
) -> None:
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("runless models")
    model = client.create_logged_model(experiment_id, name="runless")
    assert not model.source_run_id
    assert model.experiment_id == experiment_id
    estimator: Any = _estimator()
    mlflow.sklearn.save_model(estimator, tmp_path / "model", pip_requirements=REQUIREMENTS)
    client.log_model_artifacts(model.model_id, str(tmp_path / "model"))
    client.finalize_logged_model(model.model_id, "READY")
    loaded: Any = mlflow.sklearn.load_model(f"models:/{model.model_id}")
    assert loaded.predict([[3.0]]).tolist() == estimator.predict([[3.0]]).tolist()
    version = mlflow.register_model(f"models:/{model.model_id}", "runless-model")
    assert version.version == "1" and version.status_message in (None, "")
    # The model also goes into the default experiment "0".
    in_default = client.create_logged_model("0", name="runless-default")
    assert in_default.experiment_id == "0" and not in_default.source_run_id
    with pytest.raises(MlflowException) as info:
        client.create_logged_model("987654", name="nowhere")
    assert str(info.value.error_code) == "RESOURCE_DOES_NOT_EXIST"


def test_the_archived_stage(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    mlflow.set_experiment("archived")
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(_estimator(), name="model", pip_requirements=REQUIREMENTS)
    source = f"runs:/{run.info.run_id}/model"
    for _ in range(3):
        client.create_model_version("archiving", source, run.info.run_id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        archived = client.transition_model_version_stage("archiving", "1", "Archived")
        assert archived.current_stage == "Archived"
        assert archived.tags == {}  # the stage's bookkeeping is not a tag MLflow shows
        client.transition_model_version_stage("archiving", "2", "Archived")
        latest = client.get_latest_versions("archiving", stages=["Archived"])
        assert [(v.version, v.current_stage) for v in latest] == [("2", "Archived")]
        # archive_existing_versions archives the stage's previous version.
        client.transition_model_version_stage("archiving", "3", "Production")
        client.transition_model_version_stage("archiving", "1", "Production", True)
        assert client.get_model_version("archiving", "3").current_stage == "Archived"
        assert client.get_model_version("archiving", "1").current_stage == "Production"
        back = client.transition_model_version_stage("archiving", "2", "None")
        assert back.current_stage == "None"
        stages = {v.version: v.current_stage for v in client.search_model_versions(
            "name = 'archiving'")}  # fmt: skip
        assert stages == {"1": "Production", "2": "None", "3": "Archived"}


def test_not_found_in_mlflows_words(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    with pytest.raises(MlflowException, match=r"Registered Model with name=nobody not found"):
        client.get_registered_model("nobody")
    mlflow.set_experiment("not-found")
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(_estimator(), name="model", pip_requirements=REQUIREMENTS)
    client.create_model_version("somebody", f"runs:/{run.info.run_id}/model", run.info.run_id)
    with pytest.raises(MlflowException, match=r"Model Version \(name=somebody, version=7\) not"):
        client.get_model_version("somebody", "7")
    # MLflow's test_get_model_version matches this message.
    wrong = "INVALID_PARAMETER_VALUE: Parameter 'version' must be an integer, got 'seven'."
    with pytest.raises(MlflowException, match=wrong):
        client.get_model_version("somebody", "seven")


def test_the_workbench_tags_stay_out_of_mlflows_answers(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    version = client.create_model_version("hidden-mark", "runs:/no_such_run/model", "r1")
    assert version.tags == {}
    assert version.status_message == "not servable: no model files at its source"
    client.set_model_version_tag("hidden-mark", "1", "team", "vision")
    assert client.get_model_version("hidden-mark", "1").tags == {"team": "vision"}
    found = client.search_model_versions("name = 'hidden-mark'")
    assert [v.tags for v in found] == [{"team": "vision"}]
    # The Lab's API still shows the mark (the Models panel says why it will not deploy).
    status, answer = server.request(
        "GET", "mlops/api/models/hidden-mark/versions/1", token=server.token
    )
    assert status == 200
    assert json.loads(answer)["tags"]["mlops.not_servable"] == "no model files at its source"


def test_model_names_with_spaces(server: MLOpsServer) -> None:
    """MLflow accepts `UpdateRMTest 2` (its test_update_registered_model_flow renames to it);
    the Lab's routes take such a name URL-encoded in their path."""
    client = mlflow.MlflowClient()
    mlflow.set_experiment("spaced models")
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(_estimator(), name="model", pip_requirements=REQUIREMENTS)
    client.create_registered_model("spaced model 1", description="first")
    version = client.create_model_version(
        "spaced model 1", f"runs:/{run.info.run_id}/model", run.info.run_id
    )
    assert (version.name, version.version, version.status_message) == ("spaced model 1", "1", None)
    client.rename_registered_model("spaced model 1", "Spaced Model 2")
    assert client.get_registered_model("Spaced Model 2").description == "first"
    client.set_registered_model_alias("Spaced Model 2", "champion", "1")
    assert client.get_model_version_by_alias("Spaced Model 2", "champion").version == "1"
    found = client.search_model_versions("name = 'Spaced Model 2'")
    assert [(v.name, v.version) for v in found] == [("Spaced Model 2", "1")]
    # The Lab's REST routes, the name URL-encoded as the Lab's client sends it.
    base = "mlops/api/models/Spaced%20Model%202"
    status, answer = server.request("GET", base, token=server.token)
    assert status == 200, answer
    assert json.loads(answer)["name"] == "Spaced Model 2"
    status, answer = server.request("GET", f"{base}/versions/1", token=server.token)
    assert status == 200 and json.loads(answer)["uri"] == "models:/Spaced Model 2/1"
    status, answer = server.request(
        "PUT", f"{base}/aliases/staging", token=server.token, data=b'{"version": 1}'
    )
    assert status == 200, answer
    assert client.get_model_version_by_alias("Spaced Model 2", "staging").version == "1"
    # Spaces only inside a name; aliases keep the stricter rule.
    for bad in (" leading", "trailing ", "a/b"):
        with pytest.raises(MlflowException) as info:
            client.create_registered_model(bad)
        assert str(info.value.error_code) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException):
        client.set_registered_model_alias("Spaced Model 2", "an alias", "1")


def _now_ms() -> int:
    import time

    return time.time_ns() // 1_000_000


def _between(start: int, end: int, value: int) -> None:
    assert start <= value <= end, (start, value, end)


def test_a_versions_last_updated_timestamp_follows_its_updates(server: MLOpsServer) -> None:
    """MLflow's test_update_model_version_flow: a version's `last_updated_timestamp` is when its
    description, tags or stage last changed; a stage change updates its model's too, a
    description does not."""
    client = mlflow.MlflowClient()
    start_0 = _now_ms()
    client.create_registered_model("updated-times")
    client.create_model_version("updated-times", "runs:/no_such_run/model", "r1")
    end_0 = _now_ms()
    created = client.get_model_version("updated-times", "1")
    _between(start_0, end_0, created.creation_timestamp)
    _between(start_0, end_0, created.last_updated_timestamp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        start_1 = _now_ms()
        client.transition_model_version_stage("updated-times", "1", "Staging")
        end_1 = _now_ms()
    staged = client.get_model_version("updated-times", "1")
    _between(start_0, end_0, staged.creation_timestamp)
    _between(start_1, end_1, staged.last_updated_timestamp)
    _between(start_1, end_1, client.get_registered_model("updated-times").last_updated_timestamp)
    start_2 = _now_ms()
    client.update_model_version("updated-times", "1", description="described")
    end_2 = _now_ms()
    _between(start_2, end_2, client.get_model_version("updated-times", "1").last_updated_timestamp)
    _between(start_1, end_1, client.get_registered_model("updated-times").last_updated_timestamp)
    start_3 = _now_ms()
    client.set_model_version_tag("updated-times", "1", "team", "vision")
    end_3 = _now_ms()
    _between(start_3, end_3, client.get_model_version("updated-times", "1").last_updated_timestamp)
    # Ordering by it: the last updated first.
    client.create_model_version("updated-times", "runs:/no_such_run/model", "r1")
    # A model's latest versions: the newest of each stage (1 is in Staging, 2 in None).
    latest = client.get_registered_model("updated-times").latest_versions
    assert [(v.version, v.current_stage) for v in latest] == [("1", "Staging"), ("2", "None")]
    listed = client.search_registered_models("name = 'updated-times'")
    assert [[v.version for v in model.latest_versions] for model in listed] == [["1", "2"]]
    client.update_model_version("updated-times", "1", description="again")
    ordered = client.search_model_versions(
        "name = 'updated-times'", order_by=["last_updated_timestamp DESC"]
    )
    assert [v.version for v in ordered] == ["1", "2"]
    # The Lab's API answers it too.
    status, answer = server.request(
        "GET", "mlops/api/models/updated-times/versions/1", token=server.token
    )
    assert status == 200
    assert json.loads(answer)["last_update_time"] == ordered[0].last_updated_timestamp


def test_a_deleted_versions_number_is_not_given_again(server: MLOpsServer) -> None:
    """MLflow's test_delete_model_version_flow: after deleting the latest version the next one
    gets a new number; deleting the model (all its versions) starts again at 1, as in MLflow."""
    client = mlflow.MlflowClient()
    for _ in range(3):
        client.create_model_version("renumbered", "runs:/no_such_run/model", "r1")
    client.delete_model_version("renumbered", "3")
    with pytest.raises(MlflowException, match=r"Model Version .+ not found"):
        client.get_model_version("renumbered", "3")
    assert client.create_model_version("renumbered", "runs:/x/model", "r1").version == "4"
    client.delete_model_version("renumbered", "4")
    client.delete_model_version("renumbered", "2")
    assert client.create_model_version("renumbered", "runs:/x/model", "r1").version == "5"
    versions = client.search_model_versions("name = 'renumbered'")
    assert sorted(v.version for v in versions) == ["1", "5"]
    assert client.get_registered_model("renumbered").latest_versions[0].version == "5"
    # A rename keeps the count.
    client.delete_model_version("renumbered", "5")
    client.rename_registered_model("renumbered", "renumbered-2")
    assert client.create_model_version("renumbered-2", "runs:/x/model", "r1").version == "6"
    client.delete_registered_model("renumbered-2")
    assert client.create_model_version("renumbered-2", "runs:/x/model", "r1").version == "1"


def test_deleting_a_tag_of_a_deleted_run_is_refused_in_mlflows_words(server: MLOpsServer) -> None:
    """MLflow's test_delete_tag: a deleted run's tags are not changed."""
    client = mlflow.MlflowClient()
    run = client.create_run(client.create_experiment("deleted-run tags"))
    client.set_tag(run.info.run_id, "taggity", "do oh")
    client.delete_run(run.info.run_id)
    with pytest.raises(MlflowException, match=f"The run {run.info.run_id} must be in") as info:
        client.delete_tag(run.info.run_id, "taggity")
    assert str(info.value.error_code) == "INVALID_PARAMETER_VALUE"
    client.restore_run(run.info.run_id)
    client.delete_tag(run.info.run_id, "taggity")
    assert "taggity" not in client.get_run(run.info.run_id).data.tags


def test_a_models_metric_keeps_its_dataset(server: MLOpsServer) -> None:
    """MLflow's test_log_metric_model: a point logged with a model id and a dataset comes back
    from the model with that dataset's name and digest."""
    from mlflow.entities import Metric

    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("model metric datasets")
    run = client.create_run(experiment_id)
    model = client.create_logged_model(experiment_id)
    client.log_metric(run.info.run_id, "metric", 0.5, timestamp=123456789, step=1,
                      dataset_name="name", dataset_digest="digest",
                      model_id=model.model_id)  # fmt: skip
    expected = Metric(key="metric", value=0.5, timestamp=123456789, step=1,
                      model_id=model.model_id, dataset_name="name", dataset_digest="digest",
                      run_id=run.info.run_id)  # fmt: skip
    assert client.get_logged_model(model.model_id).metrics == [expected]
