"""REST adapter for jobs (routes under `/mlops/api/`):

GET    jobs                                  {jobs}: definitions with next firings, last run
POST   jobs                                  create (body `JobCreate`; `run_now` also runs it)
GET    jobs/{job_id}                         one job
PATCH  jobs/{job_id}                         change fields, pause/resume, refresh the snapshot
DELETE jobs/{job_id}                         delete the job and its runs
GET    jobs/{job_id}/runs                    its runs, newest first
POST   jobs/{job_id}/runs                    run now (202)
GET    job-runs/{run_id}                     one run: status, progress, failing cell, outputs
POST   job-runs/{run_id}/cancel              cancel a queued or running run (its kernel is killed)
GET    job-runs/{run_id}/outputs/{format}    download the executed ipynb or its HTML
GET    job-parameters?path=                  a notebook's parameters (papermill inspection)
GET    job-schedule?schedule=&timezone=      cron in words and its next 3 firings

`setup` builds the `JobRunner` (also `core.tasks.TASK_RUNNER`, the `BaseTaskRunner` other
capabilities submit long work to) and, unless
`MLOpsApp.jobs_scheduler` is off, starts the Lab's scheduler.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Protocol

import tornado.web
from pydantic import BaseModel

from ..core import artifact_store
from ..core.capability import ServerHost, Teardown
from ..core.errors import MLOpsError, NotFoundError
from ..core.openapi import Contract
from ..core.rest import APIHandler
from ..core.tasks import TASK_RUNNER
from ..tracking.capability import TRACKING
from ..tracking.provenance import runs_of_job_runs
from . import api_models as api
from .capability import JOB_RUNNER, JOBS
from .entities import Job, JobRun, JobSpec
from .kernel_pool import KernelPool
from .parameters import check_parameters
from .runner import JobRunner
from .schedule import check_cron, check_timezone, describe, next_times
from .scheduler import Scheduler
from .service import JobService, notebook_parameters
from .store import JobStore, now_ms


class _Empty(BaseModel):
    """No content."""


def run_out(run: JobRun, root: Path, tracking_run_ids: list[str] | None = None) -> api.JobRunOut:
    """A stored run as the API shows it."""
    outputs = []
    for kind, path in run.outputs.items():
        absolute = Path(path)
        lab_path = absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else None
        outputs.append(api.RunOutput(format=kind, path=path, lab_path=lab_path))
    data = asdict(run)
    data.update(
        status=run.status.value,
        outputs=outputs,
        duration_ms=run.duration_ms,
        tracking_run_ids=tracking_run_ids or [],
    )
    return api.JobRunOut.model_validate(data)


def job_out(job: Job, root: Path) -> api.JobOut:
    """A stored job with its schedule preview."""
    description = describe(job.schedule, job.timezone) if job.schedule else None
    upcoming = (
        next_times(job.schedule, job.timezone, now_ms()) if job.schedule and not job.paused else []
    )
    data = asdict(job)
    data.update(
        schedule_description=description,
        next_times=upcoming,
        last_run=run_out(job.last_run, root) if job.last_run else None,
    )
    return api.JobOut.model_validate(data)


class _JobsBase(APIHandler):
    @property
    def runner(self) -> JobRunner:
        return self.service(JOB_RUNNER)

    @property
    def jobs(self) -> JobService:
        return self.service(JOBS)

    @property
    def root(self) -> Path:
        return self.jobs.root_dir


class JobsHandler(_JobsBase):
    """The job definitions."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("List jobs", response=api.JobList, query=api.JobsQuery),
        "post": Contract(
            "Create a job from a notebook", response=api.JobOut, body=api.JobCreate, status=201
        ),
    }

    @tornado.web.authenticated
    async def get(self) -> None:
        """Every job (or one user's), newest first."""
        query = self.parse_query(api.JobsQuery)
        jobs = await self.run_blocking(self.jobs.store.list_jobs)
        if query.created_by is not None:
            jobs = [job for job in jobs if job.created_by == query.created_by]
        self.reply(api.JobList(jobs=[job_out(job, self.root) for job in jobs]))

    @tornado.web.authenticated
    async def post(self) -> None:
        """Create a job (and run it at once with `run_now`)."""
        body = self.parse_body(api.JobCreate)
        spec = JobSpec(**body.model_dump(exclude={"run_now"}))
        job = await self.run_blocking(self.jobs.create, spec)
        if body.run_now:
            await self.run_blocking(self.runner.run_job, job.job_id, "manual")
            job = await self.run_blocking(self.jobs.store.get_job, job.job_id)
        self.reply(job_out(job, self.root), status=201)


