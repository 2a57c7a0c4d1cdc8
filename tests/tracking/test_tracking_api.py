"""The notebook API (`import jupyter_mlops as mlops`) end to end on a real store."""

from __future__ import annotations

import json
import threading

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.tracking import fluent
from jupyter_mlops.tracking.process_client import get_client


@pytest.fixture(autouse=True)
def no_active_runs():
    yield
    while mlops.active_run() is not None:
        mlops.end_run()


def test_context_manager_finishes_the_run():
    with mlops.start_run(experiment="e", name="ok", params={"lr": 0.1}, tags={"t": "x"}) as run:
        assert mlops.active_run() is run
        mlops.log_metric("acc", 0.9)
    assert mlops.active_run() is None
    stored = mlops.get_run(run.run_id)
    assert stored.status == "FINISHED"
    assert stored.end_time is not None
    assert stored.params == {"lr": "0.1"}
    assert stored.tags == {"t": "x"}
    assert stored.metrics == {"acc": 0.9}
    assert stored.environment["python"]
    assert stored.user


def test_an_exception_fails_the_run_and_stores_the_traceback():
    with pytest.raises(ZeroDivisionError), mlops.start_run(name="bad") as run:
        mlops.log_metric("before", 1.0)
        _ = 1 / 0
    stored = mlops.get_run(run.run_id)
    assert stored.status == "FAILED"
    assert "ZeroDivisionError" in (stored.error or "")
    assert "Traceback" in (stored.error or "")
    assert stored.metrics == {"before": 1.0}  # logged before the error: kept


def test_keyboard_interrupt_kills_the_run():
    with pytest.raises(KeyboardInterrupt), mlops.start_run() as run:
        raise KeyboardInterrupt
    assert mlops.get_run(run.run_id).status == "KILLED"


def test_nested_runs_and_end_run():
    parent = mlops.start_run(experiment="nest")
    with pytest.raises(MLOpsError) as error:
        mlops.start_run()
    assert error.value.field == "nested"
    child = mlops.start_run(nested=True)
    assert mlops.active_run() is child
    mlops.end_run(status="KILLED")
    assert mlops.active_run() is parent
    mlops.end_run()
    assert mlops.active_run() is None
    assert mlops.get_run(child.run_id).parent_run_id == parent.run_id
    assert mlops.get_run(child.run_id).status == "KILLED"
    assert mlops.get_run(child.run_id).experiment_id == parent.experiment_id


def test_children_left_open_end_with_their_parent():
    with pytest.raises(RuntimeError), mlops.start_run() as parent:
        child = mlops.start_run(nested=True)
        raise RuntimeError("boom")
    assert mlops.get_run(child.run_id).status == "FAILED"
    assert mlops.get_run(parent.run_id).status == "FAILED"


def test_a_param_cannot_change():
    with mlops.start_run() as run:
        mlops.log_param("lr", 0.1)
        mlops.log_param("lr", 0.1)
        with pytest.raises(MLOpsError) as error:
            mlops.log_param("lr", 0.2)
        assert error.value.code is ErrorCode.CONFLICT
        assert "immutable" in error.value.message
        mlops.log_params({"a": 1, "b": "two"})
        mlops.set_tag("stage", "dev")
        mlops.set_tags({"stage": "prod", "owner": "me"})
    stored = mlops.get_run(run.run_id)
    assert stored.params == {"a": "1", "b": "two", "lr": "0.1"}
    assert stored.tags == {"owner": "me", "stage": "prod"}


def test_metrics_are_buffered_then_all_written_when_the_run_ends():
    with mlops.start_run() as run:
        for step in range(3000):
            mlops.log_metric("loss", 1.0 / (step + 1), step=step)
        mlops.log_metrics({"acc": np.float32(0.5), "f1": 0.25}, step=7)
    history = fluent.metric_history(run.run_id, "loss")
    assert [p.step for p in history] == list(range(3000))
    stored = mlops.get_run(run.run_id)
    assert stored.metrics["loss"] == pytest.approx(1 / 3000)
    assert stored.metrics["acc"] == 0.5 and stored.metrics["f1"] == 0.25


def test_flush_makes_pending_points_visible_to_the_store():
    with mlops.start_run() as run:
        for step in range(10):
            mlops.log_metric("x", step, step=step, timestamp=1000 + step)
        mlops.flush()
        assert get_client().writer.pending == 0
        points = get_client().store.metric_history(run.run_id, "x")
        assert [(p.value, p.timestamp) for p in points] == [(s, 1000 + s) for s in range(10)]


