"""REST adapter for profiling: saved profiles, and jobs that profile files in the server's root.

GET    /mlops/api/profiles                 saved profiles (summaries), newest first
POST   /mlops/api/profiles                 {path, name?, sample?, csv?}: profile a file -> 202 job
GET    /mlops/api/profiles/jobs/{job_id}   {job, profile}: progress, then the profile
GET    /mlops/api/profiles/{profile_id}    a saved profile (by id or name)
GET    /mlops/api/profiles/{profile_id}/report   its standalone HTML report, as a download
DELETE /mlops/api/profiles/{profile_id}    delete a saved profile
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from tornado import web

from ..core.capability import ServerHost
from ..core.openapi import Contract
from ..core.rest import APIHandler
from ..core.tasks import TASK_RUNNER
from .api_models import JobState, ProfileBody, ProfileList, ProfileRequest
from .capability import PROFILING
from .jobs import ProfileJob, ProfileJobs
from .settings import profiling_settings
from .store import ProfileStore


class ProfilesHandler(APIHandler):
    """The collection: list saved profiles, profile a file."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The saved profiles, most recently saved first", response=ProfileList),
        "post": Contract(
            "Start profiling a CSV or Parquet file in the server's root (a job to poll)",
            response=ProfileJob,
            body=ProfileRequest,
            status=202,
        ),
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with the saved profiles' summaries."""
        summaries = await self.run_blocking(ProfileStore(self.database).list)
        self.reply([summary.model_dump() for summary in summaries])

    @web.authenticated
    async def post(self) -> None:
        """Start profiling a file; 202 with the job to poll."""
        request = self.parse_body(ProfileRequest)
        jobs = self.service(PROFILING)
        options = request.csv.model_dump() if request.csv is not None else None
        job = await self.run_blocking(
            jobs.start, request.path, request.name, request.sample, options
        )
        self.reply(job, status=202)


class ProfileJobHandler(APIHandler):
    """One profiling job."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A profiling job and, once done, its profile", response=JobState)
    }

    @web.authenticated
    async def get(self, job_id: str) -> None:
        """Reply with the job's state and, once done, its profile."""
        jobs = self.service(PROFILING)
        job, profile = await self.run_blocking(jobs.get, job_id)
        self.reply(JobState(job=job, profile=profile))


class ProfileHandler(APIHandler):
    """One saved profile."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A saved profile, by id or name", response=ProfileBody),
        "delete": Contract("Delete a saved profile", status=204),
    }

    @web.authenticated
    async def get(self, profile_id: str) -> None:
        """Reply with the whole profile."""
        profile = await self.run_blocking(ProfileStore(self.database).get, profile_id)
        self.reply(profile.to_dict())

    @web.authenticated
    async def delete(self, profile_id: str) -> None:
        """Delete it; 204."""
        await self.run_blocking(ProfileStore(self.database).delete, profile_id)
        self.set_status(204)
        self.finish()


class ProfileReportHandler(APIHandler):
    """A saved profile's standalone HTML report (plotly.js inlined), as a file to download."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A saved profile's standalone HTML report (a download)", binary=True)
    }

    @web.authenticated
    async def get(self, profile_id: str) -> None:
        """Reply with the report as an attachment named after the profile."""
        from .report import profile_report

        profile = await self.run_blocking(ProfileStore(self.database).get, profile_id)
        html = await self.run_blocking(profile_report, profile)
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", profile.name or profile.id or "profile")
        self.set_header("Content-Disposition", f'attachment; filename="{stem[:80]}.html"')
        # The report runs its own scripts only when opened as a file, never in this origin.
        self.set_header("Content-Security-Policy", "sandbox allow-scripts")
        self.finish(html, set_content_type="text/html; charset=utf-8")


def setup(app: ServerHost) -> None:
    """Profiling jobs rooted at the server's root, on the server's task runner (the jobs
    capability, set up first: profiling requires it); small files in the thread pool
    (`c.ProfilingSettings.small_file_bytes`)."""
    root = Path(app.serverapp.root_dir).expanduser().resolve()
    small = profiling_settings(app.serverapp).small_file_bytes
    jobs = ProfileJobs(lambda: app.services.find(TASK_RUNNER), root, small_file_bytes=small)
    app.services.provide(PROFILING, jobs)


ROUTES = [
    ("profiles", ProfilesHandler),
    (r"profiles/jobs/(?P<job_id>[^/]+)", ProfileJobHandler),
    (r"profiles/(?P<profile_id>[^/]+)/report", ProfileReportHandler),
    (r"profiles/(?P<profile_id>[^/]+)", ProfileHandler),
]
