"""Profiling files for the Lab: jobs that run off the event loop and report their progress.

`POST /mlops/api/profiles` checks the path at once (inside the server's root, present, CSV or
Parquet) and starts a job; the Lab polls the job for its progress (the finished share of the
Dask graph's tasks) and gets the profile when it is done. Jobs run one at a time (profiling is
CPU-bound) and the last `KEPT_JOBS` are remembered.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from ..core.db import Database
from ..core.errors import MLOpsError, NotFoundError
from .api import profile_file
from .entities import Profile
from .paths import resolve_in_root
from .store import ProfileStore, check_name

KEPT_JOBS = 50
log = logging.getLogger(__name__)


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


@dataclass
class _Job:
    id: str
    path: str
    target: Path
    name: str | None
    sample: int | float | None
    read_options: dict[str, str | None] = field(default_factory=dict)
    started_time: int = field(default_factory=lambda: int(time.time() * 1000))
    status: Literal["running", "done", "failed"] = "running"
    progress: float = 0.0
    finished_time: int | None = None
    profile: Profile | None = None
    error: JobError | None = None

    def public(self) -> ProfileJob:
        return ProfileJob(
            id=self.id,
            path=self.path,
            name=self.name,
            status=self.status,
            progress=round(self.progress, 4),
            started_time=self.started_time,
            finished_time=self.finished_time,
            profile_id=self.profile.id if self.profile is not None else None,
            error=self.error,
        )


class ProfileJobs:
    """Runs profiling jobs for the server, one at a time, and keeps their results."""

    def __init__(self, database: Database, root_dir: Path) -> None:
        self.database = database
        self.root_dir = root_dir
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlops-profile")

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
        job = _Job(uuid.uuid4().hex, path, target, name, sample, dict(read_options or {}))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
        self._executor.submit(self._run, job)
        return job.public()

    def get(self, job_id: str) -> tuple[ProfileJob, Profile | None]:
        """The job and, once done, its profile."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no profiling job {job_id!r}", field="job_id")
        return job.public(), job.profile

    def close(self) -> None:
        """Stop taking jobs; a running one finishes in its thread."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: _Job) -> None:
        def report(fraction: float) -> None:
            job.progress = max(job.progress, fraction)

        try:
            result = profile_file(
                str(job.target),
                sample=job.sample,
                on_progress=report,
                field="path",
                label=job.path,
                delimiter=job.read_options.get("delimiter"),
                encoding=job.read_options.get("encoding"),
            )
            result.source = job.path
            if job.name is not None:
                result = ProfileStore(self.database).save(result, job.name)
            job.profile = result
            job.status = "done"
            job.progress = 1.0
        except MLOpsError as exc:
            job.error = JobError(error=exc.code.value, message=exc.message, field=exc.field)
            job.status = "failed"
        except Exception as exc:  # a bug or an unexpected file: say so, log the details
            log.exception("profiling %s failed", job.path)
            job.error = JobError(error="internal", message=f"profiling failed: {exc}")
            job.status = "failed"
        finally:
            job.finished_time = int(time.time() * 1000)
