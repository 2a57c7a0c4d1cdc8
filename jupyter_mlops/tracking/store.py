"""`TrackingStore`: experiments, runs, params, metrics, tags and artifacts over one `Database`.

Every public method is one managed session (`Database.session`, `write=True` for writes), takes
and returns plain entities (`tracking.entities`), and reports bad input as `MLOpsError` naming
the field. Searching, filtering, sorting and paging happen in SQL (see `search_sql`).
Artifacts live in files under `<data dir>/artifacts/<experiment_id>/<run_id>/`.

This module holds experiments and the writes of runs and logging; the reads of runs and metrics
come from `TrackingStoreReads` (`store_reads`), the artifact calls from `TrackingStoreArtifacts`
(`store_artifacts`).
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
from . import experiment_tags, read_queries, validation
from .batch_writes import MetricPoint, write_metric_points, write_params, write_tags
from .entities import Experiment, LifecycleStage, Metric, Run, RunStatus, RunView
from .entity_rows import experiment_entity, run_entity
from .heartbeat import ProcessIdentity
from .metric_points import metric_step, metric_timestamp
from .names import random_run_name
from .run_writes import end_run as write_end_run
from .run_writes import experiment_for_new_run, run_exists, write_new_run
from .store_artifacts import TrackingStoreArtifacts
from .store_reads import TrackingStoreReads
from .tables import ExperimentRow, RunRow, TagRow


class TrackingStore(TrackingStoreArtifacts, TrackingStoreReads):
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


def _run_location(artifact_location: str, run_id: str) -> str:
    """`artifact_store.child(artifact_location, run_id)` for a run id we generated (32 hex
    digits: nothing to check or decode; the check's pathlib and unquoting were 7% of starting a
    run)."""
    if artifact_store.is_remote(artifact_location):
        return "/".join([artifact_location.rstrip("/"), run_id])
    return str(Path(artifact_location, run_id))
