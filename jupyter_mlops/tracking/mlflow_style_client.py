"""`mlops.Client()`: the tracking store behind MLflow's `MlflowClient` method names.

For MLflow users who look for `client.get_run(...)`, `client.search_runs(...)`,
`client.get_metric_history(...)` or `client.log_batch(...)`: the same names and arguments,
answering with the workbench's entities (`Run`, `Experiment`, `Metric`). Reads first write
out the metric points queued in this process, so they see everything logged before them.
`get_metric_history(run_id, key)` is also a function of its own (`mlops.get_metric_history`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, SupportsFloat, SupportsIndex

from ..core.clock import now_ms
from ..core.errors import ErrorCode, MLOpsError
from . import validation
from .base_store import BaseTrackingStore
from .entities import ArtifactInfo, Experiment, Metric, Run, RunStatus, RunView
from .metric_points import metric_step, metric_timestamp
from .process_client import TrackingClient, get_client

FLUSH_TIMEOUT_S = 120.0


class PagedRuns(list[Run]):
    """One page of runs; `token` fetches the next page (None on the last), as MLflow's."""

    def __init__(self, runs: Iterable[Run], token: str | None) -> None:
        super().__init__(runs)
        self.token = token


def get_metric_history(run_id: str, key: str) -> list[Metric]:
    """Every point of one metric of a run, by step then time (MLflow's name for it)."""
    return Client().get_metric_history(run_id, key)


