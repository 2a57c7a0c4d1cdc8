"""`mlops.Client()` answers to MLflow's `MlflowClient` method names on the workbench's store,
and `mlops.get_metric_history` gives a metric's whole history."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError


def test_client_logs_and_reads_with_mlflows_method_names(tmp_path: Path) -> None:
    client = mlops.Client()
    experiment_id = client.create_experiment("client-api")
    with pytest.raises(MLOpsError):
        client.create_experiment("client-api")
    experiment = client.get_experiment_by_name("client-api")
    assert experiment is not None and experiment.experiment_id == experiment_id
    run = client.create_run(experiment_id, run_name="first", tags={"team": "a"})
    client.log_param(run.run_id, "lr", 0.1)
    client.set_tag(run.run_id, "stage", "dev")
    for step, value in enumerate([3.0, float("nan"), 1.0]):
        client.log_metric(run.run_id, "loss", value, timestamp=1_000 + step, step=step)
    client.log_batch(run.run_id, params={"layers": 2}, tags={"extra": "x"})
    (tmp_path / "a.txt").write_text("hello")
    client.log_artifact(run.run_id, tmp_path / "a.txt", "texts")
    client.set_terminated(run.run_id)

    got = client.get_run(run.run_id)
    assert got.status == "FINISHED" and got.params == {"layers": "2", "lr": "0.1"}
    assert got.tags == {"extra": "x", "stage": "dev", "team": "a"}
    history = client.get_metric_history(run.run_id, "loss")
    assert [(p.step, p.timestamp) for p in history] == [(0, 1_000), (1, 1_001), (2, 1_002)]
    assert math.isnan(history[1].value)
    assert [(p.value, p.step) for p in mlops.get_metric_history(run.run_id, "loss")][2] == (1.0, 2)
    assert [i.path for i in client.list_artifacts(run.run_id, "texts")] == ["texts/a.txt"]
    copy = client.download_artifacts(run.run_id, "texts", tmp_path / "out")
    assert (Path(copy) / "a.txt").read_text() == "hello"
    client.delete_tag(run.run_id, "extra")
    assert "extra" not in client.get_run(run.run_id).tags


def test_client_log_metric_takes_numpy_numbers_and_refuses_what_mlops_log_metric_refuses() -> None:
    client = mlops.Client()
    run = client.create_run(client.create_experiment("client-numbers"))
    client.log_metric(
        run.run_id, "acc", np.float32(0.5), timestamp=np.int64(2_000), step=np.int64(4)
    )
    [point] = client.get_metric_history(run.run_id, "acc")
    assert (point.value, point.step, point.timestamp) == (0.5, 4, 2_000)
    assert type(point.value) is float and type(point.step) is int
    for value, step, field in (("high", None, "metrics.acc"), (True, None, "metrics.acc"),
                               (1.0, 2.5, "metrics.acc.step")):  # fmt: skip
        with pytest.raises(MLOpsError) as refused:
            client.log_metric(run.run_id, "acc", value, step=step)  # type: ignore[arg-type]
        assert refused.value.field == field, (value, step, refused.value)
    assert len(client.get_metric_history(run.run_id, "acc")) == 1


def test_client_search_runs_pages_and_sees_metrics_logged_in_the_background() -> None:
    client = mlops.Client()
    mlops.set_experiment("client-search")
    for index in range(5):
        with mlops.start_run(name=f"r{index}"):
            mlops.log_metric("index", index)  # queued for the background writer
    experiment = client.get_experiment_by_name("client-search")
    assert experiment is not None
    experiment_id = experiment.experiment_id
    first = client.search_runs([experiment_id], "metrics.index >= 1", order_by=["metrics.index"],
                               max_results=3)  # fmt: skip
    rest = client.search_runs([experiment_id], "metrics.index >= 1", order_by=["metrics.index"],
                              max_results=3, page_token=first.token)  # fmt: skip
    assert [r.name for r in [*first, *rest]] == ["r1", "r2", "r3", "r4"]
    assert rest.token is None
    client.delete_run(first[0].run_id)
    assert [r.name for r in client.search_runs([experiment_id], run_view_type="deleted_only")] == [
        "r1"
    ]
    client.restore_run(first[0].run_id)
    assert len(client.search_runs([experiment_id])) == 5


def test_client_log_batch_takes_mlflows_entities() -> None:
    entities = pytest.importorskip("mlflow.entities")
    client = mlops.Client()
    run = client.create_run(client.create_experiment("client-entities"))
    client.log_batch(
        run.run_id,
        metrics=[entities.Metric("m", 0.5, 1_234, 7)],
        params=[entities.Param("p", "v")],
        tags=[entities.RunTag("t", "u")],
    )
    got = client.get_run(run.run_id)
    assert (got.params, got.tags, got.metrics) == ({"p": "v"}, {"t": "u"}, {"m": 0.5})
    assert [(p.value, p.timestamp, p.step) for p in client.get_metric_history(run.run_id, "m")] == [
        (0.5, 1_234, 7)
    ]


def test_client_manages_experiments_with_mlflows_method_names() -> None:
    client = mlops.Client()
    experiment_id = client.create_experiment("client-lifecycle", tags={"team": "a"})
    run = client.create_run(experiment_id)
    client.set_experiment_tag(experiment_id, "stage", "dev")
    client.delete_experiment_tag(experiment_id, "team")
    assert client.get_experiment_tags(experiment_id) == {"stage": "dev"}
    client.rename_experiment(experiment_id, "client-renamed")
    assert client.get_experiment(experiment_id).name == "client-renamed"
    client.delete_experiment(experiment_id)
    assert "client-renamed" not in [e.name for e in client.search_experiments()]
    assert client.get_run(run.run_id).lifecycle_stage == "deleted"
    client.restore_experiment(experiment_id)
    assert client.get_run(run.run_id).lifecycle_stage == "active"
    with pytest.raises(MLOpsError):
        client.get_experiment_tags("987654")
