"""The REST contract of the jobs capability (mirrored by `labextension/src/jobs/model.ts`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.query import QueryModel

# A registered job target's name (`jobs.targets`): checked by the service, so that a target
# registered at run time is accepted and an unknown one is a 400 listing the registered ones.
Target = Annotated[str, Field(min_length=1, max_length=16)]
OutputFormat = Literal["ipynb", "html"]
MissedPolicy = Literal["skip", "catch_up"]
MAX_TIMEOUT_S = 30 * 24 * 3600


class InputValidation(BaseModel):
    """`validate:` on a job: the parameter naming its input file (CSV, Parquet or JSON lines)
    and the constraints it must meet, `models:/NAME/VERSION` or `models:/NAME@ALIAS` (those the
    version carries; an alias is read at each run) or inline constraints JSON. A run that
    breaks them fails before its notebook starts, with the violations per column in its error."""

    model_config = ConfigDict(extra="forbid")

    parameter: str = Field(min_length=1, max_length=256)
    constraints: str | dict[str, Any]


class JobCreate(BaseModel):
    """`POST jobs`: a notebook under the server's root made into a job.

    `schedule` is a cron string read in `timezone` (none: the job runs only on demand);
    `parameters` are typed JSON values checked against the notebook's `parameters` cell;
    `validate` checks an input file before each run (see `InputValidation`).
    """

    model_config = ConfigDict(extra="forbid")

    notebook_path: str = Field(min_length=1)
    name: str | None = Field(default=None, max_length=256)
    parameters: dict[str, Any] = Field(default_factory=dict)
    schedule: str | None = Field(default=None, max_length=128)
    timezone: str = Field(default="UTC", max_length=64)
    target: Target = "local"
    gpu: bool = False
    timeout_s: int | None = Field(default=None, gt=0, le=MAX_TIMEOUT_S)
    retries: int = Field(default=0, ge=0, le=10)
    outputs: list[OutputFormat] = Field(default_factory=lambda: list[OutputFormat](["ipynb"]))
    paused: bool = False
    missed_policy: MissedPolicy = "skip"
    input_validation: InputValidation | None = Field(default=None, alias="validate")
    run_now: bool = False


class JobPatch(BaseModel):
    """`PATCH jobs/{job_id}`: the fields to change; `refresh_snapshot` re-reads the notebook."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=256)
    parameters: dict[str, Any] | None = None
    schedule: str | None = Field(default=None, max_length=128)
    timezone: str | None = Field(default=None, max_length=64)
    target: Target | None = None
    gpu: bool | None = None
    timeout_s: int | None = Field(default=None, gt=0, le=MAX_TIMEOUT_S)
    retries: int | None = Field(default=None, ge=0, le=10)
    outputs: list[OutputFormat] | None = None
    paused: bool | None = None
    missed_policy: MissedPolicy | None = None
    input_validation: InputValidation | None = Field(default=None, alias="validate")
    refresh_snapshot: bool = False


class RunNow(BaseModel):
    """`POST jobs/{job_id}/runs`: run now, with parameters overriding the job's; `trigger` says
    who started it (the Jobs panel and `runs` show it): by hand, a drift alert or a pipeline."""

    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(default_factory=dict)
    trigger: Literal["manual", "alert", "pipeline"] = "manual"


class RunOutput(BaseModel):
    """One output file of a run: its format, absolute path and path in the Lab (if inside
    the server's root)."""

    format: str
    path: str
    lab_path: str | None = None


class JobRunOut(BaseModel):
    """A run as the API shows it (times in epoch ms)."""

    run_id: str
    job_id: str | None
    kind: str
    title: str
    status: str
    trigger: str
    attempt: int
    target: str
    notebook_path: str | None
    parameters: dict[str, Any]
    scheduled_time: int | None
    created_time: int
    start_time: int | None
    end_time: int | None
    duration_ms: int | None
    progress: float
    cells_done: int
    cells_total: int
    failed_cell: int | None
    failed_cell_source: str | None
    error: str | None
    error_field: str | None = None
    outputs: list[RunOutput]
    host: str | None
    pid: int | None
    tracking_run_ids: list[str] = Field(default_factory=list)
    created_by: str | None = None


class JobOut(BaseModel):
    """A job definition with its schedule's description, next firing times and last run."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    job_id: str
    name: str
    notebook_path: str
    parameters: dict[str, Any]
    schedule: str | None
    schedule_description: str | None
    next_times: list[int]
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
    last_run: JobRunOut | None = None
    created_by: str | None = None
    updated_by: str | None = None
    input_validation: InputValidation | None = Field(default=None, alias="validate")


class JobsQuery(QueryModel):
    """`GET jobs?created_by=ana`: only the jobs a user created (a "mine" view)."""

    created_by: str | None = Field(default=None, max_length=256)


class JobList(BaseModel):
    """`GET jobs`."""

    jobs: list[JobOut]


class RunList(BaseModel):
    """`GET jobs/{job_id}/runs`, newest first."""

    runs: list[JobRunOut]


class JobRunsQuery(QueryModel):
    """Paging of a job's runs."""

    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=2**62)


class ParametersQuery(QueryModel):
    """`GET job-parameters?path=` (a notebook under the server's root) or `?job_id=` (a job's
    snapshot)."""

    path: str | None = Field(default=None, min_length=1)
    job_id: str | None = Field(default=None, min_length=1)


class ParameterOut(BaseModel):
    """One notebook parameter: its type (int, float, bool, str, date, datetime, list, dict,
    any), its default as JSON, the default's source text and any help comment."""

    name: str
    type: str
    default: Any = None
    default_source: str
    help: str


class ParametersOut(BaseModel):
    """A notebook's parameters."""

    path: str | None
    parameters: list[ParameterOut]


class SchedulePreviewQuery(QueryModel):
    """`GET job-schedule?schedule=&timezone=`."""

    schedule: str = Field(min_length=1, max_length=128)
    timezone: str = Field(default="UTC", max_length=64)


class SchedulePreview(BaseModel):
    """A cron schedule in words and its next three firing times (epoch ms)."""

    schedule: str
    timezone: str
    description: str
    next_times: list[int]
