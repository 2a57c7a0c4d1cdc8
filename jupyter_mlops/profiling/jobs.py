"""Profiling files for the Lab, as tasks of the jobs runner (`core.tasks.BaseTaskRunner`):
small files in the server's thread pool, others in a task process.

`POST /mlops/api/profiles` checks the path at once (inside the server's root, present, CSV or
Parquet). A file of at most `small_file_bytes` (some tens of thousands of rows) is profiled by the
runner's `run_here` in the thread pool the handler runs in, read whole with pandas (exact; no
Dask to import, which costs seconds the first time): the answer to the POST is the
finished job, and the Lab shows the profile well under a second after the click (a task
process pays its start and its imports, several seconds). A larger file is submitted as task
`profiling.profile_file`; the runner profiles it in a child process and stores the progress
(the finished share of the Dask graph's tasks) and the profile. Either way the job is a run of
the runner's store: it persists, is listed with the other runs, and says where it ran
(`runs_in`); one whose server stopped shows as failed after the restart. The Lab polls
`GET profiles/jobs/{id}` while a job runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.tasks import BaseTaskRunner, TaskState
from .entities import Profile
from .paths import resolve_in_root
from .store import check_name

TASK_KIND = "profiling.profile_file"  # declared in capability.py

#: Files up to this size are profiled in the server's thread pool, larger ones by the runner.
SMALL_FILE_BYTES = 5 * 1024 * 1024
# The task's keyword that marks a job run in the server (`tasks.profile_file` ignores it).
_IN_SERVER = "in_server"


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
    runs_in: Literal["server", "runner"]
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
        runs_in="server" if state.kwargs.get(_IN_SERVER) else "runner",
        progress=round(1.0 if status == "done" else state.progress, 4),
        started_time=state.start_time or state.created_time,
        finished_time=state.end_time,
        profile_id=result.get("profile_id"),
        error=error,
    )


class ProfileJobs:
    """Starts profiling tasks on the server's task runner and reads them back.

    Files of at most `small_file_bytes` are profiled in the calling (thread pool) thread.
    """

    def __init__(
        self,
        runner: Callable[[], BaseTaskRunner | None],
        root_dir: Path,
        small_file_bytes: int = SMALL_FILE_BYTES,
    ) -> None:
        self._runner = runner
        self.root_dir = root_dir
        self.small_file_bytes = small_file_bytes

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
        title = f"Profile {path}"
        if target.is_file() and target.stat().st_size <= self.small_file_bytes:
            # Read whole with pandas: exact, and no Dask to import (seconds, the first time).
            small = {**kwargs, _IN_SERVER: True, "engine": "pandas"}
            state = self.runner.run_here(TASK_KIND, small, title=title)
        else:
            state = self.runner.get(self.runner.submit(TASK_KIND, kwargs, title=title))
        return _public(state)

    def get(self, job_id: str) -> tuple[ProfileJob, Profile | None]:
        """The job and, once done, its profile."""
        try:
            state = self.runner.get(job_id)
        except NotFoundError:
            raise NotFoundError(f"no profiling job {job_id!r}", field="job_id") from None
        if state.kind != TASK_KIND:
            raise NotFoundError(f"no profiling job {job_id!r}", field="job_id")
        job = _public(state)
        data = state.result.get("profile") if isinstance(state.result, dict) else None
        if job.status != "done" or data is None:
            return job, None
        return job, Profile.from_dict(data)

    def list(self, limit: int = 50) -> list[ProfileJob]:
        """The latest profiling jobs, newest first."""
        return [_public(state) for state in self.runner.list_tasks(TASK_KIND, limit)]
