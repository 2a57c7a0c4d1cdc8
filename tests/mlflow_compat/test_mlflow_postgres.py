"""The MLflow facade and the importer on a PostgreSQL store: the same client calls round-trip
(NaN and infinities, steps, timestamps, search, nested runs, artifacts, delete/restore) and an
MLflow store imports field by field."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_mlops.core.db import Database
from jupyter_mlops.mlflow_compat.importer import SOURCE_TAG, import_mlflow
from jupyter_mlops.tracking.entities import RunView
from jupyter_mlops.tracking.store import TrackingStore

from ..support.mlflow_lab import MLOpsServer
from ..support.mlflow_sqlite import mlflow_sqlite_store
from ..support.postgres import PostgresServer

mlflow = pytest.importorskip("mlflow")
from mlflow.entities import Metric  # noqa: E402


@pytest.fixture(scope="module")
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def pg_store(pg_url: str, tmp_path: Path) -> Iterator[TrackingStore]:
    database = Database(pg_url)
    yield TrackingStore(database, tmp_path / "data")
    database.close()


def test_the_facade_round_trips_on_postgresql(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = MLOpsServer(tmp_path / "server", {"JUPYTER_MLOPS_DB_URL": pg_url}).start()
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", server.token)
    client = mlflow.MlflowClient(tracking_uri=server.tracking_uri)
    try:
        experiment_id = client.create_experiment("pg-facade")
        parent = client.create_run(experiment_id, run_name="parent")
        child = client.create_run(
            experiment_id, run_name="child", tags={"mlflow.parentRunId": parent.info.run_id}
        )
        values = [1.5, float("nan"), float("inf"), float("-inf")]
        client.log_batch(
            parent.info.run_id,
            metrics=[Metric("loss", v, 1_700_000_000_000 + i, i) for i, v in enumerate(values)],
        )
        client.log_param(parent.info.run_id, "lr", "0.1")
        client.set_tag(parent.info.run_id, "team", "vision")
        client.log_metric(child.info.run_id, "loss", 0.5)
        (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 100)
        client.log_artifact(parent.info.run_id, str(tmp_path / "blob.bin"), "data")
        client.set_terminated(parent.info.run_id)
        history = client.get_metric_history(parent.info.run_id, "loss")
        assert [(m.step, m.timestamp) for m in history] == [
            (i, 1_700_000_000_000 + i) for i in range(4)
        ]
        got = [m.value for m in history]
        assert got[0] == 1.5 and math.isnan(got[1]) and got[2:] == [math.inf, -math.inf]
        found = client.search_runs(
            [experiment_id], "params.lr = '0.1' and tags.team = 'vision'", order_by=["start_time"]
        )
        assert [r.info.run_id for r in found] == [parent.info.run_id]
        kids = client.search_runs(
            [experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
        )
        assert [r.info.run_id for r in kids] == [child.info.run_id]
        client.delete_run(child.info.run_id)
        assert [r.info.run_id for r in client.search_runs([experiment_id])] == [parent.info.run_id]
        client.restore_run(child.info.run_id)
        out = client.download_artifacts(parent.info.run_id, "data", str(tmp_path / "out"))
        assert (Path(out) / "blob.bin").read_bytes() == bytes(range(256)) * 100
    finally:
        server.stop()


def test_an_mlflow_store_imports_into_postgresql(pg_store: TrackingStore, tmp_path: Path) -> None:
    source = mlflow_sqlite_store(tmp_path / "mlflow.db")
    client = mlflow.MlflowClient(tracking_uri=source)
    # Not MLflow's default ./mlruns artifact root: keep the checkout clean.
    experiment_id = client.create_experiment(
        "pg-import", artifact_location=(tmp_path / "artifacts").as_uri()
    )
    run = client.create_run(experiment_id, start_time=1_600_000_000_000, run_name="r")
    client.log_batch(
        run.info.run_id,
        metrics=[Metric("m", v, 1_600_000_000_001 + i, i) for i, v in enumerate([2.0, math.nan])],
    )
    client.log_param(run.info.run_id, "p", "v")
    client.set_terminated(run.info.run_id, "FAILED", end_time=1_600_000_009_000)
    report = import_mlflow(source, pg_store)
    assert (report.runs_copied, report.failures) == (1, [])
    assert import_mlflow(source, pg_store).runs_skipped == 1
    target = pg_store.get_experiment_by_name("pg-import")
    assert target is not None
    [ours] = pg_store.search_runs([target.experiment_id], run_view=RunView.ALL).runs
    assert ours.tags[SOURCE_TAG] == run.info.run_id
    assert (ours.name, ours.status, ours.start_time, ours.end_time) == (
        "r", "FAILED", 1_600_000_000_000, 1_600_000_009_000
    )  # fmt: skip
    assert ours.params == {"p": "v"}
    points = pg_store.metric_history(ours.run_id, "m")
    assert [(p.step, p.timestamp) for p in points] == [
        (0, 1_600_000_000_001),
        (1, 1_600_000_000_002),
    ]
    assert points[0].value == 2.0 and math.isnan(points[1].value)
