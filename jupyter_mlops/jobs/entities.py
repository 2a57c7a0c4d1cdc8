"""The dataclasses every layer of the jobs capability exchanges (the store returns these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class RunStatus(str, Enum):
    """Where a run is; the last four are final."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """Whether the run has stopped."""
        return self not in (RunStatus.QUEUED, RunStatus.RUNNING)


ACTIVE_STATUSES = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)
NOTEBOOK_KIND = "notebook"
OUTPUT_FORMATS = ("ipynb", "html")
MISSED_POLICIES = ("skip", "catch_up")


@dataclass
class JobSpec:
    """What a job is made of, as given to `create_job`/`update_job` (validated there)."""

    notebook_path: str
    name: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    schedule: str | None = None
    timezone: str = "UTC"
    target: str = "local"
    gpu: bool = False
    timeout_s: int | None = None
    retries: int = 0
    outputs: list[str] = field(default_factory=lambda: ["ipynb"])
    paused: bool = False
    missed_policy: str = "skip"
    # {"parameter": name, "constraints": "models:/NAME/VERSION" or a constraints dict}
    input_validation: dict[str, Any] | None = None


@dataclass
class Job:
    """A stored job definition (without its notebook snapshot, see `JobStore.snapshot`)."""

    job_id: str
    name: str
    notebook_path: str
    parameters: dict[str, Any]
    schedule: str | None
    timezone: str
    target: str
    gpu: bool
    timeout_s: int | None
    retries: int
    outputs: list[str]
    paused: bool
    missed_policy: str
    created_time: int
    updated_time: int
    schedule_since: int
    last_run: JobRun | None = None
    created_by: str | None = None
    updated_by: str | None = None
    input_validation: dict[str, Any] | None = None


@dataclass
class JobRun:
    """One execution of a notebook (a job's, or ad hoc) or of a task."""

    run_id: str
    job_id: str | None
    kind: str
    title: str
    status: RunStatus
    trigger: str
    attempt: int
    target: str
    notebook_path: str | None
    parameters: dict[str, Any]
    scheduled_time: int | None
    created_time: int
    start_time: int | None
    end_time: int | None
    progress: float
    cells_done: int
    cells_total: int
    failed_cell: int | None
    failed_cell_source: str | None
    error: str | None
    error_code: str | None
    error_field: str | None
    output_dir: str | None
    outputs: dict[str, str]
    result: Any
    host: str | None
    pid: int | None
    heartbeat_time: int | None
    created_by: str | None = None

    @property
    def duration_ms(self) -> int | None:
        """Run time so far (or in all, once ended)."""
        if self.start_time is None:
            return None
        return (self.end_time or self.heartbeat_time or self.start_time) - self.start_time
