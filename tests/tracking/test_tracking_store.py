"""`TrackingStore` against real SQLite and PostgreSQL stores: runs, params, metrics, search,
artifacts."""

from __future__ import annotations

import itertools
import math
import os

import pytest

from jupyter_mlops.core.errors import ErrorCode, MLOpsError, NotFoundError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.entities import Metric, RunStatus
from jupyter_mlops.tracking.store import TrackingStore


@pytest.fixture
def store(db_url, mlops_store):
    return TrackingStore(get_database(), mlops_store)


@pytest.fixture
def experiment(store):
    return store.get_or_create_experiment("exp")


def test_experiments_are_created_once_and_listed_with_run_counts(store):
    first = store.get_or_create_experiment("alpha")
    again = store.get_or_create_experiment("alpha")
    other = store.get_or_create_experiment("beta")
    assert first == again
    assert first.experiment_id != other.experiment_id
    store.create_run(first.experiment_id)
    store.create_run(first.experiment_id)
    listed = {e.name: e.run_count for e in store.list_experiments()}
    assert listed == {"alpha": 2, "beta": 0}
    assert store.get_experiment_by_name("gamma") is None
    with pytest.raises(NotFoundError):
        store.get_experiment("999")


def test_bad_experiment_ids_and_names_name_the_field(store):
    with pytest.raises(MLOpsError) as error:
        store.get_experiment("abc")
    assert error.value.field == "experiment_id"
    with pytest.raises(MLOpsError) as error:
        store.get_or_create_experiment("   ")
    assert error.value.field == "experiment"


def test_a_run_keeps_its_params_tags_and_provenance(store, experiment, mlops_store):
    run = store.create_run(
        experiment.experiment_id,
        "first",
        params={"lr": 0.1, "depth": 3},
        tags={"team": "a"},
        notebook_path="/nb/train.ipynb",
        cell_source="print(1)",
        git_commit="abc",
        git_dirty=True,
        environment={"python": "3.11"},
    )
    got = store.get_run(run.run_id)
    assert got == run
    assert got.status == RunStatus.RUNNING.value
    assert got.params == {"depth": "3", "lr": "0.1"}
    assert got.tags == {"team": "a"}
    assert (got.notebook_path, got.cell_source, got.git_commit, got.git_dirty) == (
        "/nb/train.ipynb", "print(1)", "abc", True,
    )  # fmt: skip
    assert got.environment == {"python": "3.11"}
    expected_root = mlops_store / "artifacts" / experiment.experiment_id / run.run_id
    assert got.artifact_uri == str(expected_root)


def test_params_are_immutable(store, experiment):
    run = store.create_run(experiment.experiment_id, params={"lr": "0.1"})
    store.log_batch(run.run_id, params={"lr": "0.1", "n": 5})  # same value: fine
    with pytest.raises(MLOpsError) as error:
        store.log_batch(run.run_id, params={"lr": "0.2", "other": "x"})
    assert error.value.code is ErrorCode.CONFLICT
    assert error.value.field == "params.lr"
    assert "'0.1'" in error.value.message and "'0.2'" in error.value.message
    # The failed batch wrote nothing.
    assert store.get_run(run.run_id).params == {"lr": "0.1", "n": "5"}


def test_tags_can_change_and_be_deleted(store, experiment):
    run = store.create_run(experiment.experiment_id, tags={"stage": "dev"})
    store.log_batch(run.run_id, tags={"stage": "prod", "owner": "me"})
    assert store.get_run(run.run_id).tags == {"owner": "me", "stage": "prod"}
    store.delete_tag(run.run_id, "owner")
    assert store.get_run(run.run_id).tags == {"stage": "prod"}
    with pytest.raises(NotFoundError):
        store.delete_tag(run.run_id, "owner")


def test_latest_metric_is_the_largest_step_whatever_the_order(store, experiment):
    run = store.create_run(experiment.experiment_id)
    store.log_batch(run.run_id, metrics=[Metric("loss", 0.5, 5, 100), Metric("loss", 0.9, 1, 200)])
    store.log_batch(run.run_id, metrics=[Metric("loss", 0.7, 3, 300)])
    assert store.get_run(run.run_id).metrics == {"loss": 0.5}
    store.log_batch(run.run_id, metrics=[Metric("loss", 0.4, 5, 400)])  # same step, later
    assert store.get_run(run.run_id).metrics == {"loss": 0.4}
    history = store.metric_history(run.run_id, "loss")
    assert [(p.step, p.value) for p in history] == [(1, 0.9), (3, 0.7), (5, 0.5), (5, 0.4)]


