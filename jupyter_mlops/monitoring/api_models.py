"""The REST contract of monitoring (the Lab's types are generated from it).

Monitors, windows, alerts and drift reports are answered as their entities
(`entities.Monitor`, `Window`, `MonitorAlert`, `DriftReportData`): one declaration each.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..core.query import QueryModel
from ..evaluation.followups import AlertFollowup
from .entities import Monitor, MonitorAlert, Window


class MonitorCreate(BaseModel):
    """`POST monitors`: watch an endpoint (reference: its training profile, or a stored one).

    The fields of `entities.MonitorSpec`, bounded here (the service checks them against the
    store); kept apart so that the Python API takes a plain dataclass."""

    model_config = ConfigDict(extra="forbid")

    endpoint_name: str = Field(min_length=1, max_length=256)
    reference_profile: str | None = Field(default=None, max_length=256)
    window_seconds: int = Field(default=3600, ge=1, le=366 * 86_400)
    window_rows: int | None = Field(default=None, ge=1, le=10**9)
    min_rows: int = Field(default=100, ge=1, le=10**9)
    columns: list[str] | None = None
    tests: dict[str, str] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)
    dataset_share: float = Field(default=0.5, gt=0, le=1)
    retrain_job_id: str | None = Field(default=None, max_length=32)
    retrain_parameter: str = Field(default="data_path", min_length=1, max_length=128)
    paused: bool = False


class MonitorUpdate(BaseModel):
    """`PATCH monitors/{monitor_id}`: change settings, pause or resume."""

    model_config = ConfigDict(extra="forbid")

    reference_profile: str | None = Field(default=None, max_length=256)
    window_seconds: int | None = Field(default=None, ge=1, le=366 * 86_400)
    window_rows: int | None = Field(default=None, ge=1, le=10**9)
    min_rows: int | None = Field(default=None, ge=1, le=10**9)
    columns: list[str] | None = None
    tests: dict[str, str] | None = None
    thresholds: dict[str, float] | None = None
    dataset_share: float | None = Field(default=None, gt=0, le=1)
    retrain_job_id: str | None = Field(default=None, max_length=32)
    retrain_parameter: str | None = Field(default=None, min_length=1, max_length=128)
    paused: bool | None = None


class MonitorList(BaseModel):
    """`GET monitors`."""

    monitors: list[Monitor]


class WindowList(BaseModel):
    """`GET monitors/{monitor_id}/windows`: oldest first."""

    windows: list[Window]


class WindowsQuery(QueryModel):
    """How many of the latest windows."""

    limit: int = Field(default=100, ge=1, le=1000)


class AlertList(BaseModel):
    """`GET monitors/{monitor_id}/alerts`: newest first."""

    alerts: list[MonitorAlert]


class LabelsIn(BaseModel):
    """`POST monitors/{monitor_id}/labels`: ground truth for served request ids."""

    model_config = ConfigDict(extra="forbid")

    request_ids: list[str] = Field(min_length=1, max_length=100_000)
    labels: list[str | int | float | bool | None] = Field(min_length=1, max_length=100_000)


class LabelsOut(BaseModel):
    """How many labels were stored."""

    saved: int


class DriftIn(BaseModel):
    """`POST drift`: compare two stored profiles (by name)."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=256)
    current: str = Field(min_length=1, max_length=256)
    columns: list[str] | None = None
    tests: dict[str, str] | None = None
    thresholds: dict[str, float] | None = None
    dataset_share: float = Field(default=0.5, gt=0, le=1)


class ChainJobRun(BaseModel):
    """The retraining job run an alert started."""

    run_id: str
    status: str
    error: str | None


class ChainGateRun(BaseModel):
    """The gate run of the version the retraining registered."""

    gate_run_id: str
    status: str
    failed: list[str] = Field(description="The gates that failed")
    message: str | None
    task_run_id: str | None


class ChainApproval(BaseModel):
    """The approval request a gate run that did not promote asked for."""

    id: int
    alias: str
    state: str


class AlertChainOut(BaseModel):
    """`GET monitors/{monitor_id}/alerts/{alert_id}/chain`: what followed a drift alert.

    `outcome`: no_retraining | retraining (its run has not ended) | job_failed | no_version |
    no_gates | gating | queued | running | promoted | approval_requested | error (a gate run's
    status otherwise)."""

    alert: MonitorAlert
    job_run: ChainJobRun | None = None
    versions: list[int] = Field(description="Versions the retraining run registered")
    followup: AlertFollowup | None = None
    gate_run: ChainGateRun | None = None
    approval: ChainApproval | None = None
    outcome: str
