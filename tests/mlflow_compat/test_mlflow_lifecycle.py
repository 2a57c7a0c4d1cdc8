"""MLflow's client, unmodified, manages experiments (delete, restore, rename, tags) and the
registry (rename, describe, tag, delete models and versions) through the facade of a real
`jupyter server` subprocess; the workbench's own views see the same state. One server for the
module (MLflow's import and the server start are slow)."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from ..support.mlflow_lab import MLOpsServer, mlflow_pointed_at, store_of

mlflow = pytest.importorskip("mlflow")
from mlflow.exceptions import MlflowException  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLOpsServer]:
    """The server, with MLflow's client pointed at it for the module's tests."""
    with mlflow_pointed_at(tmp_path_factory.mktemp("mlflow-lifecycle")) as lab:
        yield lab


@pytest.fixture
def same_store(server: MLOpsServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The workbench's Python API on the server's store."""
    with store_of(server, monkeypatch) as store:
        yield store


def _code(error: pytest.ExceptionInfo[MlflowException]) -> str:
    return str(error.value.error_code)


def _panel_experiments(server: MLOpsServer, view: str = "") -> list[str]:
    """The names the Experiments panel lists (its REST route)."""
    query = f"?view={view}" if view else ""
    status, body = server.request("GET", f"mlops/api/experiments{query}", token=server.token)
    assert status == 200, body
    return [e["name"] for e in json.loads(body)["experiments"]]


def test_delete_and_restore_an_experiment_with_its_runs(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("to-delete")
    kept = client.create_run(experiment_id, run_name="kept")
    client.set_terminated(kept.info.run_id)
    deleted_before = client.create_run(experiment_id, run_name="deleted-before")
    client.delete_run(deleted_before.info.run_id)

    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    assert "to-delete" not in _panel_experiments(server)
    assert "to-delete" in _panel_experiments(server, "deleted")
    assert "to-delete" not in [e.name for e in client.search_experiments()]
    deleted = client.search_experiments(view_type=mlflow.entities.ViewType.DELETED_ONLY)
    assert [e.name for e in deleted] == ["to-delete"]
    assert client.get_run(kept.info.run_id).info.lifecycle_stage == "deleted"
    with pytest.raises(MlflowException) as info:
        client.create_run(experiment_id)
    assert _code(info) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as info:
        client.delete_experiment(experiment_id)
    assert _code(info) == "INVALID_PARAMETER_VALUE"

    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"
    assert "to-delete" in _panel_experiments(server)
    # The runs the deletion deleted come back; one deleted on its own before stays deleted.
    assert [r.info.run_name for r in client.search_runs([experiment_id])] == ["kept"]
    assert client.get_run(deleted_before.info.run_id).info.lifecycle_stage == "deleted"
    with pytest.raises(MlflowException) as info:
        client.restore_experiment(experiment_id)
    assert _code(info) == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as info:
        client.delete_experiment("987654")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"


def test_rename_an_experiment(server: MLOpsServer, same_store: Any) -> None:
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("old-name")
    run = client.create_run(experiment_id)
    client.create_experiment("taken-name")
    client.rename_experiment(experiment_id, "new-name")
    assert client.get_experiment(experiment_id).name == "new-name"
    assert client.get_experiment_by_name("old-name") is None
    assert same_store.get_experiment_by_name("new-name").experiment_id == experiment_id
    assert [r.info.run_id for r in client.search_runs([experiment_id])] == [run.info.run_id]
    assert "new-name" in _panel_experiments(server)
    with pytest.raises(MlflowException) as info:
        client.rename_experiment(experiment_id, "taken-name")
    assert _code(info) == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(MlflowException) as info:
        client.rename_experiment(experiment_id, "  ")
    assert _code(info) == "INVALID_PARAMETER_VALUE"
    client.delete_experiment(experiment_id)
    with pytest.raises(MlflowException) as info:
        client.rename_experiment(experiment_id, "renamed-while-deleted")
    assert _code(info) == "INVALID_PARAMETER_VALUE"


def test_experiment_tags(server: MLOpsServer, same_store: Any) -> None:
    client = mlflow.MlflowClient()
    tagged = client.create_experiment("tagged", tags={"team": "vision", "stage": "dev"})
    other = client.create_experiment("tagged-other", tags={"team": "nlp"})
    assert client.get_experiment(tagged).tags == {"team": "vision", "stage": "dev"}
    mlflow.set_experiment("tagged")
    mlflow.set_experiment_tag("stage", "prod")
    client.set_experiment_tag(tagged, "note", "ünïcode ✓")
    assert client.get_experiment_by_name("tagged").tags == {
        "team": "vision",
        "stage": "prod",
        "note": "ünïcode ✓",
    }
    assert same_store.get_experiment_tags([tagged, other]) == {
        tagged: {"note": "ünïcode ✓", "stage": "prod", "team": "vision"},
        other: {"team": "nlp"},
    }
    found = client.search_experiments(filter_string="tags.team = 'nlp'")
    assert [e.experiment_id for e in found] == [other]
    assert found[0].tags == {"team": "nlp"}
    found = client.search_experiments(filter_string="tags.`stage` LIKE 'pr%' AND name = 'tagged'")
    assert [e.experiment_id for e in found] == [tagged]
    assert client.search_experiments(filter_string="tags.missing = 'x'") == []
    client.delete_experiment_tag(tagged, "note")
    assert "note" not in client.get_experiment(tagged).tags
    with pytest.raises(MlflowException) as info:
        client.delete_experiment_tag(tagged, "note")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as info:
        client.set_experiment_tag("987654", "k", "v")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"


def _register_two_versions(client: Any, name: str) -> tuple[str, str]:
    """`name` with versions 1 and 2, each from a run that logged a workbench-format model."""
    from sklearn.linear_model import LinearRegression

    import jupyter_mlops as mlops

    estimator = LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 2.0, 4.0])
    mlops.set_experiment("registry-lifecycle")
    run_ids = []
    for _ in range(2):
        with mlops.start_run() as run:
            mlops.log_model(estimator, "model")
        client.create_model_version(name, f"runs:/{run.run_id}/model", run.run_id)
        run_ids.append(run.run_id)
    return run_ids[0], run_ids[1]


