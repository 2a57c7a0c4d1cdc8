"""The notebook API: `import jupyter_mlops as mlops; with mlops.start_run(): mlops.log_metric(...)`.

One stack of active runs per process (a notebook is one process; threads of a training loop
log to the run the notebook started). Logging without an active run starts one in the current
experiment, as MLflow does; it ends when the interpreter exits.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import traceback
from collections.abc import Mapping
from types import TracebackType
from typing import Any, SupportsFloat, SupportsIndex

from ..core.errors import ErrorCode, MLOpsError
from . import heartbeat, provenance, sigterm, validation
from .entities import Experiment, Metric, Run, RunStatus
from .metric_points import metric_step, metric_timestamp
from .process_client import TrackingClient, get_client

log = logging.getLogger(__name__)

RUN_END_FLUSH_TIMEOUT_S = 120.0


class ActiveRun:
    """A started run; use it as a context manager to end it FINISHED, or FAILED on an error.

    On an exception the traceback is stored in the run (`Run.error`); KeyboardInterrupt ends
    it KILLED. `run_id`, `experiment_id`, `name` and `artifact_uri` are available directly;
    `info` is the run as stored when it started, `get()` reads it again.
    """

    def __init__(self, run: Run, client: TrackingClient) -> None:
        self.info = run
        self._client = client
        self._pid = os.getpid()
        self.run_id = run.run_id
        self.experiment_id = run.experiment_id
        self.name = run.name
        self.artifact_uri = run.artifact_uri
        self.parent_run_id = run.parent_run_id
        self._known_keys: set[str] = set()

    @property
    def client(self) -> TrackingClient:
        """The client this run logs through (a forked child gets its own)."""
        if self._pid != os.getpid():
            self._client, self._pid = get_client(), os.getpid()
        return self._client

    def get(self) -> Run:
        """The run as stored now (pending metrics written first)."""
        self.client.writer.flush(RUN_END_FLUSH_TIMEOUT_S)
        return self.client.store.get_run(self.run_id)

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            _end(self, RunStatus.FINISHED, None)
        elif isinstance(error, KeyboardInterrupt):
            _end(self, RunStatus.KILLED, "KeyboardInterrupt")
        else:
            _end(self, RunStatus.FAILED, "".join(traceback.format_exception(kind, error, trace)))

    def __repr__(self) -> str:
        return f"<ActiveRun {self.name} ({self.run_id}) in experiment {self.experiment_id}>"


_stack: list[ActiveRun] = []
_stack_lock = threading.RLock()
_experiment_name: str | None = None


def set_experiment(name: str) -> Experiment:
    """Make `name` the experiment new runs go to (created when missing)."""
    global _experiment_name
    experiment = get_client().store.get_or_create_experiment(name)
    _experiment_name = experiment.name
    return experiment


def start_run(
    experiment: str | None = None,
    name: str | None = None,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, Any] | None = None,
    nested: bool = False,
    *,
    run_id: str | None = None,
    parent_run_id: str | None = None,
    cell_source: str | None = None,
    fresh_git: bool = False,
) -> ActiveRun:
    """Start a run (or resume `run_id`) and make it the active one.

    `experiment` is a name (default: `set_experiment`'s, else the parent's, else "Default").
    With a run already active, `nested=True` starts a child of it; without, it is an error.
    Provenance (notebook, kernel, git commit and dirty flag, user, package versions) is
    recorded with the run.
    """
    client = get_client()
    with _stack_lock:
        parent = _stack[-1] if _stack else None
        if parent is not None and not nested and parent_run_id is None:
            raise MLOpsError(
                f"run {parent.name} ({parent.run_id}) is already active; end it with "
                "mlops.end_run(), or pass nested=True to start a child run",
                ErrorCode.CONFLICT,
                "nested",
            )
        if run_id is not None:
            run = client.store.update_run(run_id, status=RunStatus.RUNNING)
            heartbeat.claim_run(client.writer.heartbeat.database, run_id, heartbeat.this_process())
            if params or tags:
                client.store.log_batch(run_id, params=params, tags=tags)
        else:
            run = _create(
                client,
                experiment,
                name,
                params,
                tags,
                parent,
                parent_run_id,
                cell_source,
                fresh_git,
            )
        client.writer.heartbeat.own(run.run_id)
        sigterm.on_sigterm(_end_runs_at_sigterm)
        active = ActiveRun(run, client)
        _stack.append(active)
    return active


def _create(
    client: TrackingClient,
    experiment: str | None,
    name: str | None,
    params: Mapping[str, Any] | None,
    tags: Mapping[str, Any] | None,
    parent: ActiveRun | None,
    parent_run_id: str | None,
    cell_source: str | None,
    fresh_git: bool,
) -> Run:
    store = client.store
    if experiment is None and _experiment_name is None and parent is not None:
        experiment_id = parent.experiment_id
    else:
        experiment_id = client.experiment_id(experiment or _experiment_name)
    git = provenance.git_state(fresh=fresh_git)
    return store.create_run(
        experiment_id,
        name,
        parent_run_id=parent_run_id or (parent.run_id if parent is not None else None),
        user=provenance.current_user(),
        notebook_path=provenance.notebook_path(),
        cell_source=cell_source,
        git_commit=git.commit,
        git_dirty=git.dirty,
        environment=provenance.environment(),
        params=params,
        tags={**provenance.job_tags(), **(tags or {})} or None,
        process=heartbeat.this_process(),
    )


def active_run() -> ActiveRun | None:
    """The innermost active run, or None."""
    with _stack_lock:
        return _stack[-1] if _stack else None


def end_run(status: RunStatus | str = RunStatus.FINISHED, error: str | None = None) -> None:
    """End the innermost active run with `status` (no-op without one)."""
    with _stack_lock:
        current = _stack[-1] if _stack else None
    if current is not None:
        _end(current, RunStatus(status), error)


def _end(run: ActiveRun, status: RunStatus, error: str | None) -> None:
    with _stack_lock:
        if run not in _stack:
            return  # already ended (e.g. `end_run()` inside its `with` block)
        # Children left open by an error inside the block end with their parent.
        while _stack[-1] is not run:
            _end(_stack[-1], status, error)
        _stack.pop()
    try:
        run.client.writer.flush(RUN_END_FLUSH_TIMEOUT_S)
    finally:
        run.client.store.end_run(run.run_id, status, error)
        run.client.writer.heartbeat.disown(run.run_id)


def _current_or_new() -> ActiveRun:
    with _stack_lock:
        if _stack:
            return _stack[-1]
        return start_run()


def _target(run_id: str | None) -> tuple[TrackingClient, str]:
    if run_id is not None:
        return get_client(), run_id
    current = _current_or_new()
    return current.client, current.run_id


def log_param(key: str, value: Any, run_id: str | None = None) -> Any:
    """Log a param of the active run; a param is immutable (another value is a CONFLICT)."""
    client, target = _target(run_id)
    client.store.log_batch(target, params={key: value})
    return value


def log_params(params: Mapping[str, Any], run_id: str | None = None) -> None:
    """Log several params at once (all or none)."""
    client, target = _target(run_id)
    client.store.log_batch(target, params=params)


def set_tag(key: str, value: Any, run_id: str | None = None) -> None:
    """Set a tag of the active run (tags may change)."""
    client, target = _target(run_id)
    client.store.log_batch(target, tags={key: value})


def set_tags(tags: Mapping[str, Any], run_id: str | None = None) -> None:
    """Set several tags at once."""
    client, target = _target(run_id)
    client.store.log_batch(target, tags=tags)


def log_metric(
    key: str,
    value: SupportsFloat,
    step: SupportsIndex | None = None,
    timestamp: SupportsIndex | None = None,
    run_id: str | None = None,
) -> None:
    """Queue one metric point for the active run (written in the background, in batches).

    `value` is a number, Python's or numpy's (booleans and text are refused). `step` defaults
    to 0 and `timestamp` (ms since the epoch) to now, as in MLflow; both are integers (numpy's
    too; a whole float is taken), checked here (within 64 bits, timestamps not negative). The
    point is stored by the time the run ends, `mlops.flush()` returns, or the process exits
    (SIGTERM included; a SIGKILL loses what was logged in the last `MetricWriter.interval`,
    0.25 s).
    """
    with _stack_lock:
        current = _stack[-1] if _stack and run_id is None else None
    if current is None:
        client, target = _target(run_id)
        known: set[str] = set()
    else:
        client, target, known = current.client, current.run_id, current._known_keys
    if key not in known:
        validation.check_key(key, "metric")
        known.add(key)
    number = value if type(value) is float else validation.metric_value(key, value)
    client.writer.add(
        (
            target,
            key,
            number,
            metric_step(key, step),
            validation.now_ms() if timestamp is None else metric_timestamp(key, timestamp),
        )
    )


def log_metrics(
    metrics: Mapping[str, SupportsFloat],
    step: SupportsIndex | None = None,
    run_id: str | None = None,
) -> None:
    """Queue several metrics of one step, with one timestamp (values and step as `log_metric`)."""
    client, target = _target(run_id)
    now = validation.now_ms()
    at = metric_step(next(iter(metrics), ""), step)
    points = [
        (target, validation.check_key(k, "metric"), validation.metric_value(k, v), at, now)
        for k, v in metrics.items()
    ]
    client.writer.add_many(points)


def flush() -> None:
    """Write every queued metric point now (blocks until stored)."""
    get_client().writer.flush(RUN_END_FLUSH_TIMEOUT_S)


def get_run(run_id: str) -> Run:
    """A run by id (or a unique prefix of it), with its params, latest metrics and tags."""
    client = get_client()
    client.writer.flush(RUN_END_FLUSH_TIMEOUT_S)
    return client.store.get_run(resolve_run_id(run_id))


def resolve_run_id(run_id: str) -> str:
    """A full run id from an id or an unambiguous prefix of one (as tables show 8 characters)."""
    if not isinstance(run_id, str) or not run_id:
        raise MLOpsError("a run id is needed", field="run_id")
    if len(run_id) >= 32:
        return run_id
    if not all(c in "0123456789abcdef" for c in run_id):
        raise MLOpsError(f"{run_id!r} is not a run id", field="run_id")
    page = get_client().store.search_runs(
        None, f"attributes.run_id LIKE '{run_id}%'", max_results=2, run_view="all"
    )
    if page.total == 0:
        raise MLOpsError(f"no run {run_id}", ErrorCode.NOT_FOUND, "run_id")
    if page.total > 1:
        raise MLOpsError(f"{run_id!r} matches several runs; give more of the id", field="run_id")
    return page.runs[0].run_id


def metric_history(run_id: str, key: str) -> list[Metric]:
    """Every logged point of one metric of a run."""
    client = get_client()
    client.writer.flush(RUN_END_FLUSH_TIMEOUT_S)
    return client.store.metric_history(resolve_run_id(run_id), key)


def _end_runs_at_exit() -> None:
    # A run the notebook never ended (or that logging started by itself) ends FINISHED.
    _end_all(RunStatus.FINISHED, None)


def _end_runs_at_sigterm() -> None:
    # The process is being stopped: its open runs end KILLED, their points flushed first.
    _end_all(RunStatus.KILLED, "KILLED: the process received SIGTERM")


def _end_all(status: RunStatus, error: str | None) -> None:
    while True:
        with _stack_lock:
            if not _stack:
                return
            current = _stack[-1]
        try:
            _end(current, status, error)
        except Exception as failure:
            log.error("jupyter-mlops could not end run %s: %s", current.run_id, failure)
            with _stack_lock:
                if current in _stack:
                    _stack.remove(current)


atexit.register(_end_runs_at_exit)
