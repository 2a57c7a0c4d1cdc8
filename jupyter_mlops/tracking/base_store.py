"""`BaseTrackingStore`: what a tracking store must do, whatever keeps the data.

The server's REST routes, kernels, jobs and endpoint processes all build the store through
`core.services` from one configured class (`MLOpsApp.tracking_store_class`, exported to child
processes as `$JUPYTER_MLOPS_TRACKING_STORE_CLASS`): a subclass of this base, constructed as
`cls(database, data_dir)`. `TrackingStore` (SQL through SQLAlchemy) is the default; subclass it
to change one behaviour, or this base to keep the data elsewhere.

Contract of every method: it takes and returns plain entities (`tracking.entities`), never ORM
rows; bad input is an `MLOpsError` naming the field; a missing experiment or run is a
`NotFoundError`; filtering, sorting and paging are the store's job (the callers never re-sort).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.db import Database
from ..core.services import ServiceSpec
from .batch_writes import MetricPoint
from .entities import (
    ArtifactInfo,
    Experiment,
    Metric,
    MetricHistory,
    MetricSummary,
    Run,
    RunDetail,
    RunPage,
    RunStatus,
    RunView,
)
from .heartbeat import ProcessIdentity


class BaseTrackingStore(ABC):
    """Experiments, runs, params, metrics, tags and artifacts (see the module's contract)."""

    database: Database
    data_dir: Path

    @abstractmethod
    def __init__(self, database: Database, data_dir: str | os.PathLike[str] | None = None):
        """Open the store over `database`; artifacts under `data_dir` (default: resolved)."""

    @abstractmethod
    def list_experiments(self, view: RunView | str = RunView.ACTIVE_ONLY) -> list[Experiment]:
        """Experiments by name, with their run count, running count and last run time."""

    @abstractmethod
    def get_experiment(self, experiment_id: str | int) -> Experiment:
        """One experiment by id, with its run statistics (NotFound otherwise)."""

    @abstractmethod
    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment called `name`, or None."""

    @abstractmethod
    def get_or_create_experiment(
        self, name: str | None = None, artifact_location: str | None = None
    ) -> Experiment:
        """The experiment called `name` (default "Default"), created when missing, its runs'
        artifacts at `artifact_location` (a folder or fsspec URI) when given.

        Safe when several processes create the same name at once (the write lock, or on other
        databases the unique name, makes one of them win; the others read its row).
        """

    @abstractmethod
    def delete_experiment(self, experiment_id: str | int) -> Experiment:
        """Soft-delete an experiment and its active runs (`restore_experiment` undoes both)."""

    @abstractmethod
    def restore_experiment(self, experiment_id: str | int) -> Experiment:
        """Bring a deleted experiment back with the runs its deletion deleted."""

    @abstractmethod
    def rename_experiment(self, experiment_id: str | int, new_name: str) -> Experiment:
        """Rename an active experiment (a name in use is a CONFLICT)."""

    @abstractmethod
    def set_experiment_tags(self, experiment_id: str | int, tags: Mapping[str, Any]) -> None:
        """Set (or overwrite) tags of an experiment."""

    @abstractmethod
    def delete_experiment_tag(self, experiment_id: str | int, key: str) -> None:
        """Delete an experiment's tag (NotFound when it has no such tag)."""

    @abstractmethod
    def get_experiment_tags(self, experiment_ids: Sequence[str | int]) -> dict[str, dict[str, str]]:
        """The tags of each experiment by id (an experiment without tags is absent)."""

    @abstractmethod
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
        `process` (the one running it, for the heartbeat, see `tracking.heartbeat`).
        """

    @abstractmethod
    def get_run(self, run_id: str) -> Run:
        """One run with its params, latest metrics and tags (NotFound otherwise)."""

    @abstractmethod
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
        stored traceback; returns the run as stored.
        """

    @abstractmethod
    def end_run(self, run_id: str, status: RunStatus | str, error: str | None = None) -> None:
        """Give a run its final status and end time now (and its traceback): one UPDATE."""

    @abstractmethod
    def delete_run(self, run_id: str) -> Run:
        """Soft-delete: the run leaves default searches but keeps its data; `restore_run` undoes."""

    @abstractmethod
    def restore_run(self, run_id: str) -> Run:
        """Bring a soft-deleted run back."""

    @abstractmethod
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

    @abstractmethod
    def child_runs(self, parent_run_id: str) -> list[Run]:
        """The active runs nested under a run, oldest first."""

    @abstractmethod
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

    @abstractmethod
    def get_run_detail(self, run_id: str) -> RunDetail:
        """A run, its experiment's name and its metric summaries, read in one session."""

    @abstractmethod
    def get_metric_history(
        self, run_id: str, key: str, max_points: int | None = None
    ) -> MetricHistory:
        """A metric's points in step order, at most `max_points` (an even sample keeping the
        first and the last; one point: the last), with the number the store holds in all."""

    @abstractmethod
    def keys_in_use(
        self, experiment_ids: Sequence[str | int] | None = None
    ) -> dict[str, list[str]]:
        """The param, metric and tag keys the active runs of the experiments use (sorted), for
        building table columns: `{"params": [...], "metrics": [...], "tags": [...]}`.
        """

    @abstractmethod
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

    @abstractmethod
    def log_metric_points(self, points: Sequence[MetricPoint]) -> None:
        """Append already-validated points of any runs in one transaction (the writer's path)."""

    @abstractmethod
    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a tag (NotFound when the run or the tag does not exist)."""

    @abstractmethod
    def metric_history(self, run_id: str, key: str, max_points: int | None = None) -> list[Metric]:
        """Every point of one metric of a run, by step then time; with `max_points`, an even
        sample of at most that many (first and last kept).
        """

    @abstractmethod
    def metric_histories(
        self, run_ids: Sequence[str], keys: Sequence[str] | None = None
    ) -> dict[str, dict[str, list[Metric]]]:
        """Histories of several runs at once: `{run_id: {key: [points]}}` (for comparisons)."""

    @abstractmethod
    def metric_summaries(self, run_id: str) -> list[MetricSummary]:
        """Each metric of a run with its latest point and its number of points, by key."""

    @abstractmethod
    def latest_metric_points(self, run_ids: Sequence[str]) -> dict[str, list[Metric]]:
        """Each run's latest point of each of its metrics, by key: `{run_id: [points]}`
        (one query per 500 runs; the MLflow facade answers searches with them).
        """

    @abstractmethod
    def artifact_root(self, run_id: str) -> Path:
        """The folder holding a run's artifacts (it may not exist yet)."""

    def artifact_location(self, run_id: str, relpath: str | None = None) -> str:
        """Where an artifact of a run is: a local path or an fsspec URI (default: the local
        `artifact_path`)."""
        return str(self.artifact_path(run_id, relpath))

    @abstractmethod
    def artifact_path(self, run_id: str, relpath: str | None = None) -> Path:
        """The absolute path of an artifact; FORBIDDEN (field `path`) if it escapes the root."""

    @abstractmethod
    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """The files and folders directly under `path` in a run's artifacts."""

    @abstractmethod
    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        """Copy a local file or folder into the run's artifacts; returns its artifact path."""

    @abstractmethod
    def write_artifact(self, run_id: str, relpath: str, data: bytes) -> str:
        """Store bytes as an artifact at `relpath`; returns its artifact path."""


TRACKING_STORE = ServiceSpec(
    name="tracking_store",
    base="jupyter_mlops.tracking.base_store.BaseTrackingStore",
    default="jupyter_mlops.tracking.store.TrackingStore",
    traitlet="tracking_store_class",
)
