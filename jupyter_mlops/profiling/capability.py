"""The profiling capability's declaration (see `core.capability`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey
from ..core.tasks import TASK_RUNNER

if TYPE_CHECKING:
    from .jobs import ProfileJobs

PROFILING: ServiceKey[ProfileJobs] = ServiceKey("profiling")

CAPABILITY = Capability(
    "profiling",
    "Data profiling",
    "jupyter_mlops.profiling.handlers",
    provides=(PROFILING,),
    # Files too big to profile within a request run as tasks of the jobs runner.
    requires=(TASK_RUNNER,),
    task_kinds={"profiling.profile_file": "jupyter_mlops.profiling.tasks:profile_file"},
    migrations="migrations",
)
