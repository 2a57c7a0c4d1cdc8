"""The REST contract of monitoring (mirrored by `labextension/src/monitoring/model.ts`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..core.query import QueryModel


class MonitorCreate(BaseModel):
    """`POST monitors`: watch an endpoint (reference: its training profile, or a stored one)."""

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


class MonitorOut(BaseModel):
    """A monitor as the API shows it (times in epoch ms)."""

    monitor_id: str
    endpoint_name: str
    reference_kind: str
    reference_profile: str | None
    window_seconds: int
    window_rows: int | None
    min_rows: int
    columns: list[str] | None
    tests: dict[str, str]
    thresholds: dict[str, float]
    dataset_share: float
    retrain_job_id: str | None
    retrain_parameter: str
    paused: bool
    created_time: int
    next_window_start: int
    created_by: str | None = None
    updated_by: str | None = None


class MonitorList(BaseModel):
    """`GET monitors`."""

    monitors: list[MonitorOut]


class WindowOut(BaseModel):
    """A window: drift share, traffic, labelled performance; `report` only when asked for."""

    window_id: int
    monitor_id: str
    start_time: int
    end_time: int
    status: str
    task_run_id: str | None
    model_version: int | None
    n_rows: int
    share_drifted: float | None
    dataset_drifted: bool | None
    prediction_drifted: bool | None
    error_rate: float | None
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    n_labels: int
    performance: dict[str, float] | None
    data_path: str | None
    error: str | None
    created_time: int
    report: dict[str, Any] | None = None
    scores: dict[str, float] | None = None


class WindowList(BaseModel):
    """`GET monitors/{monitor_id}/windows`: oldest first."""

    windows: list[WindowOut]


class WindowsQuery(QueryModel):
    """How many of the latest windows."""

    limit: int = Field(default=100, ge=1, le=1000)


class AlertOut(BaseModel):
    """An alert and the retraining run it started (or why it could not)."""

    alert_id: int
    monitor_id: str
    window_id: int
    kind: str
    message: str
    job_run_id: str | None
    job_error: str | None
    created_time: int


class AlertList(BaseModel):
    """`GET monitors/{monitor_id}/alerts`: newest first."""

    alerts: list[AlertOut]


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


class ColumnDriftOut(BaseModel):
    """One column's verdict (statistics may be "Infinity")."""

    column: str
    kind: str
    test: str
    reason: str
    statistic: float | str | None
    p_value: float | str | None
    threshold: float
    drifted: bool
    reference_count: int
    current_count: int
    reference_missing: int
    current_missing: int
    exact: bool
    plot: dict[str, Any]
    noise: float | None = None


class DriftReportOut(BaseModel):
    """A drift report (`jupyter_mlops.DriftReport.to_dict()`)."""

    columns: list[ColumnDriftOut]
    share_drifted: float
    dataset_drifted: bool
    dataset_share: float
    reference_rows: int
    current_rows: int
    missing_columns: list[str]


class AlertChainOut(BaseModel):
    """`GET monitors/{monitor_id}/alerts/{alert_id}/chain`: what followed a drift alert.

    `outcome`: no_retraining | retraining (its run has not ended) | job_failed | no_version |
    no_gates | gating | queued | running | promoted | approval_requested | error (a gate run's
    status otherwise)."""

    alert: AlertOut
    job_run: dict[str, Any] | None = Field(None, description="run_id, status, error")
    versions: list[int] = Field(description="Versions the retraining run registered")
    followup: dict[str, Any] | None = Field(None, description="The drift loop's step after it")
    gate_run: dict[str, Any] | None = Field(None, description="gate_run_id, status, failed")
    approval: dict[str, Any] | None = Field(None, description="id, alias, state")
    outcome: str
