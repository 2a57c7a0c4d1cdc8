"""The jobs capability's declaration (see `core.capability`): it runs every capability's long
work (`core.tasks.TASK_RUNNER`) besides scheduled notebook jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey
from ..core.tasks import TASK_RUNNER

if TYPE_CHECKING:
    from .runner import JobRunner
    from .service import JobService

JOB_RUNNER: ServiceKey[JobRunner] = ServiceKey("job_runner")
JOBS: ServiceKey[JobService] = ServiceKey("jobs")

CAPABILITY = Capability(
    "jobs",
    "Scheduled jobs",
    "jupyter_mlops.jobs.handlers",
    provides=(TASK_RUNNER, JOB_RUNNER, JOBS),
    # A job run's tracking runs are found through the tracking store when it runs.
    uses=("tracking",),
    migrations="migrations",
)
