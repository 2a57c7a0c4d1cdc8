"""`JobRunner`: runs notebook runs and tasks in a bounded pool, with their state in the store.

- Notebook runs execute on their job's target (`targets.py`: `local`, a pool thread of this
  process through papermill, `execution.py`; `dask`, a task on a Dask cluster,
  `dask_target.py`; or one registered with `register_job_target`); one run's environment,
  input check and recorded outcome are in `notebook_runs.py`.
- A notebook run on this machine takes a kernel started ahead of it when one fits
  (`kernel_pool.py`); the pool refills the kernelspec after each take, so the next run (a
  scheduled firing) does not wait for a kernel to start.
- Tasks (`core.tasks`) run in a child process each (`python -m jupyter_mlops.jobs.task_process`),
  which writes its own progress and result (`task_runs.py` starts it and records its exit).
- The pool is bounded (`concurrency`); submitting never blocks. Every accepted run records this
  process's host and pid, and a heartbeat thread touches the active ones, so `recover()` (called
  when a scheduler starts) can tell a run whose process died and mark it failed, or retry it.
- A failed run is retried `retries` times as a new run (trigger "retry", attempt + 1). When a
  run counts as dead, and its retry, are in `recovery.py`.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..core.db import Database
from ..core.errors import ErrorCode, MLOpsError
from ..core.periodic import Periodic
from ..core.tasks import BaseTaskRunner, TaskState, task_target
from .entities import NOTEBOOK_KIND, JobRun, RunStatus
from .kernel_pool import KernelPool
from .notebook_runs import execute_notebook_run
from .recovery import HEARTBEAT_S, death_of, retry_of
from .store import JobStore, now_ms
from .task_runs import record_task_exit, start_task_process, task_state

log = logging.getLogger(__name__)


class JobRunner(BaseTaskRunner):
    """Runs job runs and tasks (see the module doc).

    `output_root`: where each run's outputs go (`<output_root>/<run_id>/`); `root_dir`: the
    folder notebooks run in and relative notebook paths are read from; `dask_client`: a
    callable returning the `distributed.Client` of the attached cluster (default: the
    clusters capability's `get_client()`); `kernel_pool`: where notebook runs take warm kernels
    (default: one that refills after each take; `KernelPool(refill=False)` for a one-shot run).
    """

    def __init__(
        self,
        database: Database,
        *,
        output_root: Path,
        root_dir: Path | None = None,
        concurrency: int = 2,
        dask_client: Callable[[], Any] | None = None,
        heartbeat_s: float = HEARTBEAT_S,
        kernel_pool: KernelPool | None = None,
    ) -> None:
        self.database = database
        self.store = JobStore(database)
        self.output_root = Path(output_root)
        self.root_dir = Path(root_dir or Path.cwd()).resolve()
        self.concurrency = max(1, concurrency)
        self._dask_client = dask_client
        self._kernels = kernel_pool if kernel_pool is not None else KernelPool()
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="mlops-job")
        self._lock = threading.Lock()
        self._active: set[str] = set()
        self._done = threading.Condition(self._lock)
        self._pending_notebooks: dict[str, tuple[str, Path | None]] = {}
        self._closed = threading.Event()
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        # Per accepted run: set to stop it (a user's cancel, or the runner's stop).
        self._cancels: dict[str, threading.Event] = {}
        self._cancel_reasons: dict[str, str] = {}
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self._heartbeat = Periodic(
            "mlops-job-heartbeat", self._beat, heartbeat_s, logger=log, join_timeout_s=5
        ).start()

    # -- submitting -------------------------------------------------------------------
    def _accept(self, run: JobRun) -> None:
        with self._lock:
            self._active.add(run.run_id)
            self._cancels[run.run_id] = threading.Event()
        self.store.update_run(run.run_id, host=self.host, pid=self.pid, heartbeat_time=now_ms())

    def enqueue(self, run: JobRun, nb_json: str | None = None, output: Path | None = None) -> None:
        """Execute a queued run of the store in the pool (a job's snapshot unless `nb_json`)."""
        self._accept(run)
        if nb_json is not None:
            with self._lock:
                self._pending_notebooks[run.run_id] = (nb_json, output)
        self._pool.submit(self._run_guarded, run.run_id)

    def submit_notebook(
        self,
        nb_json: str,
        notebook_path: str,
        parameters: Mapping[str, Any],
        *,
        title: str,
        output: Path | None = None,
        trigger: str = "manual",
    ) -> JobRun:
        """Run a notebook that is not a job (`jupyter-mlops run`, `mlops.run_notebook`)."""
        run = self.store.create_run(
            kind=NOTEBOOK_KIND,
            title=title,
            trigger=trigger,
            notebook_path=notebook_path,
            parameters=dict(parameters),
        )
        self.enqueue(run, nb_json, output)
        return run

    def run_job(
        self, job_id: str, trigger: str = "manual", parameters: Mapping[str, Any] | None = None
    ) -> JobRun:
        """Start a run of a job now (its stored parameters, overridden by `parameters`)."""
        job = self.store.get_job(job_id)
        run = self.store.create_run(
            job_id=job.job_id,
            kind=NOTEBOOK_KIND,
            title=job.name,
            trigger=trigger,
            target=job.target,
            notebook_path=job.notebook_path,
            parameters={**job.parameters, **(parameters or {})},
        )
        self.enqueue(run)
        return run

    def submit(self, kind: str, kwargs: Mapping[str, Any], title: str = "") -> str:
        """Queue task `kind` (see `core.tasks`); returns its run id."""
        task_target(kind)  # an unknown kind is refused before anything is stored
        run = self.store.create_run(
            kind=kind, title=title or kind, trigger="api", parameters=dict(kwargs)
        )
        self._accept(run)
        self._pool.submit(self._run_guarded, run.run_id)
        return run.run_id

    def run_here(self, kind: str, kwargs: Mapping[str, Any], title: str = "") -> TaskState:
        """Run task `kind` in the calling thread (one quick enough for a request), recorded as
        a run as `submit`'s are; returns its finished state."""
        from .task_process import record_task

        target = task_target(kind)
        run = self.store.create_run(
            kind=kind, title=title or kind, trigger="api", parameters=dict(kwargs)
        )
        self._accept(run)
        try:
            now = now_ms()
            self.store.update_run(
                run.run_id, status=RunStatus.RUNNING, start_time=now, heartbeat_time=now
            )
            record_task(self.store, run.run_id, target)
        finally:
            with self._done:
                self._active.discard(run.run_id)
                self._cancels.pop(run.run_id, None)
                self._done.notify_all()
        return self.get(run.run_id)

    def get(self, run_id: str) -> TaskState:
        """A run as a task state (for capabilities below jobs)."""
        return task_state(self.store.get_run(run_id))

    def list_tasks(self, kind: str | None = None, limit: int = 50) -> list[TaskState]:
        """The latest runs of `kind`, newest first."""
        return [task_state(run) for run in self.store.list_runs(kind=kind, limit=limit)]

    def wait(self, run_id: str, timeout: float | None = None) -> JobRun:
        """Block until this runner has finished `run_id` (or `timeout`); returns the run."""
        with self._done:
            self._done.wait_for(lambda: run_id not in self._active, timeout)
        return self.store.get_run(run_id)

    def active_run_ids(self) -> set[str]:
        """Runs this runner has accepted and not finished."""
        with self._lock:
            return set(self._active)

    def prewarm(self, kernel_name: str) -> None:
        """Start a kernel of `kernel_name` now for the next notebook run that needs one."""
        self._kernels.prestart(kernel_name, dict(os.environ), str(self.root_dir))

    # -- recovery ---------------------------------------------------------------------
    def recover(self) -> list[str]:
        """Mark runs whose process died failed (retrying per their job); returns their ids.

        A run is dead when its host is this machine and its pid is gone, or when its
        heartbeat is older than `recovery.STALE_AFTER_S` (another machine, or a reused pid).
        """
        dead: list[str] = []
        mine = self.active_run_ids()
        now = now_ms()
        for run in self.store.active_runs():
            if run.run_id in mine:
                continue
            message = death_of(run, self.host, self.pid, now)
            if message is None:
                continue
            if self.store.finish_run_if_active(run.run_id, RunStatus.FAILED, message):
                dead.append(run.run_id)
                log.warning("job run %s: %s", run.run_id, message)
                self._maybe_retry(self.store.get_run(run.run_id))
        return dead

    # -- execution --------------------------------------------------------------------
    def _run_guarded(self, run_id: str) -> None:
        try:
            if self._cancel_event(run_id).is_set():  # cancelled while it waited its turn
                self.store.finish_run_if_active(run_id, RunStatus.CANCELLED, self._reason(run_id))
                return
            run = self.store.get_run(run_id)
            if run.kind == NOTEBOOK_KIND:
                self._run_notebook(run)
            else:
                self._run_task(run)
        except Exception as exc:  # a bug or the store gone: the run must not stay active
            log.exception("job run %s failed", run_id)
            try:
                self.store.finish_run_if_active(run_id, RunStatus.FAILED, f"{exc}")
            except Exception:
                log.exception("job run %s: could not record the failure", run_id)
        finally:
            with self._done:
                self._active.discard(run_id)
                self._pending_notebooks.pop(run_id, None)
                self._cancels.pop(run_id, None)
                self._cancel_reasons.pop(run_id, None)
                self._done.notify_all()

    def _notebook_of(self, run: JobRun) -> tuple[str, Path | None]:
        with self._lock:
            pending = self._pending_notebooks.get(run.run_id)
        if pending is not None:
            return pending
        if run.job_id is None:
            raise MLOpsError("this run's notebook is gone (its process stopped)")
        return self.store.snapshot(run.job_id), None

    def _run_notebook(self, run: JobRun) -> None:
        nb_json, output = self._notebook_of(run)
        status = execute_notebook_run(
            self.store,
            run,
            nb_json,
            output,
            output_root=self.output_root,
            root_dir=self.root_dir,
            db_url=self.database.url,
            stop=self._cancel_event(run.run_id),
            cancel_reason=lambda: self._reason(run.run_id),
            take_kernel=self._take_kernel,
            dask_client=self._client,
        )
        if status is not None and status is not RunStatus.SUCCEEDED:
            self._maybe_retry(self.store.get_run(run.run_id))

    def _take_kernel(self, kernel_name: str, env: Mapping[str, str]) -> Any:
        """A kernel started ahead for `kernel_name` (None: the run starts its own, and the
        pool starts one for the next run of this kernelspec)."""
        warm = self._kernels.take(kernel_name, env)
        if warm is None and self._kernels.refill:
            self.prewarm(kernel_name)
        return warm

    def _client(self) -> Any:
        if self._dask_client is not None:
            return self._dask_client()
        from ..clusters.client import get_client

        return get_client()

    def _run_task(self, run: JobRun) -> None:
        process = start_task_process(self.store, run, self.root_dir)
        with self._lock:
            self._processes[run.run_id] = process
        self.store.update_run(run.run_id, pid=process.pid)
        try:
            _, stderr = process.communicate()
        finally:
            with self._lock:
                self._processes.pop(run.run_id, None)
        cancelled = self._cancel_event(run.run_id).is_set()
        reason = self._reason(run.run_id) if cancelled else None
        record_task_exit(self.store, run.run_id, process.returncode, stderr, reason)

    def _maybe_retry(self, run: JobRun) -> None:
        if self._closed.is_set():
            return
        retry = retry_of(self.store, run)
        if retry is None:
            return
        log.info(
            "job run %s failed; retry %s (attempt %d)", run.run_id, retry.run_id, retry.attempt
        )
        self.enqueue(retry)

    def _beat(self) -> None:
        # Beats until stopped, or closed with nothing left to run (a drain keeps beating).
        if self._closed.is_set() and not self.active_run_ids():
            self._heartbeat.stop()  # from its own thread: the loop ends after this pass
            return
        try:
            self.store.heartbeat(self.active_run_ids())
        except Exception:  # the store is briefly unavailable: beat again later
            log.debug("job heartbeat failed", exc_info=True)

    def close(self, wait: bool = False) -> None:
        """Stop taking runs; with `wait`, finish those already accepted."""
        self._closed.set()
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        self._kernels.close()

    def _cancel_event(self, run_id: str) -> threading.Event:
        with self._lock:
            return self._cancels.setdefault(run_id, threading.Event())

    def _reason(self, run_id: str) -> str:
        with self._lock:
            return self._cancel_reasons.get(run_id, "stopped: the runner shut down")

    def cancel(self, run_id: str) -> JobRun:
        """Cancel a run: a queued one never starts; a running one's kernel (or task process,
        or Dask task) is killed. Only the process running it can; elsewhere it is a 409."""
        run = self.store.get_run(run_id)
        if run.status.final:
            raise MLOpsError(f"run {run_id} has already ended ({run.status.value})",
                             ErrorCode.CONFLICT, "run_id")  # fmt: skip
        with self._lock:
            mine = run_id in self._active
            if mine:
                self._cancel_reasons[run_id] = "cancelled by a user"
                self._cancels.setdefault(run_id, threading.Event()).set()
                process = self._processes.get(run_id)
        if not mine:
            raise MLOpsError(
                f"run {run_id} is executed by pid {run.pid} on {run.host}; cancel it there",
                ErrorCode.CONFLICT,
                "run_id",
            )
        if process is not None:
            process.kill()
        return self.store.get_run(run_id)

    def stop(self) -> None:
        """Shut down now (the server stops): kill running kernels and task processes, and
        mark every run this runner had accepted cancelled; returns when all have ended."""
        self._closed.set()
        with self._lock:
            processes = list(self._processes.values())
            for event in self._cancels.values():
                event.set()
        for process in processes:
            process.kill()
        self._kernels.close()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for run_id in self.active_run_ids():  # queued runs whose turn never came
            self.store.finish_run_if_active(
                run_id, RunStatus.CANCELLED, "stopped: the runner shut down before it ran"
            )
        self._heartbeat.stop()
