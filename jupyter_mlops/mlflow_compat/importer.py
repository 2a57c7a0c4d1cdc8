"""Copy an MLflow tracking store into the workbench, read with MLflow's own client.

`import_mlflow(source)` takes any MLflow tracking URI (an `mlruns` folder, `sqlite:///...`,
`postgresql://...`, `http://host:5000`) and copies experiments (by name: an existing
experiment of the same name receives the runs and the tags it lacks), runs with status, times,
name, user,
parent/child, params, tags, full metric histories and artifacts (with MLflow 3 logged models'
files in the run's artifacts under the model's name, as the facade stores them).

Each run is read whole from the source first (into memory and a temporary folder), then
written; a run that cannot be read is reported and skipped, and one whose writing fails is
deleted again, so no run is ever half-copied. A copied run carries the tag
`mlops.import.source_run_id`: importing again skips it (nothing doubles).

Artifact reads are confined to the source: a run (or logged model) whose artifact URI is a
local path outside the source store's folder (the `mlruns` folder; for `sqlite:///`, the
database's folder; none for a server or a database server, whose artifacts come over the
network), or whose artifact folder holds a link leading out of it, is refused and reported:
the store's own metadata must not make the import copy other files of this machine. Extra
folders can be allowed by name (`artifact_roots`, `--artifact-root`).

A file store is read run by run (its folders), so one unreadable run (a `meta.yaml` that is
not YAML or carries a `!!python` tag (MLflow reads it with a safe loader: nothing runs), a
malformed metric line) is reported by id and skipped while the rest of its experiment comes.
Reading a run (confined, whole) is `import_reading`'s; writing it and the report are here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import MLOpsError
from ..tracking.entities import RunView
from ..tracking.store import TrackingStore
from .import_reading import (
    OutsideSource,
    SourceRun,
    all_pages,
    artifact_roots,
    local_path,
    read_run,
    unreadable_reason,
)

SOURCE_TAG = "mlops.import.source_run_id"
PARENT_TAG = "mlflow.parentRunId"
PAGE = 1000


@dataclass
class ImportReport:
    """What an import did."""

    experiments: int = 0
    experiments_created: int = 0
    runs_copied: int = 0
    runs_skipped: int = 0
    metric_points: int = 0
    artifact_files: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (run id or experiment, why)

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"experiments: {self.experiments} ({self.experiments_created} new)",
            f"runs copied: {self.runs_copied}, already there: {self.runs_skipped}, "
            f"failed: {len(self.failures)}",
            f"metric points: {self.metric_points}, artifact files: {self.artifact_files}",
        ]
        lines += [f"  {what} skipped: {reason}" for what, reason in self.failures]
        return "\n".join(lines)


def tracking_uri(source: str) -> str:
    """An MLflow tracking URI for `source` (a folder path becomes a `file://` URI)."""
    if "://" in source or source.startswith(("file:", "sqlite:", "databricks")):
        return source
    return Path(source).expanduser().resolve().as_uri()


# MLflow 3 refuses file stores unless asked (reading one is what an import is for), and its
# own per-run download bars would break the import's progress bar.
_MLFLOW_ENV = {"MLFLOW_ALLOW_FILE_STORE": "true", "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}


def import_mlflow(
    source: str,
    store: TrackingStore,
    experiment_names: Sequence[str] | None = None,
    progress: Callable[[int], Any] | None = None,
    on_total: Callable[[int], Any] | None = None,
    artifact_roots: Sequence[Path | str] = (),
) -> ImportReport:
    """Copy the source's experiments (all active ones, or those named) into `store`.

    `on_total(n)` is called once the number of runs is known and `progress(1)` after each
    run (a progress bar's `total`/`update`). `artifact_roots`: local folders besides the
    source store that runs' artifacts may be read from. Raises `MLOpsError` when the source
    cannot be opened or a named experiment does not exist there.
    """
    previous = {name: os.environ.get(name) for name in _MLFLOW_ENV}
    os.environ.update(_MLFLOW_ENV)
    try:
        extra = [Path(root).expanduser().resolve() for root in artifact_roots]
        return _import(source, store, experiment_names, progress, on_total, extra)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _import(
    source: str,
    store: TrackingStore,
    experiment_names: Sequence[str] | None,
    progress: Callable[[int], Any] | None,
    on_total: Callable[[int], Any] | None,
    extra_roots: list[Path],
) -> ImportReport:
    try:
        import mlflow  # noqa: F401
        from mlflow import MlflowClient
        from mlflow.entities import ViewType
    except ImportError:
        raise MLOpsError(
            "importing from MLflow needs the mlflow package: pip install 'jupyter-mlops[mlflow]'",
            field="source",
        ) from None
    uri = tracking_uri(source)
    if uri.startswith("file:") and not Path(uri.removeprefix("file://")).is_dir():
        raise MLOpsError(f"no MLflow store at {source}", field="source")
    client = MlflowClient(tracking_uri=uri)
    roots = [*artifact_roots(uri), *extra_roots]
    try:
        experiments = all_pages(
            lambda token: client.search_experiments(
                view_type=ViewType.ACTIVE_ONLY, max_results=PAGE, page_token=token
            )
        )
    except Exception as error:
        raise MLOpsError(f"cannot read MLflow store {source}: {error}", field="source") from None
    if experiment_names:
        by_name = {e.name: e for e in experiments}
        missing = [name for name in experiment_names if name not in by_name]
        if missing:
            raise MLOpsError(
                f"no experiment {', '.join(map(repr, missing))} in {source}", field="experiment"
            )
        experiments = [by_name[name] for name in experiment_names]
    report = ImportReport()
    plans = []
    for experiment in experiments:

        def fetch(token: str | None, experiment_id: str = experiment.experiment_id) -> Any:
            return client.search_runs(
                [experiment_id], run_view_type=ViewType.ALL, max_results=PAGE, page_token=token
            )

        try:
            if uri.startswith("file:"):
                runs = _file_store_runs(client, uri, experiment.experiment_id, report)
            else:
                runs = all_pages(fetch)
        except Exception as error:  # the source cannot list them: say so, go on
            report.failures.append((f"experiment {experiment.name!r}", f"runs unreadable: {error}"))
            continue
        plans.append((experiment, _parents_first(runs)))
    if on_total is not None:
        on_total(sum(len(runs) for _, runs in plans))
    for experiment, runs in plans:
        target = store.get_experiment_by_name(experiment.name)
        if target is None:
            report.experiments_created += 1
        target = store.get_or_create_experiment(experiment.name)
        report.experiments += 1
        _copy_experiment_tags(store, target.experiment_id, experiment, report)
        copied = _imported_runs(store, target.experiment_id)
        for run in runs:
            _import_run(client, store, target.experiment_id, run, copied, report, roots)
            if progress is not None:
                progress(1)
    return report


def _copy_experiment_tags(
    store: TrackingStore, experiment_id: str, experiment: Any, report: ImportReport
) -> None:
    """The source experiment's tags the target lacks (a tag set here is never overwritten)."""
    have = store.get_experiment_tags([experiment_id]).get(experiment_id, {})
    for key, value in dict(getattr(experiment, "tags", None) or {}).items():
        if key in have:
            continue
        try:
            store.set_experiment_tags(experiment_id, {key: value})
        except MLOpsError as error:
            report.failures.append((f"experiment {experiment.name!r} tag {key!r}", error.message))


def _file_store_runs(client: Any, uri: str, experiment_id: str, report: ImportReport) -> list[Any]:
    """Every run of a file-store experiment, read one by one: a run MLflow cannot read is
    reported by its folder's name and skipped (MLflow's own search fails for the whole
    experiment, or drops the run without a word)."""
    folder = local_path(uri) / experiment_id
    runs = []
    for run_folder in sorted(p for p in folder.iterdir() if (p / "meta.yaml").is_file()):
        run_id = run_folder.name
        try:
            run = client.get_run(run_id)
        except Exception as error:
            report.failures.append((f"run {run_id}", f"cannot be read: {unreadable_reason(error)}"))
            continue
        if run.info.experiment_id != experiment_id:
            report.failures.append(
                (f"run {run_id}", f"cannot be read: its meta.yaml names experiment "
                 f"{run.info.experiment_id}, not {experiment_id}")
            )  # fmt: skip
            continue
        runs.append(run)
    return runs


def _parents_first(runs: list[Any]) -> list[Any]:
    """Runs ordered so that a parent comes before its children (then by start time)."""
    by_id = {run.info.run_id: run for run in runs}
    ordered: list[Any] = []
    placed: set[str] = set()

    def place(run: Any, seen: frozenset[str] = frozenset()) -> None:
        run_id = run.info.run_id
        if run_id in placed or run_id in seen:
            return
        parent = run.data.tags.get(PARENT_TAG)
        if parent in by_id:
            place(by_id[parent], seen | {run_id})
        placed.add(run_id)
        ordered.append(run)

    for run in sorted(runs, key=lambda r: (r.info.start_time or 0, r.info.run_id)):
        place(run)
    return ordered


def _imported_runs(store: TrackingStore, experiment_id: str) -> dict[str, str]:
    """`{source run id: run id here}` of the runs imported into the experiment before."""
    found: dict[str, str] = {}
    token = None
    while True:
        page = store.search_runs(
            [experiment_id],
            f"tags.`{SOURCE_TAG}` IS NOT NULL",
            max_results=10_000,
            page_token=token,
            run_view=RunView.ALL,
        )
        found.update({run.tags[SOURCE_TAG]: run.run_id for run in page.runs})
        token = page.next_page_token
        if token is None:
            return found


def _import_run(
    client: Any,
    store: TrackingStore,
    experiment_id: str,
    run: Any,
    copied: dict[str, str],
    report: ImportReport,
    roots: Sequence[Path],
) -> None:
    source_id = run.info.run_id
    if source_id in copied:
        report.runs_skipped += 1
        return
    folder = Path(tempfile.mkdtemp(prefix="mlops-import-"))
    try:
        try:
            read = read_run(client, run, folder, roots)
        except OutsideSource as refusal:
            report.failures.append((f"run {source_id}", str(refusal)))
            return
        except Exception as error:  # any failure of the source: report, copy nothing
            report.failures.append(
                (f"run {source_id}", f"cannot be read: {unreadable_reason(error)}")
            )
            return
        try:
            copied[source_id] = _write_run(store, experiment_id, read, copied)
        except MLOpsError as error:
            report.failures.append((f"run {source_id}", f"cannot be written: {error.message}"))
            return
        report.runs_copied += 1
        report.metric_points += len(read.histories)
        if read.artifacts is not None:
            report.artifact_files += sum(1 for p in read.artifacts.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_run(
    store: TrackingStore, experiment_id: str, read: SourceRun, copied: dict[str, str]
) -> str:
    info, data = read.run.info, read.run.data
    parent = copied.get(data.tags.get(PARENT_TAG, ""))
    tags = dict(data.tags)
    if parent is not None:
        tags[PARENT_TAG] = parent
    created = store.create_run(
        experiment_id,
        info.run_name or data.tags.get("mlflow.runName") or None,
        start_time=info.start_time,
        parent_run_id=parent,
        user=info.user_id or data.tags.get("mlflow.user") or None,
    )
    try:
        store.log_batch(created.run_id, params=data.params, tags=tags)
        for start in range(0, len(read.histories), 10_000):
            store.log_batch(created.run_id, metrics=read.histories[start : start + 10_000])
        if read.artifacts is not None:
            for entry in sorted(read.artifacts.iterdir()):
                store.log_artifact(created.run_id, entry)
        store.update_run(created.run_id, status=info.status, end_time=info.end_time)
        # Last: only a complete copy is marked as imported.
        store.log_batch(created.run_id, tags={SOURCE_TAG: info.run_id})
        if info.lifecycle_stage == "deleted":
            store.delete_run(created.run_id)
    except MLOpsError:
        store.delete_run(created.run_id)
        raise
    return created.run_id