def test_nan_and_infinite_metrics_round_trip(store, experiment):
    run = store.create_run(experiment.experiment_id)
    store.log_batch(run.run_id, metrics=[Metric("a", math.nan, 0, 1), Metric("b", math.inf, 0, 1)])
    metrics = store.get_run(run.run_id).metrics
    assert math.isnan(metrics["a"])
    assert metrics["b"] == math.inf


def test_ending_a_run_sets_its_status_and_an_unknown_run_is_not_found(store, experiment):
    run = store.create_run(experiment.experiment_id)
    store.end_run(run.run_id, "FAILED", "Traceback: boom")
    ended = store.get_run(run.run_id)
    assert (ended.status, ended.error) == ("FAILED", "Traceback: boom")
    assert ended.end_time is not None
    with pytest.raises(NotFoundError):
        store.end_run("0" * 32, "FINISHED")


def test_nan_is_a_missing_value_in_filters_and_sorting(store, experiment):
    # PostgreSQL would hold NaN above every number; it is stored as NULL there too.
    ids = {}
    for name, value in (("nan", math.nan), ("one", 1.0), ("inf", -math.inf)):
        run = store.create_run(experiment.experiment_id, name)
        store.log_metric_points([(run.run_id, "m", value, 0, 1), (run.run_id, "h", value, 1, 1)])
        ids[name] = run.run_id
    found = store.search_runs([experiment.experiment_id], "metrics.m > 0")
    assert [r.name for r in found.runs] == ["one"]
    ordered = store.search_runs([experiment.experiment_id], None, ["metrics.m DESC"])
    assert [r.name for r in ordered.runs] == ["one", "inf", "nan"]
    history = store.metric_history(ids["nan"], "h")
    assert len(history) == 1 and math.isnan(history[0].value)
    assert store.metric_history(ids["inf"], "h")[0].value == -math.inf


def test_a_copy_sized_batch_keeps_nan_infinities_and_exact_floats(store, experiment):
    # From COPY_MIN_POINTS points on, PostgreSQL gets the history as COPY text: NaN must be
    # NULL there (and in the latest value), every float must read back exactly.
    from jupyter_mlops.tracking.batch_writes import COPY_MIN_POINTS

    run = store.create_run(experiment.experiment_id)
    values = [math.nan, math.inf, -math.inf, 0.1, 1 / 3, -2.5e-300]
    points = [
        (run.run_id, "m", values[step % len(values)], step, 1000 + step)
        for step in range(COPY_MIN_POINTS + 2)
    ]
    points.append((run.run_id, "last", math.nan, 7, 1))
    store.log_metric_points(points)
    history = store.metric_history(run.run_id, "m")
    assert len(history) == COPY_MIN_POINTS + 2
    for point, (_run, _key, value, step, timestamp) in zip(history, points, strict=False):
        assert (point.step, point.timestamp) == (step, timestamp)
        assert math.isnan(point.value) if math.isnan(value) else point.value == value
    latest = store.get_run(run.run_id).metrics
    assert latest["m"] == values[(COPY_MIN_POINTS + 1) % len(values)] and math.isnan(latest["last"])


def test_bad_metric_values_and_keys_are_refused(store, experiment):
    run = store.create_run(experiment.experiment_id)
    with pytest.raises(MLOpsError) as error:
        store.log_batch(run.run_id, metrics=[Metric("acc", "high", 0, 1)])  # type: ignore[arg-type]
    assert error.value.field == "metrics.acc"
    with pytest.raises(MLOpsError) as error:
        store.log_batch(run.run_id, params={"bad\nkey": 1})
    assert error.value.field == "param"


def test_update_delete_and_restore(store, experiment):
    run = store.create_run(experiment.experiment_id, "old")
    finished = store.update_run(run.run_id, status="FINISHED", name="new")
    assert finished.status == "FINISHED" and finished.name == "new"
    assert finished.end_time is not None and finished.end_time >= finished.start_time
    with pytest.raises(MLOpsError) as error:
        store.update_run(run.run_id, status="DONE")
    assert error.value.field == "status"
    with pytest.raises(MLOpsError) as error:
        store.update_run(run.run_id, name="  ")
    assert error.value.field == "name"
    assert store.delete_run(run.run_id).deleted
    assert store.search_runs([experiment.experiment_id]).total == 0
    assert store.search_runs([experiment.experiment_id], run_view="deleted_only").total == 1
    with pytest.raises(MLOpsError):
        store.log_batch(run.run_id, tags={"x": "y"})
    assert not store.restore_run(run.run_id).deleted
    assert store.search_runs([experiment.experiment_id]).total == 1
    with pytest.raises(NotFoundError) as missing:
        store.get_run("f" * 32)
    assert missing.value.field == "run_id"