class Client:
    """A tracking client with MLflow's method names, on this process's store (or `store`)."""

    def __init__(self, store: BaseTrackingStore | None = None) -> None:
        self._given = store

    @property
    def _client(self) -> TrackingClient | None:
        return None if self._given is not None else get_client()

    @property
    def store(self) -> BaseTrackingStore:
        """The tracking store this client reads and writes."""
        client = self._client
        return self._given if client is None else client.store  # type: ignore[return-value]

    def _fresh(self) -> BaseTrackingStore:
        client = self._client
        if client is not None:
            client.writer.flush(FLUSH_TIMEOUT_S)
            return client.store
        assert self._given is not None
        return self._given

    # --- experiments -----------------------------------------------------------------

    def create_experiment(self, name: str, tags: Mapping[str, Any] | None = None) -> str:
        """A new experiment's id, with its tags (CONFLICT when the name is taken)."""
        if self.store.get_experiment_by_name(name) is not None:
            raise MLOpsError(f"experiment {name!r} already exists", ErrorCode.CONFLICT, "name")
        checked = validation.checked_tags(tags)  # before creating
        experiment_id = self.store.get_or_create_experiment(name).experiment_id
        if checked:
            self.store.set_experiment_tags(experiment_id, checked)
        return experiment_id

    def delete_experiment(self, experiment_id: str) -> None:
        """Soft-delete an experiment and its active runs."""
        self.store.delete_experiment(experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        """Bring a deleted experiment back with the runs its deletion deleted."""
        self.store.restore_experiment(experiment_id)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Rename an active experiment (CONFLICT when the name is taken)."""
        self.store.rename_experiment(experiment_id, new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: Any) -> None:
        """Set (or overwrite) an experiment's tag."""
        self.store.set_experiment_tags(experiment_id, {key: value})

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        """Delete an experiment's tag."""
        self.store.delete_experiment_tag(experiment_id, key)

    def get_experiment_tags(self, experiment_id: str) -> dict[str, str]:
        """An experiment's tags (the `Experiment` entity does not carry them)."""
        self.store.get_experiment(experiment_id)
        return self.store.get_experiment_tags([experiment_id]).get(str(experiment_id), {})

    def get_experiment(self, experiment_id: str) -> Experiment:
        """An experiment by id."""
        return self.store.get_experiment(experiment_id)

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment of that name, or None."""
        return self.store.get_experiment_by_name(name)

    def search_experiments(
        self, view_type: RunView | str = RunView.ACTIVE_ONLY
    ) -> list[Experiment]:
        """The experiments of the view, by name."""
        return self.store.list_experiments(view_type)

    # --- runs ------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: Mapping[str, Any] | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Start a RUNNING run (end it with `set_terminated`)."""
        return self.store.create_run(experiment_id, run_name, start_time=start_time, tags=tags)

    def get_run(self, run_id: str) -> Run:
        """A run with its params, latest metrics and tags."""
        return self._fresh().get_run(run_id)

    def update_run(
        self, run_id: str, status: RunStatus | str | None = None, name: str | None = None
    ) -> None:
        """Change a run's status or name."""
        self.store.update_run(run_id, status=status, name=name)

    def set_terminated(
        self, run_id: str, status: RunStatus | str = "FINISHED", end_time: int | None = None
    ) -> None:
        """End a run with a status (FINISHED by default) and an end time (now by default)."""
        self._fresh().update_run(run_id, status=status, end_time=end_time)

    def delete_run(self, run_id: str) -> None:
        """Soft-delete a run."""
        self.store.delete_run(run_id)

    def restore_run(self, run_id: str) -> None:
        """Bring a deleted run back."""
        self.store.restore_run(run_id)

    def search_runs(
        self,
        experiment_ids: Sequence[str] | None = None,
        filter_string: str = "",
        run_view_type: RunView | str = RunView.ACTIVE_ONLY,
        max_results: int = 1000,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedRuns:
        """One page of runs matching MLflow's filter syntax; `.token` is the next page's."""
        page = self._fresh().search_runs(
            experiment_ids,
            filter_string or None,
            order_by,
            max_results,
            page_token,
            run_view=run_view_type,
        )
        return PagedRuns(page.runs, page.next_page_token)

    # --- logging ---------------------------------------------------------------------

    def log_param(self, run_id: str, key: str, value: Any) -> Any:
        """Log a param (immutable: another value is a CONFLICT)."""
        self.store.log_batch(run_id, params={key: value})
        return value

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: SupportsFloat,
        timestamp: SupportsIndex | None = None,
        step: SupportsIndex | None = None,
    ) -> None:
        """Log one metric point now (timestamp: ms since the epoch, default now). Numbers may
        be numpy's: they become the `Metric`'s float and ints as in `mlops.log_metric`."""
        number = validation.metric_value(key, value)
        at = now_ms() if timestamp is None else metric_timestamp(key, timestamp)
        point = Metric(key, number, metric_step(key, step), at)
        self.store.log_batch(run_id, metrics=[point])

    def set_tag(self, run_id: str, key: str, value: Any) -> None:
        """Set a tag."""
        self.store.log_batch(run_id, tags={key: value})

    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a tag."""
        self.store.delete_tag(run_id, key)

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Any] = (),
        params: Mapping[str, Any] | Sequence[Any] | None = None,
        tags: Mapping[str, Any] | Sequence[Any] | None = None,
    ) -> None:
        """Params, metric points and tags in one transaction. Metrics are objects with `key`,
        `value`, `timestamp`, `step` (this package's `Metric` or MLflow's); params and tags
        are mappings or objects with `key` and `value` (MLflow's `Param`, `RunTag`)."""
        points = [Metric(m.key, m.value, int(m.step or 0), int(m.timestamp)) for m in metrics]
        self.store.log_batch(run_id, _pairs(params), points, _pairs(tags))

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every point of one metric of a run, by step then time."""
        return self._fresh().metric_history(run_id, key)

    # --- artifacts -------------------------------------------------------------------

    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> None:
        """Copy a local file (or folder) into the run's artifacts."""
        self.store.log_artifact(run_id, local_path, artifact_path)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """The files and folders directly under `path` in the run's artifacts."""
        return self.store.list_artifacts(run_id, path)

    def download_artifacts(
        self, run_id: str, path: str, dst_path: str | os.PathLike[str] | None = None
    ) -> str:
        """A local copy of an artifact file or folder (in `dst_path`, default a new temporary
        folder); returns its path."""
        import tempfile

        source = self.store.artifact_path(run_id, path)
        if not source.exists():
            raise MLOpsError(f"run {run_id} has no artifact {path!r}", ErrorCode.NOT_FOUND, "path")
        folder = Path(dst_path) if dst_path is not None else Path(tempfile.mkdtemp())
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / source.name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
        return str(target)


def _pairs(items: Mapping[str, Any] | Sequence[Any] | None) -> dict[str, Any]:
    if items is None:
        return {}
    if isinstance(items, Mapping):
        return dict(items)
    return {item.key: item.value for item in items}
