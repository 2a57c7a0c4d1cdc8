"""Profiling files for the Lab: small files in the server's thread pool, others as tasks of
the jobs runner (`core.tasks.BaseTaskRunner`).

A file of at most `SMALL_FILE_BYTES` (a few thousand rows) is profiled at once in the thread
pool the handler runs in: the answer to the POST is the finished job, and the Lab shows the
profile well under a second after the click (a runner task pays a child process and its
imports, several seconds). Those jobs are kept in memory (the latest 50) for the Lab's poll.

`POST /mlops/api/profiles` checks the path at once (inside the server's root, present, CSV or
Parquet) and submits task `profiling.profile_file`; the runner profiles in a child process and
stores the progress (the finished share of the Dask graph's tasks) and the profile in the
store. The Lab polls `GET profiles/jobs/{id}`. Jobs persist: they are listed with the runner's
runs, and one whose server stopped shows as failed after the restart.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from ..core.clock import now_ms
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.tasks import BaseTaskRunner, TaskState
from .paths import resolve_in_root
from .store import check_name

TASK_KIND = "profiling.profile_file"  # declared in capability.py

#: Files up to this size are profiled in the server's thread pool, larger ones by the runner.
SMALL_FILE_BYTES = 5 * 1024 * 1024
_INLINE_KEPT = 50


class JobError(BaseModel):
    """Why a job failed (the body the API would have answered)."""

    error: str
    message: str
    field: str | None = None


class ProfileJob(BaseModel):
    """A profiling job as the REST API shows it."""

    id: str
    path: str
    name: str | None
    status: Literal["running", "done", "failed"]
    progress: float
    started_time: int
    finished_time: int | None = None
    profile_id: str | None = None
    error: JobError | None = None


def _public(state: TaskState) -> ProfileJob:
    status: Literal["running", "done", "failed"] = (
        "running" if not state.finished else "done" if state.status == "succeeded" else "failed"
    )
    result = state.result if isinstance(state.result, dict) else {}
    error = None
    if status == "failed":
        error = JobError(
            error=state.error_code or "internal",
            message=state.error or "profiling failed",
            field=state.error_field,
        )
    return ProfileJob(
        id=state.run_id,
        path=str(state.kwargs.get("path", "")),
        name=state.kwargs.get("name"),
        status=status,
        progress=round(1.0 if status == "done" else state.progress, 4),
        started_time=state.start_time or state.created_time,
        finished_time=state.end_time,
        profile_id=result.get("profile_id"),
        error=error,
    )


class ProfileJobs:
    """Starts profiling tasks on the server's task runner and reads them back."""

    def __init__(
        self,
        runner: Callable[[], BaseTaskRunner | None],
        root_dir: Path,
        small_file_bytes: int = SMALL_FILE_BYTES,
    ) -> None:
        self._runner = runner
        self.root_dir = root_dir
        self.small_file_bytes = small_file_bytes
        self._inline: OrderedDict[str, tuple[ProfileJob, dict[str, Any] | None]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def runner(self) -> BaseTaskRunner:
        """The server's task runner (the jobs capability's)."""
        runner = self._runner()
        if runner is None:
            raise MLOpsError(
                "profiling files needs the jobs capability's runner", ErrorCode.UNAVAILABLE
            )
        return runner

    def start(
        self,
        path: str,
        name: str | None = None,
        sample: int | float | None = None,
        read_options: dict[str, str | None] | None = None,
    ) -> ProfileJob:
        """Check `path` and start profiling it; saved under `name` when one is given.

        `read_options` (`delimiter`, `encoding`) apply to CSV files.
        """
        target = resolve_in_root(self.root_dir, path)
        if name is not None:
            name = check_name(name)
        kwargs: dict[str, Any] = {
            "path": path,
            "target": str(target),
            "name": name,
            "sample": sample,
            "read_options": dict(read_options or {}),
        }
        if target.is_file() and target.stat().st_size <= self.small_file_bytes:
            return self._profile_here(kwargs)
        run_id = self.runner.submit(TASK_KIND, kwargs, title=f"Profile {path}")
        return _public(self.runner.get(run_id))

    def _profile_here(self, kwargs: dict[str, Any]) -> ProfileJob:
        """Profile a small file in this (thread pool) thread; the job, finished."""
        from .tasks import profile_file

        job = ProfileJob(
            id=uuid.uuid4().hex,
            path=kwargs["path"],
            name=kwargs["name"],
            status="running",
            progress=0.0,
            started_time=now_ms(),
        )
        profile: dict[str, Any] | None = None
        try:
            result = profile_file(lambda share: None, **kwargs)
            job = job.model_copy(
                update={"status": "done", "progress": 1.0, "profile_id": result["profile_id"]}
            )
            profile = result["profile"]
        except MLOpsError as error:
            failure = JobError(error=error.code.value, message=error.message, field=error.field)
            job = job.model_copy(update={"status": "failed", "error": failure})
        except Exception as error:  # as a runner task fails: the job says why, no 500
            failure = JobError(error="internal", message=f"{type(error).__name__}: {error}")
            job = job.model_copy(update={"status": "failed", "error": failure})
        job = job.model_copy(update={"finished_time": now_ms()})
        with self._lock:
            self._inline[job.id] = (job, profile)
            while len(self._inline) > _INLINE_KEPT:
                self._inline.popitem(last=False)
        return job

    def get(self, job_id: str) -> tuple[ProfileJob, dict[str, Any] | None]:
        """The job and, once done, its profile's JSON."""
        with self._lock:
            inline = self._inline.get(job_id)
        if inline is not None:
            return inline
        try:
            state = self.runner.get(job_id)
        except NotFoundError:
            raise NotFoundError(f"no profiling job {job_id!r}", field="job_id") from None
        if state.kind != TASK_KIND:
            raise NotFoundError(f"no profiling job {job_id!r}", field="job_id")
        job = _public(state)
        profile = state.result.get("profile") if isinstance(state.result, dict) else None
        return job, profile if job.status == "done" else None

    def list(self, limit: int = 50) -> list[ProfileJob]:
        """The latest profiling jobs, newest first."""
        with self._lock:
            inline = [job for job, _ in self._inline.values()]
        tasks = [_public(state) for state in self.runner.list_tasks(TASK_KIND, limit)]
        jobs = sorted(inline + tasks, key=lambda job: job.started_time, reverse=True)
        return jobs[:limit]