def _runs_with_accuracy(store, experiment, values):
    ids = []
    for index, value in enumerate(values):
        run = store.create_run(
            experiment.experiment_id, f"r{index}", params={"lr": "0.1" if index % 2 else "0.01"}
        )
        if value is not None:
            store.log_batch(run.run_id, metrics=[Metric("acc", value, 0, 1)])
        ids.append(run.run_id)
    return ids


def test_search_filters_and_orders_in_sql_with_missing_values_last(store, experiment):
    _runs_with_accuracy(store, experiment, [0.5, 0.9, None, 0.7, 0.95])
    page = store.search_runs([experiment.experiment_id], order_by=["metrics.acc DESC"])
    assert [r.name for r in page.runs] == ["r4", "r1", "r3", "r0", "r2"]
    page = store.search_runs([experiment.experiment_id], order_by=["metrics.acc ASC"])
    assert [r.name for r in page.runs] == ["r0", "r3", "r1", "r4", "r2"]
    page = store.search_runs(
        [experiment.experiment_id], "params.lr = '0.1' and metrics.acc > 0.8", ["name"]
    )
    assert [r.name for r in page.runs] == ["r1"]
    page = store.search_runs(None, "metrics.acc IS NULL")
    assert [r.name for r in page.runs] == ["r2"]
    page = store.search_runs(None, "metrics.acc >= 0.9 or name = 'r0'", ["name DESC"])
    assert [r.name for r in page.runs] == ["r4", "r1", "r0"]