def test_registry_rename_describe_tag_and_delete(server: MLOpsServer, same_store: Any) -> None:
    from jupyter_mlops.serving.api import get_registry, load_model
    from jupyter_mlops.serving.model_uri import ModelRef

    client = mlflow.MlflowClient()
    created = client.create_registered_model("lc-model", {"origin": "mlflow"}, "before versions")
    assert (created.name, created.description, created.tags) == (
        "lc-model",
        "before versions",
        {"origin": "mlflow"},
    )
    assert client.get_registered_model("lc-model").latest_versions == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # MLflow deprecates it (stages)
        assert client.get_latest_versions("lc-model") == []
    first_run, second_run = _register_two_versions(client, "lc-model")
    assert client.get_registered_model("lc-model").tags == {"origin": "mlflow"}
    client.delete_registered_model_tag("lc-model", "origin")
    client.set_registered_model_alias("lc-model", "champion", "1")

    client.set_registered_model_tag("lc-model", "team", "risk")
    client.set_registered_model_tag("lc-model", "tier", "gold")
    client.set_model_version_tag("lc-model", "1", "validated", "yes")
    client.update_registered_model("lc-model", description="credit risk")
    updated = client.update_model_version("lc-model", "1", description="first fit")
    assert updated.description == "first fit"
    client.delete_registered_model_tag("lc-model", "tier")
    client.delete_registered_model_tag("lc-model", "never-set")  # no error, as in MLflow
    client.delete_model_version_tag("lc-model", "1", "validated")
    client.set_model_version_tag("lc-model", "2", "validated", "no")
    model = client.get_registered_model("lc-model")
    assert (model.description, model.tags) == ("credit risk", {"team": "risk"})
    assert client.get_model_version("lc-model", "1").tags == {}
    found = client.search_model_versions("tags.validated = 'no'")
    assert [(v.name, v.version) for v in found] == [("lc-model", "2")]

    _register_two_versions(client, "lc-taken")
    with pytest.raises(MlflowException) as info:
        client.rename_registered_model("lc-model", "lc-taken")
    assert _code(info) == "RESOURCE_ALREADY_EXISTS"
    client.rename_registered_model("lc-model", "lc-renamed")
    with pytest.raises(MlflowException) as info:
        client.get_registered_model("lc-model")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"
    model = client.get_registered_model("lc-renamed")
    assert (model.description, model.tags, model.aliases) == (
        "credit risk",
        {"team": "risk"},
        {"champion": "1"},
    )
    version = client.get_model_version_by_alias("lc-renamed", "champion")
    assert (version.run_id, version.description) == (first_run, "first fit")
    # The renamed versions' files moved with them and still load (their hash checked).
    assert load_model("models:/lc-renamed@champion").predict([[3.0]])[0] == pytest.approx(6.0)

    # A version an endpoint serves (here through its alias) is not deleted, nor its model.
    registry = get_registry()
    registry.create_endpoint(
        "lc-endpoint", ModelRef("lc-renamed", alias="champion"), "127.0.0.1", 9
    )
    try:
        with pytest.raises(MlflowException) as info:
            client.delete_model_version("lc-renamed", "1")
        assert _code(info) == "INVALID_PARAMETER_VALUE" and "lc-endpoint" in str(info.value)
        with pytest.raises(MlflowException) as info:
            client.delete_registered_model("lc-renamed")
        assert "lc-endpoint" in str(info.value)
        with pytest.raises(MlflowException) as info:
            client.rename_registered_model("lc-renamed", "lc-other")
        assert "lc-endpoint" in str(info.value)
    finally:
        registry.delete_endpoint("lc-endpoint")

    folder = registry.get_version(ModelRef("lc-renamed", version=1)).storage_location
    client.delete_model_version("lc-renamed", "1")
    assert not os.path.exists(folder)
    with pytest.raises(MlflowException) as info:
        client.get_model_version("lc-renamed", "1")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"
    model = client.get_registered_model("lc-renamed")
    assert model.aliases == {}  # the alias on the deleted version went with it
    assert [v.version for v in model.latest_versions] == ["2"]
    assert [v.run_id for v in client.search_model_versions("name = 'lc-renamed'")] == [second_run]
    with pytest.raises(MlflowException) as info:
        client.delete_model_version("lc-renamed", "1")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"

    client.delete_registered_model("lc-renamed")
    assert [m.name for m in client.search_registered_models("name LIKE 'lc-%'")] == ["lc-taken"]
    with pytest.raises(MlflowException) as info:
        client.delete_registered_model("lc-renamed")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"
    # Stages are aliases here (test_mlflow_rest_spec.py): a version that is not there is not.
    with pytest.raises(MlflowException) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # MLflow deprecates stages itself
        client.transition_model_version_stage("lc-taken", "9", "Production")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"