def test_metrics_from_other_threads_go_to_the_active_run():
    def log(i: int) -> None:
        for v in range(500):
            mlops.log_metric(f"t{i}", v)

    with mlops.start_run() as run:
        threads = [threading.Thread(target=log, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for i in range(4):
        assert len(fluent.metric_history(run.run_id, f"t{i}")) == 500


def test_bad_metrics_are_refused_at_the_call():
    with mlops.start_run():
        with pytest.raises(MLOpsError) as error:
            mlops.log_metric("acc", "high")  # type: ignore[arg-type]  # a wrong type on purpose
        assert error.value.field == "metrics.acc"
        with pytest.raises(MLOpsError):
            mlops.log_metric("bad\nkey", 1.0)
        with pytest.raises(MLOpsError):
            mlops.log_metric("flag", True)


def test_logging_without_a_run_starts_one():
    mlops.log_metric("auto", 1.0)
    run = mlops.active_run()
    assert run is not None
    mlops.end_run()
    assert mlops.get_run(run.run_id).metrics == {"auto": 1.0}


def test_resuming_a_run_by_id():
    with mlops.start_run() as first:
        mlops.log_metric("a", 1.0)
    with mlops.start_run(run_id=first.run_id):
        mlops.log_metric("b", 2.0)
    assert mlops.get_run(first.run_id).metrics == {"a": 1.0, "b": 2.0}


def test_run_ids_can_be_abbreviated():
    with mlops.start_run() as run:
        pass
    assert mlops.get_run(run.run_id[:8]).run_id == run.run_id
    with pytest.raises(MLOpsError) as error:
        mlops.get_run("zzzz")
    assert error.value.field == "run_id"


def test_search_runs_returns_an_mlflow_shaped_frame():
    for lr, acc in [("0.1", 0.95), ("0.1", 0.85), ("0.01", 0.99)]:
        with mlops.start_run(experiment="grid", params={"lr": lr}, tags={"k": "v"}):
            mlops.log_metric("acc", acc)
    with mlops.start_run(experiment="other"):
        mlops.log_metric("acc", 1.0)
    frame = mlops.search_runs(experiment="grid", filter="params.lr = '0.1' and metrics.acc > 0.9")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns[:8]) == [
        "run_id", "experiment_id", "run_name", "status", "artifact_uri",
        "start_time", "end_time", "parent_run_id",
    ]  # fmt: skip
    assert {"metrics.acc", "params.lr", "tags.k"} <= set(frame.columns)
    assert len(frame) == 1 and frame["metrics.acc"].iloc[0] == 0.95
    assert str(frame["start_time"].dtype).startswith("datetime64")
    ordered = mlops.search_runs("grid", order_by=["metrics.acc DESC"])
    assert ordered["metrics.acc"].tolist() == [0.99, 0.95, 0.85]
    assert len(mlops.search_runs()) == 4
    assert len(mlops.search_runs(["grid", "other"], max_results=2)) == 2
    with pytest.raises(MLOpsError) as error:
        mlops.search_runs("nope")
    assert error.value.field == "experiment"
    with pytest.raises(MLOpsError) as error:
        mlops.search_runs(filter="metrics.acc >> 1")
    assert error.value.field == "filter" and "'>'" in error.value.message
    runs = mlops.search_runs("grid", output_format="list")
    assert len(runs) == 3


def test_artifacts_text_dict_and_figures(tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("hello")
    figure = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2]))
    with mlops.start_run() as run:
        assert mlops.log_artifact(source) == "notes.txt"
        assert mlops.log_text("# summary", "docs/summary.md") == "docs/summary.md"
        assert mlops.log_dict({"a": 1}, "meta.json") == "meta.json"
        assert mlops.log_figure(figure, "curve") == ["figures/curve.json", "figures/curve.html"]
        with pytest.raises(MLOpsError) as error:
            mlops.log_text("x", "../outside.txt")
        assert error.value.code is ErrorCode.FORBIDDEN
        with pytest.raises(MLOpsError):
            mlops.log_figure(object(), "nope")
    store = get_client().store
    root = store.artifact_root(run.run_id)
    assert (root / "notes.txt").read_text() == "hello"
    stored = json.loads((root / "figures" / "curve.json").read_text())
    assert stored["data"][0]["type"] == "scatter"
    assert "<html>" in (root / "figures" / "curve.html").read_text()
    assert json.loads((root / "meta.json").read_text()) == {"a": 1}
    assert {a.path for a in store.list_artifacts(run.run_id)} == {
        "docs", "figures", "meta.json", "notes.txt",
    }  # fmt: skip


def test_set_experiment_is_used_by_later_runs():
    experiment = mlops.set_experiment("chosen")
    try:
        with mlops.start_run() as run:
            pass
        assert run.experiment_id == experiment.experiment_id
    finally:
        fluent._experiment_name = None


def test_points_for_a_missing_run_are_reported_and_do_not_block_others():
    with mlops.start_run() as run:
        mlops.log_metric("kept", 1.0)
        mlops.log_metric("lost", 1.0, run_id="0" * 32)
        with pytest.raises(MLOpsError) as error:
            mlops.flush()
        assert "0" * 32 in error.value.message
        mlops.flush()  # reported once
    assert mlops.get_run(run.run_id).metrics == {"kept": 1.0}
