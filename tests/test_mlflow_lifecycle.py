"""MLflow's client, unmodified, manages experiments (delete, restore, rename, tags) and the
registry (rename, describe, tag, delete models and versions) through the facade of a real
`jupyter server` subprocess; the workbench's own views see the same state. One server for the
module (MLflow's import and the server start are slow)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from jupyter_mlops.core.store import reset_database

from .support.mlflow_lab import MLOpsServer

mlflow = pytest.importorskip("mlflow")
from mlflow.exceptions import MlflowException  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MLOpsServer]:
    """The server, with MLflow's client pointed at it for the module's tests."""
    lab = MLOpsServer(tmp_path_factory.mktemp("mlflow-lifecycle")).start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", lab.tracking_uri)
        patch.setenv("MLFLOW_TRACKING_TOKEN", lab.token)
        mlflow.set_tracking_uri(lab.tracking_uri)
        try:
            yield lab
        finally:
            while mlflow.active_run() is not None:
                mlflow.end_run()
            mlflow.set_tracking_uri(None)
            lab.stop()


@pytest.fixture
def same_store(server: MLOpsServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The workbench's Python API on the server's store."""
    monkeypatch.setenv("JUPYTER_MLOPS_DATA_DIR", str(server.data_dir))
    reset_database()
    from jupyter_mlops.tracking.client import close_client, get_client

    yield get_client().store
    close_client()


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
