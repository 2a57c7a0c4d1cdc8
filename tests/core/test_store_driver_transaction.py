"""`Database.driver_transaction` (the run-starting and run-ending hot path without a Session):
commits, rolls back, maps driver errors as `Database.session` does, and the runs it writes read
back exactly as before, on real SQLite and PostgreSQL stores."""

from __future__ import annotations

import pytest

from jupyter_mlops.core.errors import ErrorCode, MLOpsError, NotFoundError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.team import settings
from jupyter_mlops.core.team.identity import acting_as
from jupyter_mlops.tracking.entities import RunStatus
from jupyter_mlops.tracking.store import TrackingStore


@pytest.fixture
def store(db_url, mlops_store):
    return TrackingStore(get_database(), mlops_store)


def _count_runs(database) -> int:
    with database.driver_transaction() as connection:
        return int(connection.execute("SELECT COUNT(*) FROM tracking_runs").fetchone()[0])


def test_an_error_inside_rolls_back_and_a_duplicate_is_a_conflict(store):
    database = store.database
    experiment = store.get_or_create_experiment("exp")
    run = store.create_run(experiment.experiment_id, params={"a": 1})
    before = _count_runs(database)
    marks = database.markers(2)
    with pytest.raises(MLOpsError) as caught, database.driver_transaction() as connection:
        connection.execute(
            f"UPDATE tracking_runs SET name = {marks.split(', ')[0]} "
            f"WHERE run_id = {marks.split(', ')[1]}",
            ("renamed", run.run_id),
        )
        connection.execute(
            f"INSERT INTO tracking_params (run_id, key, value) VALUES ({database.markers(3)})",
            (run.run_id, "a", "2"),
        )
    assert caught.value.code is ErrorCode.CONFLICT
    assert "tracking_params" not in caught.value.message  # never the driver's text
    assert store.get_run(run.run_id).name == run.name  # the UPDATE before it was rolled back
    assert _count_runs(database) == before
    with pytest.raises(RuntimeError), database.driver_transaction() as connection:
        connection.execute(
            f"DELETE FROM tracking_runs WHERE run_id = {database.markers(1)}", (run.run_id,)
        )
        raise RuntimeError("not a store error: passes through, after the rollback")
    assert store.get_run(run.run_id).run_id == run.run_id


def test_runs_started_and_ended_read_back_as_written(store):
    experiment = store.get_or_create_experiment("exp")
    parent = store.create_run(experiment.experiment_id, "parent")
    with acting_as("ana"):
        run = store.create_run(
            experiment.experiment_id,
            "child",
            parent_run_id=parent.run_id,
            user="ana",
            params={"lr": 0.1, "depth": 3},
            tags={"family": "trees"},
            environment={"python": "3.11"},
        )
    stored = store.get_run(run.run_id)
    assert stored.params == {"lr": "0.1", "depth": "3"}
    assert stored.tags["family"] == "trees"
    assert stored.status == "RUNNING" and stored.parent_run_id == parent.run_id
    assert stored.artifact_uri == run.artifact_uri
    store.end_run(run.run_id, RunStatus.FAILED, error="Traceback: boom")
    ended = store.get_run(run.run_id)
    assert ended.status == "FAILED" and ended.end_time is not None
    found = store.search_runs([experiment.experiment_id], "tags.mlflow.user = 'ana'")
    assert [r.run_id for r in found.runs] == [run.run_id]
    with pytest.raises(NotFoundError) as missing:
        store.end_run("0" * 32, RunStatus.FINISHED)
    assert missing.value.field == "run_id"
    with pytest.raises(NotFoundError) as no_parent:
        store.create_run(experiment.experiment_id, parent_run_id=12345)
    assert no_parent.value.field == "parent_run_id"


def test_starting_a_run_follows_the_experiments_grants(store):
    readers = settings.TeamSettings(default_permission="READ", admins=("root",))
    previous = settings.configure(readers)
    try:
        with acting_as("ana"):
            experiment = store.get_or_create_experiment("owned")  # ana owns it
            store.create_run(experiment.experiment_id)
        with acting_as("zoe"), pytest.raises(MLOpsError) as refused:
            store.create_run(experiment.experiment_id)
        assert refused.value.code is ErrorCode.FORBIDDEN and "EDIT" in refused.value.message
        with acting_as("root"):  # an admin, without a grant
            store.create_run(experiment.experiment_id)
    finally:
        settings.restore(previous)


@pytest.mark.parametrize(
    "location",
    ["/data/mlops/artifacts/1", "/data/a/", "relative/folder", "s3://bucket/p/", "s3://b"],
)
def test_a_runs_location_is_the_artifact_stores_child(location: str) -> None:
    from jupyter_mlops.core import artifact_store
    from jupyter_mlops.tracking.store import _run_location

    run_id = "0123456789abcdef0123456789abcdef"
    assert _run_location(location, run_id) == artifact_store.child(location, run_id)


def test_an_autocommit_pipeline_is_one_transaction_and_the_pool_gets_transactions_back(store):
    """`driver_transaction(autocommit=True)`: on PostgreSQL no BEGIN/COMMIT, so a pipeline is
    the server's implicit transaction (a failing statement undoes the ones before it); the
    connection goes back to the pool transactional. On SQLite it is an ordinary transaction."""
    database = store.database
    experiment = store.get_or_create_experiment("exp")
    run = store.create_run(experiment.experiment_id, params={"a": 1})
    marks = database.markers(2).split(", ")
    rename = f"UPDATE tracking_runs SET name = {marks[0]} WHERE run_id = {marks[1]}"
    duplicate = f"INSERT INTO tracking_params (run_id, key, value) VALUES ({database.markers(3)})"
    with (
        pytest.raises(MLOpsError) as caught,
        database.driver_transaction(autocommit=True) as connection,
    ):
        if database.is_sqlite:
            connection.execute(rename, ("renamed", run.run_id))
            connection.execute(duplicate, (run.run_id, "a", "2"))
        else:
            with connection.pipeline(), connection.cursor() as cursor:
                cursor.execute(rename, ("renamed", run.run_id))
                cursor.execute(duplicate, (run.run_id, "a", "2"))
    assert caught.value.code is ErrorCode.CONFLICT
    assert store.get_run(run.run_id).name == run.name  # the UPDATE was undone with it
    for _ in range(3):  # whichever pooled connection comes next rolls back as a transaction
        with pytest.raises(RuntimeError), database.driver_transaction() as connection:
            connection.execute(rename, ("renamed", run.run_id))
            raise RuntimeError("roll back")
        assert store.get_run(run.run_id).name == run.name
    store.end_run(run.run_id, RunStatus.FINISHED)
    assert store.get_run(run.run_id).status == "FINISHED"