class JobHandler(_JobsBase):
    """One job."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Get a job", response=api.JobOut),
        "patch": Contract("Change, pause or resume a job", response=api.JobOut, body=api.JobPatch),
        "delete": Contract("Delete a job and its runs", response=_Empty),
    }

    @tornado.web.authenticated
    async def get(self, job_id: str) -> None:
        """The job with its last run."""
        job = await self.run_blocking(self.jobs.store.get_job, job_id)
        self.reply(job_out(job, self.root))

    @tornado.web.authenticated
    async def patch(self, job_id: str) -> None:
        """Change the fields given."""
        body = self.parse_body(api.JobPatch)
        changes = body.model_dump(exclude_unset=True, exclude={"refresh_snapshot"})
        for key in ("name", "timezone", "target", "gpu", "retries", "outputs", "paused",
                    "missed_policy", "parameters"):  # fmt: skip
            if key in changes and changes[key] is None:
                del changes[key]
        job = await self.run_blocking(
            self.jobs.update, job_id, changes, refresh_snapshot=body.refresh_snapshot
        )
        self.reply(job_out(job, self.root))

    @tornado.web.authenticated
    async def delete(self, job_id: str) -> None:
        """Delete the job, its runs and its claims."""
        await self.run_blocking(self.jobs.store.delete_job, job_id)
        self.reply(_Empty())


class JobRunsHandler(_JobsBase):
    """A job's runs."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("List a job's runs", response=api.RunList, query=api.JobRunsQuery),
        "post": Contract("Run a job now", response=api.JobRunOut, body=api.RunNow, status=202),
    }

    @tornado.web.authenticated
    async def get(self, job_id: str) -> None:
        """Runs, newest first."""
        query = self.parse_query(api.JobRunsQuery)
        await self.run_blocking(self.jobs.store.get_job, job_id)
        runs = await self.run_blocking(
            self.jobs.store.list_runs, job_id, None, query.limit, query.offset
        )
        linked = await self.run_blocking(
            runs_of_job_runs, self.services.find(TRACKING), [run.run_id for run in runs]
        )
        self.reply(api.RunList(runs=[run_out(r, self.root, linked[r.run_id]) for r in runs]))

    @tornado.web.authenticated
    async def post(self, job_id: str) -> None:
        """Start a run now (202: it runs in the pool)."""
        body = self.parse_body(api.RunNow)
        parameters: dict[str, Any] = {}
        if body.parameters:
            import nbformat

            from .parameters import inspect_parameters

            snapshot = await self.run_blocking(self.jobs.store.snapshot, job_id)
            declared = inspect_parameters(nbformat.reads(snapshot, as_version=4))
            parameters = check_parameters(declared, body.parameters)
        run = await self.run_blocking(self.runner.run_job, job_id, body.trigger, parameters)
        self.reply(run_out(run, self.root), status=202)


class JobRunHandler(_JobsBase):
    """One run."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Get a job run", response=api.JobRunOut)
    }

    @tornado.web.authenticated
    async def get(self, run_id: str) -> None:
        """The run with its progress, failing cell and outputs."""
        run = await self.run_blocking(self.jobs.store.get_run, run_id)
        linked = await self.run_blocking(runs_of_job_runs, self.services.find(TRACKING), [run_id])
        self.reply(run_out(run, self.root, linked[run_id]))


class JobRunCancelHandler(_JobsBase):
    """Cancel a run."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract("Cancel a queued or running job run", response=api.JobRunOut, status=202)
    }

    @tornado.web.authenticated
    async def post(self, run_id: str) -> None:
        """Stop the run (its kernel is killed); 409 when it has ended or another process runs it."""
        run = await self.run_blocking(self.runner.cancel, run_id)
        self.reply(run_out(run, self.root), status=202)


def _is_file(location: str) -> bool:
    return artifact_store.exists(location) and not artifact_store.is_dir(location)


