"""Profiling files for the Lab, as tasks of the jobs runner (`core.tasks.BaseTaskRunner`).

`POST /mlops/api/profiles` checks the path at once (inside the server's root, present, CSV or
Parquet) and submits task `profiling.profile_file`; the runner profiles in a child process and
stores the progress (the finished share of the Dask graph's tasks) and the profile in the
store. The Lab polls `GET profiles/jobs/{id}`. Jobs persist: they are listed with the runner's
runs, and one whose server stopped shows as failed after the restart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.tasks import BaseTaskRunner, TaskState
from .paths import resolve_in_root
from .store import check_name

TASK_KIND = "profiling.profile_file"


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

    def __init__(self, runner: Callable[[], BaseTaskRunner | None], root_dir: Path) -> None:
        self._runner = runner
        self.root_dir = root_dir

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
        run_id = self.runner.submit(TASK_KIND, kwargs, title=f"Profile {path}")
        return _public(self.runner.get(run_id))

    def get(self, job_id: str) -> tuple[ProfileJob, dict[str, Any] | None]:
        """The job and, once done, its profile's JSON."""
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
        return [_public(state) for state in self.runner.list_tasks(TASK_KIND, limit)]
