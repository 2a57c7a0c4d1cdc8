"""When a run's process counts as dead, and what follows a failed run of a job.

Every accepted run records its host and pid, and the runner's heartbeat thread touches the
active ones every `HEARTBEAT_S`. A run is dead when its host is this machine and its pid is
gone, or when its heartbeat is older than `STALE_AFTER_S` (another machine, or a reused pid);
the runner's `recover()` marks it failed. A failed run of a job is retried `retries` times, as
a new run (trigger "retry", attempt + 1).
"""

from __future__ import annotations

from ..core.errors import MLOpsError
from ..core.processes import pid_alive
from .entities import NOTEBOOK_KIND, JobRun, RunStatus
from .store import JobStore

HEARTBEAT_S = 10.0
# A run whose heartbeat is older than this is dead even if its host is another machine.
STALE_AFTER_S = 90.0


def death_of(run: JobRun, host: str, pid: int, now: int) -> str | None:
    """Why an active run of another runner is dead (its process gone or silent), or None
    while it may still be running; `host`, `pid`: the asking runner's, `now` in ms."""
    same_host = run.host == host
    # Same pid on this host: this very process (another runner in it) owns the run.
    gone = run.pid is None or (same_host and run.pid != pid and not pid_alive(run.pid))
    stale = (run.heartbeat_time or run.created_time) < now - STALE_AFTER_S * 1000
    if not (gone or stale):
        return None
    where = f"pid {run.pid} on {run.host}" if run.pid else "its process"
    return f"the process running it ({where}) stopped before it finished"


def retry_of(store: JobStore, run: JobRun) -> JobRun | None:
    """A new queued run retrying a failed run of a job, while the job has attempts left;
    None for a success, a run of no job (or of one deleted), or the last attempt."""
    if run.job_id is None or run.status is RunStatus.SUCCEEDED:
        return None
    try:
        job = store.get_job(run.job_id)
    except MLOpsError:
        return None
    if run.attempt > job.retries:
        return None
    return store.create_run(
        job_id=job.job_id,
        kind=NOTEBOOK_KIND,
        title=job.name,
        trigger="retry",
        attempt=run.attempt + 1,
        target=job.target,
        notebook_path=job.notebook_path,
        parameters=run.parameters,
        scheduled_time=run.scheduled_time,
    )
