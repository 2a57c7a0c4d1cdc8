"""`TrackingStore`: experiments, runs, params, metrics, tags and artifacts over one `Database`.

Every public method is one managed session (`Database.session`, `write=True` for writes), takes
and returns plain entities (`tracking.entities`), and reports bad input as `MLOpsError` naming
the field. Searching, filtering, sorting and paging happen in SQL (see `search_sql`).
Artifacts live in files under `<data dir>/artifacts/<experiment_id>/<run_id>/`.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..core import artifact_store
from ..core.config import resolve_data_dir
from ..core.db import Database
from ..core.errors import MLOpsError, NotFoundError
from ..core.team.identity import current_user
from ..core.team.permissions import (
    Permission,
    grant_owner,
    refuse_below,
    require,
)
from ..core.team.permissions import from_grants as permission_from_grants
from . import artifacts, experiment_tags, page_tokens, read_queries, validation
from .base_store import BaseTrackingStore
from .batch_writes import (
    MetricPoint,
    experiment_for_new_run,
    run_exists,
    write_metric_points,
    write_new_run,
    write_params,
    write_tags,
)
from .batch_writes import (
    end_run as write_end_run,
)
from .entities import (
    ArtifactInfo,
    Experiment,
    LifecycleStage,
    Metric,
    MetricHistory,
    MetricSummary,
    Run,
    RunDetail,
    RunPage,
    RunStatus,
    RunView,
)
from .entity_rows import experiment_entity, load_runs, run_entity, stored_float
from .heartbeat import ProcessIdentity
from .metric_points import metric_step, metric_timestamp
from .names import random_run_name
from .search_syntax import parse_filter, parse_order_by
from .tables import ExperimentRow, LatestMetricRow, RunRow, TagRow

MAX_RESULTS_LIMIT = 50_000


class TrackingStore(BaseTrackingStore):
    """The tracking store. Thread-safe; one per process is enough (see `get_tracking_store`).

    `data_dir` is where artifacts go (default: `resolve_data_dir()`) unless an artifact root is
    configured (`$JUPYTER_MLOPS_ARTIFACT_ROOT`, any fsspec URI: `core.artifact_store`); an
    experiment's own `artifact_location` overrides both for its runs.
    """

    def __init__(self, database: Database, data_dir: str | os.PathLike[str] | None = None):
        self.database = database
        self.data_dir = Path(data_dir) if data_dir is not None else resolve_data_dir()
        self.artifact_base = artifact_store.resolve_artifact_root(data_dir=self.data_dir)
        self._dialect = database.engine.dialect.name

    # --- experiments -------------------------------------------------------------------

    def list_experiments(self, view: RunView | str = RunView.ACTIVE_ONLY) -> list[Experiment]:
        """Experiments by name, with their run count, running count and last run time."""
        stages = validation.lifecycle_stages(view)
        with self.database.session() as session:
            return read_queries.experiments_with_stats(
                session, ExperimentRow.lifecycle_stage.in_(stages)
            )

    def get_experiment(self, experiment_id: str | int) -> Experiment:
        """One experiment by id, with its run statistics (NotFound otherwise)."""
        key = validation.experiment_int(experiment_id)
        with self.database.session() as session:
            found = read_queries.experiments_with_stats(session, ExperimentRow.experiment_id == key)
        if not found:
            raise NotFoundError(f"no experiment {experiment_id}", field="experiment_id")
        return found[0]

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment called `name`, or None."""
        with self.database.session() as session:
            row = session.scalars(select(ExperimentRow).where(ExperimentRow.name == name)).first()
            return experiment_entity(row) if row is not None else None

    def get_or_create_experiment(
        self, name: str | None = None, artifact_location: str | None = None
    ) -> Experiment:
        """The experiment called `name` (default "Default"), created when missing.

        `artifact_location` (a folder or fsspec URI) is where a new experiment's runs keep their
        artifacts instead of `<artifact root>/<experiment_id>`. Safe when several processes
        create the same name at once (the write lock, or on other databases the unique name,
        makes one of them win; the others read its row).
        """
        name = validation.experiment_name(name)
        existing = self.get_experiment_by_name(name)
        if existing is not None:
            return existing
        try:
            with self.database.session(write=True) as session:
                row = session.scalars(
                    select(ExperimentRow).where(ExperimentRow.name == name)
                ).first()
                if row is None:
                    row = self._insert_experiment(session, name, artifact_location)
                return experiment_entity(row)
        except MLOpsError:
            found = self.get_experiment_by_name(name)
            if found is None:
                raise
            return found

    def _insert_experiment(
        self, session: Session, name: str, artifact_location: str | None = None
    ) -> ExperimentRow:
        now = validation.now_ms()
        row = ExperimentRow(
            name=name,
            artifact_location="",
            lifecycle_stage=LifecycleStage.ACTIVE.value,
            creation_time=now,
            last_update_time=now,
        )
        session.add(row)
        session.flush()
        row.artifact_location = (
            artifact_store.normalize(artifact_location)
            if artifact_location
            else artifact_store.child(self.artifact_base, str(row.experiment_id))
        )
        grant_owner(session, experiment=row.experiment_id)  # its creator manages it
        return row

    def delete_experiment(self, experiment_id: str | int) -> Experiment:
        """Soft-delete an experiment and its active runs (`restore_experiment` undoes both)."""
        return self._set_experiment_stage(experiment_id, LifecycleStage.DELETED)

    def restore_experiment(self, experiment_id: str | int) -> Experiment:
        """Bring a deleted experiment back with the runs its deletion deleted."""
        return self._set_experiment_stage(experiment_id, LifecycleStage.ACTIVE)

    def _set_experiment_stage(self, experiment_id: str | int, stage: LifecycleStage) -> Experiment:
        with self.database.session(write=True) as session:
            row = self._experiment_row(session, experiment_id)
            require(
                session,
                Permission.MANAGE,
                experiment=row.experiment_id,
                action="delete or restore it",
            )
            experiment_tags.set_stage(session, row, stage, validation.now_ms())
        return self.get_experiment(experiment_id)

    def rename_experiment(self, experiment_id: str | int, new_name: str) -> Experiment:
        """Rename an active experiment (its runs and artifacts stay where they are)."""
        name = validation.experiment_name(new_name)
        with self.database.session(write=True) as session:
            row = self._experiment_row(session, experiment_id)
            require(session, Permission.MANAGE, experiment=row.experiment_id, action="rename it")
            if row.lifecycle_stage != LifecycleStage.ACTIVE.value:
                raise MLOpsError(f"experiment {experiment_id} is deleted", field="experiment_id")
            experiment_tags.rename(session, row, name, validation.now_ms())
        return self.get_experiment(experiment_id)

    def set_experiment_tags(self, experiment_id: str | int, tags: Mapping[str, Any]) -> None:
        """Set (or overwrite) tags of an experiment."""
        checked = validation.checked_tags(tags)
        with self.database.session(write=True) as session:
            row = self._experiment_row(session, experiment_id)
            require(session, Permission.EDIT, experiment=row.experiment_id, action="tag it")
            experiment_tags.write_tags(session, row.experiment_id, checked)

    def delete_experiment_tag(self, experiment_id: str | int, key: str) -> None:
        """Delete an experiment's tag (NotFound when it has no such tag)."""
        with self.database.session(write=True) as session:
            row = self._experiment_row(session, experiment_id)
            require(session, Permission.EDIT, experiment=row.experiment_id, action="untag it")
            if not experiment_tags.delete_tag(session, row.experiment_id, key):
                raise NotFoundError(f"experiment {experiment_id} has no tag {key!r}", field="key")

    def get_experiment_tags(self, experiment_ids: Sequence[str | int]) -> dict[str, dict[str, str]]:
        """The tags of each experiment by id (an experiment without tags is absent)."""
        ids = [validation.experiment_int(i) for i in experiment_ids]
        with self.database.session() as session:
            return experiment_tags.read_tags(session, ids)

    # --- runs --------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str | int,
        name: str | None = None,
        *,
        start_time: int | None = None,
        parent_run_id: str | None = None,
        user: str | None = None,
        notebook_path: str | None = None,
        cell_source: str | None = None,
        git_commit: str | None = None,
        git_dirty: bool | None = None,
        environment: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        tags: Mapping[str, Any] | None = None,
        process: ProcessIdentity | None = None,
    ) -> Run:
        """Start a RUNNING run in the experiment; params and tags are written with it, and
        `process` (the one running it, for the heartbeat, see `tracking.heartbeat`)."""
        run_id = uuid.uuid4().hex
        checked_params = validation.checked_params(params)
        checked_tags = validation.checked_tags(tags)
        run_name = validation.run_name(name) if name is not None else random_run_name()
        experiment_key = validation.experiment_int(experiment_id)
        # Driver-level statements (no Session): starting 1,000 runs/s leaves ~1 ms each. On
        # PostgreSQL no BEGIN/COMMIT: the checks' one query, then the writes' one pipeline
        # (one implicit transaction), two round trips. The checks never held a lock anyway.
        database = self.database
        with database.driver_transaction(autocommit=True) as connection:
            found = experiment_for_new_run(database, connection, experiment_key)
            if found is None:
                raise NotFoundError(f"no experiment {experiment_id}", field="experiment_id")
            artifact_location, stage, grants = found
            actor = current_user()
            refuse_below(
                Permission.EDIT,
                permission_from_grants(actor, grants),
                actor,
                experiment=experiment_key,
                action="start a run",
            )
            if stage != LifecycleStage.ACTIVE.value:
                raise MLOpsError(f"experiment {experiment_id} is deleted", field="experiment_id")
            if parent_run_id is not None and not (
                isinstance(parent_run_id, str) and run_exists(database, connection, parent_run_id)
            ):
                raise NotFoundError(f"no run {parent_run_id}", field="parent_run_id")
            row = {
                "run_id": run_id,
                "experiment_id": experiment_key,
                "name": run_name,
                "status": RunStatus.RUNNING.value,
                "start_time": start_time if start_time is not None else validation.now_ms(),
                "end_time": None,
                "lifecycle_stage": LifecycleStage.ACTIVE.value,
                "artifact_uri": _run_location(artifact_location, run_id),
                "parent_run_id": parent_run_id,
                "user": user,
                "notebook_path": notebook_path,
                "cell_source": cell_source,
                "git_commit": git_commit,
                "git_dirty": git_dirty,
                "environment": json.dumps(dict(environment)) if environment else None,
                "error": None,
            }
            write_new_run(database, connection, row, checked_params, checked_tags, process)
        return run_entity(SimpleNamespace(**row), checked_params, {}, checked_tags)

    def get_run(self, run_id: str) -> Run:
        """One run with its params, latest metrics and tags (NotFound otherwise)."""
        with self.database.session() as session:
            return load_runs(session, [self._run_row(session, run_id)])[0]

    def update_run(
        self,
        run_id: str,
        *,
        status: RunStatus | str | None = None,
        end_time: int | None = None,
        name: str | None = None,
        error: str | None = None,
    ) -> Run:
        """Change a run's status (a terminal status sets `end_time` unless given), name or
        stored traceback; returns the run as stored."""
        values: dict[str, Any] = {}
        if status is not None:
            checked = validation.run_status(status)
            values["status"] = checked.value
            if checked.is_terminal and end_time is None:
                end_time = validation.now_ms()
        if end_time is not None:
            values["end_time"] = end_time
        if name is not None:
            values["name"] = validation.run_name(name)
        if error is not None:
            values["error"] = error
        if not values:
            return self.get_run(run_id)  # NotFound for an unknown run, as below
        with self.database.session(write=True) as session:
            result = session.connection().execute(
                update(RunRow).where(RunRow.run_id == run_id).values(**values)
            )
            if not getattr(result, "rowcount", 0):
                raise NotFoundError(f"no run {run_id}", field="run_id")
        return self.get_run(run_id)

    def end_run(self, run_id: str, status: RunStatus | str, error: str | None = None) -> None:
        """Give a run its final status and end time now (and its traceback): one UPDATE."""
        checked = validation.run_status(status)
        with self.database.driver_transaction(autocommit=True) as connection:
            ended = write_end_run(
                self.database, connection, run_id, checked.value, validation.now_ms(), error
            )
            if not ended:
                raise NotFoundError(f"no run {run_id}", field="run_id")

    def delete_run(self, run_id: str) -> Run:
        """Soft-delete: the run leaves default searches but keeps its data; `restore_run` undoes."""
        return self._set_stage(run_id, LifecycleStage.DELETED)

    def restore_run(self, run_id: str) -> Run:
        """Bring a soft-deleted run back."""
        return self._set_stage(run_id, LifecycleStage.ACTIVE)

    def _set_stage(self, run_id: str, stage: LifecycleStage) -> Run:
        deleted_time = validation.now_ms() if stage is LifecycleStage.DELETED else None
        with self.database.session(write=True) as session:
            experiment = self._run_row(session, run_id).experiment_id
            require(
                session, Permission.EDIT, experiment=experiment, action="delete or restore a run"
            )
            session.execute(
                update(RunRow)
                .where(RunRow.run_id == run_id)
                .values(lifecycle_stage=stage.value, deleted_time=deleted_time)
            )
        return self.get_run(run_id)

    def search_runs(
        self,
        experiment_ids: Sequence[str | int] | None = None,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        max_results: int = 100,
        page_token: str | None = None,
        *,
        offset: int | None = None,
        run_view: RunView | str = RunView.ACTIVE_ONLY,
    ) -> RunPage:
        """One page of runs matching the filter, sorted in SQL; `experiment_ids=None` is all.

        Paging: pass the previous page's `next_page_token`, or an explicit `offset`.
        Default order: newest first. Errors name `filter`, `order_by`, `max_results` or
        `page_token`.
        """
        if not isinstance(max_results, int) or not 0 < max_results <= MAX_RESULTS_LIMIT:
            raise MLOpsError(
                f"max_results must be between 1 and {MAX_RESULTS_LIMIT}", field="max_results"
            )
        start = offset if offset is not None else page_tokens.decode_page_token(page_token)
        if start < 0:
            raise MLOpsError("offset cannot be negative", field="offset")
        node = parse_filter(filter_string)
        clauses = parse_order_by(list(order_by or []))
        ids = (
            None
            if experiment_ids is None
            else [validation.experiment_int(i) for i in experiment_ids]
        )
        where = (ids, validation.lifecycle_stages(run_view), node)
        sqlite = self._dialect == "sqlite"
        # One read transaction on the driver's connection: a Session and SQLAlchemy's
        # statements cost about as much CPU as a filtered page's queries.
        with self.database.driver_transaction(write=False) as connection:
            marker = self.database.markers(1)
            runs, total = read_queries.runs_page(
                connection, marker, sqlite, where, clauses, max_results, start
            )
        following = start + len(runs)
        token = page_tokens.encode_page_token(following) if following < total else None
        return RunPage(runs=runs, total=total, next_page_token=token, offset=start)

    def child_runs(self, parent_run_id: str) -> list[Run]:
        """The active runs nested under a run, oldest first."""
        with self.database.session() as session:
            return read_queries.child_runs(session, parent_run_id)

    # --- views: what a page shows, each in one session ----------------------------------

    def child_runs_page(
        self,
        parent_run_id: str,
        max_results: int = 100,
        page_token: str | None = None,
        *,
        offset: int | None = None,
    ) -> RunPage:
        """One page of the active runs nested under a run, oldest first (NotFound for an
        unknown parent); page with `next_page_token` or an explicit `offset`."""
        start = offset if offset is not None else page_tokens.decode_page_token(page_token)
        with self.database.session() as session:
            self._run_row(session, parent_run_id)
            runs = read_queries.child_runs(session, parent_run_id, max_results, start)
            total = read_queries.child_run_count(session, parent_run_id)
        following = start + len(runs)
        token = page_tokens.encode_page_token(following) if following < total else None
        return RunPage(runs=runs, total=total, next_page_token=token, offset=start)

    def get_run_detail(self, run_id: str) -> RunDetail:
        """A run, its experiment's name and its metric summaries, read in one session."""
        with self.database.session() as session:
            row = self._run_row(session, run_id)
            run = load_runs(session, [row])[0]
            experiment = session.get(ExperimentRow, row.experiment_id)
            summaries = read_queries.metric_summaries(session, run_id)
        name = experiment.name if experiment is not None else str(row.experiment_id)
        return RunDetail(run=run, experiment_name=name, metric_summaries=summaries)

    def get_metric_history(
        self, run_id: str, key: str, max_points: int | None = None
    ) -> MetricHistory:
        """A metric's points in step order, at most `max_points` (an even sample keeping the
        first and the last; one point: the last), with the number the store holds in all."""
        if max_points is not None and (not isinstance(max_points, int) or max_points < 1):
            raise MLOpsError("max_points must be at least 1", field="max_points")
        with self.database.session() as session:
            self._run_row(session, run_id)
            points, total = read_queries.sampled_metric_history(session, run_id, key, max_points)
        return MetricHistory(run_id=run_id, key=key, points=points, total=total)

    def keys_in_use(
        self, experiment_ids: Sequence[str | int] | None = None
    ) -> dict[str, list[str]]:
        """The param, metric and tag keys the active runs of the experiments use (sorted), for
        building table columns: `{"params": [...], "metrics": [...], "tags": [...]}`."""
        ids = (
            None
            if experiment_ids is None
            else [validation.experiment_int(i) for i in experiment_ids]
        )
        with self.database.session() as session:
            return read_queries.keys_in_use(session, ids)

    # --- logging -----------------------------------------------------------------------

    def log_batch(
        self,
        run_id: str,
        params: Mapping[str, Any] | None = None,
        metrics: Sequence[Metric] = (),
        tags: Mapping[str, Any] | None = None,
    ) -> None:
        """Write params, metric points and tags of one run in one transaction.

        A param already logged with another value is a CONFLICT (params are immutable); the
        whole batch is then rolled back.
        """
        checked_params = validation.checked_params(params)
        checked_tags = validation.checked_tags(tags)
        points: list[MetricPoint] = [
            (
                run_id,
                validation.check_key(m.key, "metric"),
                validation.metric_value(m.key, m.value),
                metric_step(m.key, m.step),
                metric_timestamp(m.key, m.timestamp),
            )
            for m in metrics
        ]
        with self.database.session(write=True) as session:
            row = self._run_row(session, run_id)
            if row.lifecycle_stage != LifecycleStage.ACTIVE.value:
                raise MLOpsError(f"run {run_id} is deleted; restore it first", field="run_id")
            write_params(session, run_id, checked_params)
            write_tags(session, run_id, checked_tags)
            write_metric_points(session, points, self._dialect)

    def log_metric_points(self, points: Sequence[MetricPoint]) -> None:
        """Append already-validated points of any runs in one transaction (the writer's path)."""
        with self.database.session(write=True) as session:
            write_metric_points(session, points, self._dialect)

    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a tag (NotFound when the run or the tag does not exist)."""
        with self.database.session(write=True) as session:
            self._run_row(session, run_id)
            result = session.execute(
                delete(TagRow).where(TagRow.run_id == run_id, TagRow.key == key)
            )
            if not getattr(result, "rowcount", 0):
                raise NotFoundError(f"run {run_id} has no tag {key!r}", field="key")

    def metric_history(self, run_id: str, key: str, max_points: int | None = None) -> list[Metric]:
        """Every point of one metric of a run, by step then time; with `max_points`, an even
        sample of at most that many (first and last kept)."""
        if max_points is not None and (not isinstance(max_points, int) or max_points < 2):
            raise MLOpsError("max_points must be at least 2", field="max_points")
        with self.database.session() as session:
            self._run_row(session, run_id)
            return read_queries.metric_history(session, run_id, key, max_points)

    def metric_histories(
        self, run_ids: Sequence[str], keys: Sequence[str] | None = None
    ) -> dict[str, dict[str, list[Metric]]]:
        """Histories of several runs at once: `{run_id: {key: [points]}}` (for comparisons)."""
        with self.database.session() as session:
            return read_queries.metric_histories(session, run_ids, keys)

    def metric_summaries(self, run_id: str) -> list[MetricSummary]:
        """Each metric of a run with its latest point and its number of points, by key."""
        with self.database.session() as session:
            self._run_row(session, run_id)
            return read_queries.metric_summaries(session, run_id)

    def latest_metric_points(self, run_ids: Sequence[str]) -> dict[str, list[Metric]]:
        """Each run's latest point of each of its metrics, by key: `{run_id: [points]}`
        (one query per 500 runs; the MLflow facade answers searches with them)."""
        found: dict[str, list[Metric]] = {run_id: [] for run_id in run_ids}
        ids = list(found)
        columns = (
            LatestMetricRow.run_id,
            LatestMetricRow.key,
            LatestMetricRow.value,
            LatestMetricRow.step,
            LatestMetricRow.timestamp,
        )
        with self.database.session() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = (
                    select(*columns)
                    .where(LatestMetricRow.run_id.in_(chunk))
                    .order_by(LatestMetricRow.run_id, LatestMetricRow.key)
                )
                for run_id, key, value, step, timestamp in session.execute(query):
                    point = Metric(key, stored_float(value), step, timestamp)
                    found[run_id].append(point)
        return found

    # --- artifacts ---------------------------------------------------------------------

    def artifact_root(self, run_id: str) -> Path:
        """The folder holding a run's artifacts (it may not exist yet); a run on remote
        storage has none (`artifact_location`)."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            raise MLOpsError(
                f"run {run_id} keeps its artifacts at {uri}, not in a local folder", field="run_id"
            )
        return Path(uri)

    def artifact_location(self, run_id: str, relpath: str | None = None) -> str:
        """Where an artifact of a run is: a local path or a URI (`core.artifact_store`);
        FORBIDDEN (field `path`) if it escapes the run's root."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifact_store.child(uri, relpath)
        return str(artifacts.resolve_inside(Path(uri), relpath))

    def artifact_path(self, run_id: str, relpath: str | None = None) -> Path:
        """The absolute path of an artifact; FORBIDDEN (field `path`) if it escapes the root."""
        return artifacts.resolve_inside(self.artifact_root(run_id), relpath)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """The files and folders directly under `path` in a run's artifacts."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifacts.list_remote(uri, path)
        return artifacts.list_dir(Path(uri), path)

    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        """Copy a local file or folder into the run's artifacts; returns its artifact path."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifacts.copy_in_remote(uri, local_path, artifact_path)
        return artifacts.copy_in(Path(uri), local_path, artifact_path)

    def write_artifact(self, run_id: str, relpath: str, data: bytes) -> str:
        """Store bytes as an artifact at `relpath`; returns its artifact path."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifacts.write_remote(uri, relpath, data)
        return artifacts.write_bytes(Path(uri), relpath, data)

    # --- rows --------------------------------------------------------------------------

    def _experiment_row(self, session: Session, experiment_id: str | int) -> ExperimentRow:
        row = session.get(ExperimentRow, validation.experiment_int(experiment_id))
        if row is None:
            raise NotFoundError(f"no experiment {experiment_id}", field="experiment_id")
        return row

    def _run_row(self, session: Session, run_id: str, field: str = "run_id") -> RunRow:
        row = session.get(RunRow, run_id) if isinstance(run_id, str) else None
        if row is None:
            raise NotFoundError(f"no run {run_id}", field=field)
        return row


def _run_location(artifact_location: str, run_id: str) -> str:
    """`artifact_store.child(artifact_location, run_id)` for a run id we generated (32 hex
    digits: nothing to check or decode; the check's pathlib and unquoting were 7% of starting a
    run)."""
    if artifact_store.is_remote(artifact_location):
        return "/".join([artifact_location.rstrip("/"), run_id])
    return str(Path(artifact_location, run_id))