class JobRunOutputHandler(_JobsBase):
    """A run's output file."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Download a run's output", binary=True)
    }

    @tornado.web.authenticated
    async def get(self, run_id: str, fmt: str) -> None:
        """The executed notebook (`ipynb`) or its HTML (`html`) as an attachment."""
        run = await self.run_blocking(self.jobs.store.get_run, run_id)
        path = run.outputs.get(fmt)
        # A local file, or an object under a remote artifact root (a job run on Dask).
        present = path is not None and await self.run_blocking(_is_file, path)
        if path is None or not present:
            raise NotFoundError(f"run {run_id} has no {fmt} output", field="format")
        data = await self.run_blocking(artifact_store.read_bytes, path)
        kind = "text/html" if fmt == "html" else "application/x-ipynb+json"
        name = PurePosixPath(path.replace("\\", "/")).name
        self.set_header("Content-Type", kind)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.write(data)
        await self.finish(set_content_type=kind)


class ParametersHandler(_JobsBase):
    """A notebook's parameters, for the Schedule dialog."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "A notebook's parameters", response=api.ParametersOut, query=api.ParametersQuery
        )
    }

    @tornado.web.authenticated
    async def get(self) -> None:
        """Papermill's inspection of the `parameters` cell, with inferred types."""
        query = self.parse_query(api.ParametersQuery)
        if (query.path is None) == (query.job_id is None):
            raise MLOpsError("give either path or job_id", field="path")
        if query.job_id is not None:
            found = await self.run_blocking(self.jobs.snapshot_parameters, query.job_id)
        else:
            found = await self.run_blocking(notebook_parameters, self.root, query.path or "")
        self.reply(
            api.ParametersOut(
                path=query.path,
                parameters=[api.ParameterOut.model_validate(asdict(p)) for p in found],
            )
        )


class SchedulePreviewHandler(_JobsBase):
    """A cron schedule in words, for the Schedule dialog."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "Describe a cron schedule", response=api.SchedulePreview, query=api.SchedulePreviewQuery
        )
    }

    @tornado.web.authenticated
    async def get(self) -> None:
        """The description and next three firings (a bad cron is a 400 naming `schedule`)."""
        query = self.parse_query(api.SchedulePreviewQuery)
        cron = check_cron(query.schedule)
        check_timezone(query.timezone)
        self.reply(
            api.SchedulePreview(
                schedule=cron,
                timezone=query.timezone,
                description=describe(cron, query.timezone),
                next_times=next_times(cron, query.timezone, now_ms()),
            )
        )


class JobsHost(ServerHost, Protocol):
    """The settings the jobs capability reads (`MLOpsApp` traitlets)."""

    jobs_concurrency: int
    jobs_warm_kernels: bool
    jobs_scheduler: bool
    jobs_scheduler_interval: float


def setup(app: JobsHost) -> Teardown:
    """Build the runner (the server's task runner too), the job service and the scheduler.
    The teardown stops the scheduler, then the runner: running kernels and tasks are killed
    and their runs marked cancelled (nothing is left "running" by a server that stopped)."""
    root = Path(app.serverapp.root_dir).expanduser().resolve()
    runner = JobRunner(
        app.database,
        output_root=root / "mlops-job-runs",
        root_dir=root,
        concurrency=app.jobs_concurrency,
        kernel_pool=KernelPool(refill=app.jobs_warm_kernels),
    )
    app.services.provide(TASK_RUNNER, runner)
    app.services.provide(JOB_RUNNER, runner)
    app.services.provide(JOBS, JobService(JobStore(app.database), root))
    # Runs a stopped server (or a dead machine) left "running" end as failed now.
    runner.recover()
    scheduler = None
    if app.jobs_scheduler:
        scheduler = Scheduler(runner, interval_s=app.jobs_scheduler_interval)
        scheduler.start()

    async def teardown() -> None:
        if scheduler is not None:
            scheduler.stop()
        await asyncio.to_thread(runner.stop)

    return teardown


_ID = r"(?P<{}>[^/]+)"
ROUTES = [
    (r"jobs", JobsHandler),
    (r"jobs/" + _ID.format("job_id"), JobHandler),
    (r"jobs/" + _ID.format("job_id") + r"/runs", JobRunsHandler),
    (r"job-runs/" + _ID.format("run_id"), JobRunHandler),
    (r"job-runs/" + _ID.format("run_id") + r"/cancel", JobRunCancelHandler),
    (r"job-runs/" + _ID.format("run_id") + r"/outputs/(?P<fmt>[^/]+)", JobRunOutputHandler),
    (r"job-parameters", ParametersHandler),
    (r"job-schedule", SchedulePreviewHandler),
]