def test_search_pages_with_tokens_and_offsets(store, experiment):
    _runs_with_accuracy(store, experiment, [i / 10 for i in range(7)])
    seen = []
    token = None
    while True:
        page = store.search_runs(None, None, ["metrics.acc"], max_results=3, page_token=token)
        assert page.total == 7
        seen += [r.name for r in page.runs]
        token = page.next_page_token
        if token is None:
            break
    assert seen == [f"r{i}" for i in range(7)]
    assert [r.name for r in store.search_runs(None, None, ["name"], offset=5).runs] == ["r5", "r6"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_results": 0}, "max_results"),
        ({"max_results": 50_001}, "max_results"),
        ({"page_token": "not-a-token"}, "page_token"),
        ({"filter_string": "metrics.acc >"}, "filter"),
        ({"order_by": ["metrics.acc sideways"]}, "order_by"),
        ({"run_view": "sometimes"}, "run_view"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_search_arguments_name_the_field(store, kwargs, field):
    with pytest.raises(MLOpsError) as error:
        store.search_runs(None, **kwargs)
    assert error.value.field == field


def test_like_is_case_sensitive_and_ilike_is_not(store, experiment):
    store.create_run(experiment.experiment_id, "Forest-1", tags={"model": "RandomForest"})
    store.create_run(experiment.experiment_id, "linear", tags={"model": "logistic_regression"})
    names = lambda f: sorted(r.name for r in store.search_runs(None, f).runs)  # noqa: E731
    assert names("tags.model LIKE '%Forest'") == ["Forest-1"]
    assert names("tags.model LIKE '%forest'") == []
    assert names("tags.model ILIKE '%forest'") == ["Forest-1"]
    # `_` is a one-character wildcard, as in SQL.
    assert names("tags.model LIKE 'logistic_regressio_'") == ["linear"]
    assert names("run_name NOT LIKE 'F%'") == ["linear"]


def test_child_runs_and_keys_in_use(store, experiment):
    parent = store.create_run(experiment.experiment_id, "parent", params={"a": 1})
    child = store.create_run(experiment.experiment_id, "child", parent_run_id=parent.run_id)
    store.log_batch(child.run_id, metrics=[Metric("acc", 1.0, 0, 1)], tags={"t": "x"})
    assert [r.run_id for r in store.child_runs(parent.run_id)] == [child.run_id]
    assert store.keys_in_use([experiment.experiment_id]) == {
        "params": ["a"], "metrics": ["acc"], "tags": ["t"],
    }  # fmt: skip
    with pytest.raises(NotFoundError) as error:
        store.create_run(experiment.experiment_id, parent_run_id="0" * 32)
    assert error.value.field == "parent_run_id"


@pytest.mark.parametrize("path", ["../escape.txt", "a/../../escape.txt", "/etc/passwd", "..\\x"])
def test_artifact_paths_cannot_escape_the_run_root(store, experiment, path):
    run = store.create_run(experiment.experiment_id)
    with pytest.raises(MLOpsError) as error:
        store.artifact_path(run.run_id, path)
    assert error.value.code is ErrorCode.FORBIDDEN
    assert error.value.field == "path"
    with pytest.raises(MLOpsError):
        store.list_artifacts(run.run_id, path)


def test_symlinks_leading_out_of_the_root_are_refused(store, experiment, tmp_path):
    run = store.create_run(experiment.experiment_id)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    store.write_artifact(run.run_id, "ok.txt", b"fine")
    root = store.artifact_root(run.run_id)
    os.symlink(secret, root / "link.txt")
    os.symlink(tmp_path, root / "linkdir")
    with pytest.raises(MLOpsError) as error:
        store.artifact_path(run.run_id, "link.txt")
    assert error.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(MLOpsError):
        store.artifact_path(run.run_id, "linkdir/secret.txt")
    assert [a.path for a in store.list_artifacts(run.run_id)] == ["ok.txt"]


def test_artifacts_are_copied_listed_and_resolved(store, experiment, tmp_path):
    run = store.create_run(experiment.experiment_id)
    assert store.list_artifacts(run.run_id) == []
    source = tmp_path / "data.csv"
    source.write_text("a,b\n1,2\n")
    folder = tmp_path / "plots"
    folder.mkdir()
    (folder / "p.txt").write_text("p")
    assert store.log_artifact(run.run_id, source, "inputs") == "inputs/data.csv"
    assert store.log_artifact(run.run_id, folder) == "plots"
    listing = store.list_artifacts(run.run_id)
    assert [(a.path, a.is_dir) for a in listing] == [("inputs", True), ("plots", True)]
    files = store.list_artifacts(run.run_id, "inputs")
    assert [(a.path, a.file_size) for a in files] == [("inputs/data.csv", 8)]
    assert store.artifact_path(run.run_id, "inputs/data.csv").read_text() == "a,b\n1,2\n"
    with pytest.raises(NotFoundError) as error:
        store.list_artifacts(run.run_id, "nothing/here")
    assert error.value.field == "path"


def test_experiment_statistics(store):
    quiet = store.get_or_create_experiment("quiet")
    busy = store.get_or_create_experiment("busy")
    done = store.create_run(busy.experiment_id, start_time=1_000)
    store.update_run(done.run_id, status="FINISHED")
    store.create_run(busy.experiment_id, start_time=5_000)
    gone = store.create_run(busy.experiment_id, start_time=9_000)
    store.delete_run(gone.run_id)
    stats = store.get_experiment(busy.experiment_id)
    assert (stats.run_count, stats.active_run_count, stats.last_run_time) == (2, 1, 5_000)
    listed = {
        e.name: (e.run_count, e.active_run_count, e.last_run_time) for e in store.list_experiments()
    }
    assert listed == {"busy": (2, 1, 5_000), "quiet": (0, 0, None)}
    assert store.get_experiment(quiet.experiment_id).run_count == 0


def test_metric_summaries_count_points(store, experiment):
    run = store.create_run(experiment.experiment_id)
    store.log_batch(run.run_id, metrics=[Metric("loss", 1.0 / (s + 1), s, s) for s in range(10)])
    store.log_batch(run.run_id, metrics=[Metric("acc", 0.5, 0, 1)])
    summaries = store.metric_summaries(run.run_id)
    assert [(m.key, m.value, m.step, m.points) for m in summaries] == [
        ("acc", 0.5, 0, 1), ("loss", 0.1, 9, 10),
    ]  # fmt: skip


def test_a_long_history_can_be_sampled_evenly(store, experiment):
    run = store.create_run(experiment.experiment_id)
    store.log_batch(run.run_id, metrics=[Metric("x", float(s), s, 0) for s in range(1000)])
    sampled = store.metric_history(run.run_id, "x", max_points=100)
    steps = [p.step for p in sampled]
    assert len(steps) <= 100 and steps[0] == 0 and steps[-1] == 999  # at most max_points
    assert steps == sorted(steps)
    gaps = {b - a for a, b in itertools.pairwise(steps)}
    assert max(gaps) <= 11  # ceil(999 / 99)
    assert len(store.metric_history(run.run_id, "x", max_points=5000)) == 1000
    with pytest.raises(MLOpsError) as error:
        store.metric_history(run.run_id, "x", max_points=1)
    assert error.value.field == "max_points"


def test_keys_in_use_only_counts_active_runs_of_the_experiment(store, experiment):
    other = store.get_or_create_experiment("other")
    store.create_run(other.experiment_id, params={"elsewhere": 1})
    deleted = store.create_run(experiment.experiment_id, params={"gone": 1})
    store.delete_run(deleted.run_id)
    run = store.create_run(experiment.experiment_id, params={"b": 1, "a": 2}, tags={"t": 1})
    store.log_batch(run.run_id, metrics=[Metric("m", 1.0, 0, 0)])
    assert store.keys_in_use([experiment.experiment_id]) == {
        "params": ["a", "b"], "metrics": ["m"], "tags": ["t"],
    }  # fmt: skip
    assert store.keys_in_use()["params"] == ["a", "b", "elsewhere"]
