"""`jupyter-mlops import-mlflow`: MLflow stores built by MLflow itself (a file store and a SQLite
store) are copied into the workbench field by field; a second import copies nothing; a run
that cannot be read is reported and skipped."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlops.cli import main
from jupyter_mlops.core.config import resolve_data_dir
from jupyter_mlops.core.store import get_database
from jupyter_mlops.mlflow_compat.importer import SOURCE_TAG, import_mlflow
from jupyter_mlops.tracking.entities import RunView
from jupyter_mlops.tracking.store import TrackingStore
from tests.support.mlflow_sqlite import mlflow_sqlite_store

mlflow = pytest.importorskip("mlflow")
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag, ViewType  # noqa: E402

PAYLOAD = bytes(range(256)) * 1000 + b"tail"


def build_source(uri: str, files: Path) -> None:
    """Two experiments: a parent with a child, a failed run, a deleted run, histories with NaN
    and infinities, tags, artifacts (binary, nested); a second experiment with one run."""
    client = MlflowClient(tracking_uri=uri)
    (files / "blob.bin").write_bytes(PAYLOAD)
    (files / "tree" / "deep").mkdir(parents=True, exist_ok=True)
    (files / "tree" / "deep" / "x.txt").write_text("deep ✓")
    first = client.create_experiment("imp-a", tags={"owner": "ada", "mlflow.note.content": "ü"})
    parent = client.create_run(first, start_time=1_700_000_000_000, run_name="parent",
                               tags={"team": "vision", "mlflow.user": "ada"})  # fmt: skip
    client.log_batch(
        parent.info.run_id,
        metrics=[
            Metric("loss", v, 1_700_000_000_100 + i, i)
            for i, v in enumerate([0.9, float("nan"), float("inf"), float("-inf"), 0.1])
        ],
        params=[Param("lr", "0.01"), Param("layers", "3")],
        tags=[RunTag("note", "ünïcode")],
    )
    client.log_artifact(parent.info.run_id, str(files / "blob.bin"))
    client.log_artifacts(parent.info.run_id, str(files / "tree"), artifact_path="tree")
    client.set_terminated(parent.info.run_id, "FINISHED", end_time=1_700_000_009_000)
    child = client.create_run(first, start_time=1_700_000_001_000, run_name="child",
                              tags={"mlflow.parentRunId": parent.info.run_id})  # fmt: skip
    client.log_metric(child.info.run_id, "acc", 0.5, timestamp=1_700_000_001_500, step=3)
    client.set_terminated(child.info.run_id, "FAILED", end_time=1_700_000_002_000)
    gone = client.create_run(first, start_time=1_700_000_003_000, run_name="gone")
    client.log_param(gone.info.run_id, "p", "x")
    client.set_terminated(gone.info.run_id, "KILLED", end_time=1_700_000_004_000)
    client.delete_run(gone.info.run_id)
    second = client.create_experiment("imp-b")
    only = client.create_run(second, start_time=1_700_000_005_000, run_name="only")
    client.log_metric(only.info.run_id, "m", 1.0, timestamp=1_700_000_005_001, step=0)
    client.set_terminated(only.info.run_id, "FINISHED", end_time=1_700_000_006_000)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The same content in a file store and in a SQLite store, written by MLflow."""
    root = tmp_path_factory.mktemp("mlflow-sources")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        # A SQLite store's default artifact root is ./mlruns: keep it out of the checkout.
        patch.chdir(root)
        uris = {
            "file": (root / "mlruns").as_uri(),
            "sqlite": mlflow_sqlite_store(root / "mlflow.db"),
        }
        for kind, uri in uris.items():
            (root / kind).mkdir()
            build_source(uri, root / kind)
        yield uris


@pytest.fixture
def store(mlops_store: Path) -> TrackingStore:
    return TrackingStore(get_database(), resolve_data_dir())


def _history(client: MlflowClient, run_id: str, key: str) -> list[tuple[Any, int, int]]:
    return [_point(m.value, m.step, m.timestamp) for m in client.get_metric_history(run_id, key)]


def _experiment_id(client: MlflowClient, name: str) -> str:
    experiment = client.get_experiment_by_name(name)
    assert experiment is not None, f"no experiment {name!r} in the source"
    return str(experiment.experiment_id)


def _point(value: float, step: int, timestamp: int) -> tuple[Any, int, int]:
    return ("nan" if math.isnan(value) else value, step, timestamp)