def test_bad_lifecycle_requests_are_4xx_in_mlflows_shape_never_5xx(server: MLOpsServer) -> None:
    client = mlflow.MlflowClient()
    experiment_id = client.create_experiment("bad-lifecycle")
    client.create_registered_model("bad-lc-model")
    api = "mlops/mlflow/api/2.0/mlflow"
    cases: list[tuple[str, str, Any]] = [
        ("POST", "experiments/delete", {"experiment_id": "\u00b2"}),
        ("POST", "experiments/restore", {"experiment_id": "9" * 30}),
        ("POST", "experiments/update", {"experiment_id": experiment_id, "new_name": "x" * 300}),
        ("POST", "experiments/update", {"experiment_id": experiment_id}),
        ("POST", "experiments/set-experiment-tag",
         {"experiment_id": experiment_id, "key": "a/../..", "value": "v"}),
        ("POST", "experiments/set-experiment-tag",
         {"experiment_id": experiment_id, "key": "", "value": "v"}),
        ("POST", "experiments/set-experiment-tag",
         {"experiment_id": experiment_id, "key": "long", "value": "x" * 200_000}),
        ("POST", "experiments/delete-experiment-tag", {"experiment_id": experiment_id}),
        ("POST", "experiments/create", {"name": "tagged-bad", "tags": [{"key": "\n"}]}),
        ("POST", "registered-models/create", {"name": "bad name!"}),
        ("POST", "registered-models/create", {"name": "ok-name", "tags": [{"key": " "}]}),
        ("POST", "registered-models/rename", {"name": "bad-lc-model", "new_name": "bad name!"}),
        ("POST", "registered-models/rename", {"name": "no-such-model", "new_name": "x"}),
        ("PATCH", "registered-models/update", {"name": ["not", "text"]}),
        ("DELETE", "registered-models/delete", None),
        ("DELETE", "model-versions/delete", {"name": "bad-lc-model", "version": "-1"}),
        ("DELETE", "model-versions/delete", {"name": "bad-lc-model", "version": "1"}),
        ("PATCH", "model-versions/update", {"name": "bad-lc-model", "version": "9" * 20}),
        ("POST", "model-versions/set-tag",
         {"name": "bad-lc-model", "version": "abc", "key": "k", "value": "v"}),
        ("POST", "registered-models/set-tag", {"name": "bad-lc-model", "key": "", "value": "v"}),
        ("DELETE", "registered-models/delete-tag", {"name": "no-such-model", "key": "k"}),
        ("DELETE", "model-versions/delete-tag", {"name": "bad-lc-model", "version": "1"}),
        ("POST", "registered-models/update", {"name": "bad-lc-model"}),  # wrong verb
    ]  # fmt: skip
    for method, path, body in cases:
        data = json.dumps(body).encode() if body is not None else None
        status, answer = server.request(method, f"{api}/{path}", token=server.token, data=data)
        assert 400 <= status < 500, (method, path, status, answer)
        assert json.loads(answer)["error_code"], (path, answer)
    assert client.get_registered_model("bad-lc-model").name == "bad-lc-model"
    # Refused tags leave nothing behind.
    assert client.get_experiment_by_name("tagged-bad") is None
    assert client.search_registered_models("name = 'ok-name'") == []
    assert client.get_experiment(experiment_id).name == "bad-lifecycle"