def assert_copied_exactly(uri: str, store: TrackingStore, tmp_path: Path) -> None:
    client = MlflowClient(tracking_uri=uri)
    ours_by_source: dict[str, Any] = {}
    for name in ("imp-a", "imp-b"):
        experiment = store.get_experiment_by_name(name)
        assert experiment is not None
        page = store.search_runs([experiment.experiment_id], run_view=RunView.ALL)
        ours_by_source.update({run.tags[SOURCE_TAG]: run for run in page.runs})
    theirs = [
        run
        for name in ("imp-a", "imp-b")
        for run in client.search_runs([_experiment_id(client, name)], run_view_type=ViewType.ALL)
    ]
    assert len(theirs) == 4 and set(ours_by_source) == {r.info.run_id for r in theirs}
    for source in theirs:
        info, ours = source.info, ours_by_source[source.info.run_id]
        assert ours.name == info.run_name
        assert ours.status == info.status
        assert (ours.start_time, ours.end_time) == (info.start_time, info.end_time)
        assert ours.lifecycle_stage == info.lifecycle_stage
        assert ours.user == (info.user_id or None)
        assert dict(ours.params) == source.data.params
        expected_tags = dict(source.data.tags)
        source_parent = expected_tags.get("mlflow.parentRunId")
        if source_parent:
            assert ours.parent_run_id == ours_by_source[source_parent].run_id
            expected_tags["mlflow.parentRunId"] = ours.parent_run_id
        else:
            assert ours.parent_run_id is None
        assert {k: v for k, v in ours.tags.items() if k != SOURCE_TAG} == expected_tags
        for key in source.data.metrics:
            mine = [_point(p.value, p.step, p.timestamp)
                    for p in store.metric_history(ours.run_id, key)]  # fmt: skip
            assert mine == _history(client, info.run_id, key)
        assert set(ours.metrics) == set(source.data.metrics)
    parent = next(r for r in theirs if r.info.run_name == "parent")
    root = store.artifact_root(ours_by_source[parent.info.run_id].run_id)
    assert (root / "blob.bin").read_bytes() == PAYLOAD
    assert (root / "tree" / "deep" / "x.txt").read_text() == "deep ✓"


@pytest.mark.parametrize("kind", ["file", "sqlite"])
def test_import_copies_every_field_and_a_second_import_copies_nothing(
    kind: str, sources: dict[str, str], store: TrackingStore, tmp_path: Path
) -> None:
    first = import_mlflow(sources[kind], store)
    # MLflow's "Default" experiment (empty here) comes too.
    assert (first.experiments, first.experiments_created) == (3, 3)
    assert (first.runs_copied, first.runs_skipped, first.failures) == (4, 0, [])
    assert first.metric_points == 7 and first.artifact_files == 2
    assert_copied_exactly(sources[kind], store, tmp_path)
    target = store.get_experiment_by_name("imp-a")
    assert target is not None
    expected_tags = {"owner": "ada", "mlflow.note.content": "ü"}
    assert store.get_experiment_tags([target.experiment_id])[target.experiment_id] == expected_tags
    store.set_experiment_tags(target.experiment_id, {"owner": "changed here"})
    again = import_mlflow(sources[kind], store)
    assert store.get_experiment_tags([target.experiment_id])[target.experiment_id] == {
        **expected_tags,
        "owner": "changed here",  # a tag set in the workbench is not overwritten
    }
    assert (again.runs_copied, again.runs_skipped, again.experiments_created) == (0, 4, 0)
    total = store.search_runs(None, run_view=RunView.ALL).total
    assert total == 4
    assert_copied_exactly(sources[kind], store, tmp_path)


def test_the_command_line_copies_one_experiment_with_a_summary(
    sources: dict[str, str], store: TrackingStore, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = sources["file"].removeprefix("file://")
    assert main(["import-mlflow", folder, "--experiment", "imp-b", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "experiments: 1 (1 new)" in out and "runs copied: 1" in out
    assert store.get_experiment_by_name("imp-a") is None
    assert [r.name for r in store.search_runs(None).runs] == ["only"]
    assert main(["import-mlflow", folder, "--experiment", "nope", "--quiet"]) == 1
    assert "no experiment 'nope'" in capsys.readouterr().err


def test_a_run_that_cannot_be_read_is_reported_and_skipped(
    store: TrackingStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "mlruns"
    (tmp_path / "files").mkdir()
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    build_source(broken.as_uri(), tmp_path / "files")
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE")
    client = MlflowClient(tracking_uri=broken.as_uri())
    experiment_id = _experiment_id(client, "imp-a")
    parent = next(r for r in client.search_runs([experiment_id]) if r.info.run_name == "parent")
    blob = broken / experiment_id / parent.info.run_id / "artifacts" / "blob.bin"
    blob.unlink()
    blob.symlink_to(broken / "lost-disk" / "blob.bin")  # listed, but cannot be read
    report = import_mlflow(str(broken), store)
    assert report.runs_copied == 3
    assert report.failures[0][0] == f"run {parent.info.run_id}"
    assert "cannot be read" in report.failures[0][1] and len(report.failures) == 1
    runs = store.search_runs(None, run_view=RunView.ALL).runs
    assert {r.name for r in runs} == {"child", "gone", "only"}  # nothing of the parent
    assert "MLFLOW_ALLOW_FILE_STORE" not in os.environ
    # Once the source is mended, importing again copies just the missing run.
    blob.unlink()
    blob.write_bytes(PAYLOAD)
    mended = import_mlflow(str(broken), store)
    assert (mended.runs_copied, mended.runs_skipped, mended.failures) == (1, 3, [])


def _file_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, MlflowClient]:
    """A file store built by MLflow (`build_source`), and a client on it."""
    source = tmp_path / "mlruns"
    (tmp_path / "files").mkdir()
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    build_source(source.as_uri(), tmp_path / "files")
    return source, MlflowClient(tracking_uri=source.as_uri())


def _run_named(client: MlflowClient, experiment: str, name: str) -> Any:
    experiment_id = _experiment_id(client, experiment)
    return next(r for r in client.search_runs([experiment_id]) if r.info.run_name == name)


def test_a_run_whose_artifact_uri_leaves_the_file_store_is_refused(
    store: TrackingStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, client = _file_source(tmp_path, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not for the store")
    parent = _run_named(client, "imp-a", "parent")
    meta = source / parent.info.experiment_id / parent.info.run_id / "meta.yaml"
    text = meta.read_text()
    assert parent.info.artifact_uri in text
    meta.write_text(text.replace(parent.info.artifact_uri, elsewhere.as_uri()))
    report = import_mlflow(str(source), store)
    assert report.runs_copied == 3
    assert [what for what, _ in report.failures] == [f"run {parent.info.run_id}"]
    assert "outside the source store" in report.failures[0][1]
    assert elsewhere.as_uri() in report.failures[0][1]
    copied = store.search_runs(None, run_view=RunView.ALL).runs
    assert {r.name for r in copied} == {"child", "gone", "only"}
    assert not list(resolve_data_dir().rglob("secret.txt"))


def test_a_sqlite_run_whose_artifact_uri_leaves_the_store_folder_is_refused(
    store: TrackingStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    monkeypatch.chdir(tmp_path)  # the SQLite store's artifacts go to ./mlruns beside it
    database = tmp_path / "mlflow.db"
    (tmp_path / "files").mkdir()
    build_source(mlflow_sqlite_store(database), tmp_path / "files")
    client = MlflowClient(tracking_uri=f"sqlite:///{database}")
    parent = _run_named(client, "imp-a", "parent")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not for the store")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE runs SET artifact_uri = ? WHERE run_uuid = ?",
            (elsewhere.as_uri(), parent.info.run_id),
        )
    report = import_mlflow(f"sqlite:///{database}", store)
    assert report.runs_copied == 3
    assert [what for what, _ in report.failures] == [f"run {parent.info.run_id}"]
    assert "outside the source store" in report.failures[0][1]
    assert not list(resolve_data_dir().rglob("secret.txt"))
    # An administrator who knows the folder names it: then the run comes.
    again = import_mlflow(f"sqlite:///{database}", store, artifact_roots=[elsewhere])
    assert (again.runs_copied, again.failures) == (1, [])


def test_an_artifact_symlink_leaving_the_store_is_refused(
    store: TrackingStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, client = _file_source(tmp_path, monkeypatch)
    (tmp_path / "secret.txt").write_text("not for the store")
    parent = _run_named(client, "imp-a", "parent")
    artifacts = source / parent.info.experiment_id / parent.info.run_id / "artifacts"
    (artifacts / "tree" / "link.txt").symlink_to(tmp_path / "secret.txt")
    report = import_mlflow(str(source), store)
    assert [what for what, _ in report.failures] == [f"run {parent.info.run_id}"]
    assert "outside the source store" in report.failures[0][1]
    assert not list(resolve_data_dir().rglob("link.txt"))


def test_unreadable_runs_skip_only_themselves_and_say_why(
    store: TrackingStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-YAML meta.yaml, a `!!python` tag (never run) and a malformed metric line: each
    such run is reported by id; every other run of the same experiment is copied."""
    source, client = _file_source(tmp_path, monkeypatch)
    experiment_id = _experiment_id(client, "imp-a")
    broken = {}
    for kind in ("not-yaml", "python-tag", "bad-metric"):
        run = client.create_run(experiment_id, run_name=kind)
        client.log_metric(run.info.run_id, "loss", 0.5, step=1)
        client.set_terminated(run.info.run_id)
        broken[kind] = run.info.run_id
    folder = source / experiment_id
    (folder / broken["not-yaml"] / "meta.yaml").write_text("run_id: [unclosed\n  : : :")
    marker = tmp_path / "ran"
    meta = folder / broken["python-tag"] / "meta.yaml"
    meta.write_text(
        meta.read_text() + f"extra: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    (folder / broken["bad-metric"] / "metrics" / "loss").write_text("12 not-a-number 1 x\n")
    report = import_mlflow(str(source), store)
    assert not marker.exists()
    assert report.runs_copied == 4  # parent, child, gone and the other experiment's run
    failed = dict(report.failures)
    assert set(failed) == {f"run {run_id}" for run_id in broken.values()}
    assert all("cannot be read" in why for why in failed.values())
    assert "meta.yaml" in failed[f"run {broken['not-yaml']}"]
    assert "python" in failed[f"run {broken['python-tag']}"]
    assert "loss" in failed[f"run {broken['bad-metric']}"]
    copied = store.search_runs(None, run_view=RunView.ALL).runs
    assert {r.name for r in copied} == {"parent", "child", "gone", "only"}
    summary = report.summary()
    assert all(run_id in summary for run_id in broken.values())
