"""The dataclasses the monitoring layers exchange (the store returns these, never rows).

`Monitor`, `Window` and `MonitorAlert` are pydantic dataclasses: the REST API answers them as they
are (their schemas are in the OpenAPI document), so there is no second, hand-mapped response
model. The drift payloads are typed dicts: plain JSON data at run time (stored as text, charted
by `charts`), described field by field for mypy, the OpenAPI document and the Lab's types.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any, Literal

from pydantic.dataclasses import dataclass
from typing_extensions import TypedDict

REFERENCE_KINDS = ("training", "profile")
WINDOW_STATUSES = ("pending", "done", "skipped", "failed")


@dataclasses.dataclass
class MonitorSpec:
    """What a monitor is made of, as given to `create_monitor` (validated by the service).

    Kept apart from the REST body `api_models.MonitorCreate` on purpose: the body bounds each
    field and refuses unknown ones at the door; this is what the Python API and the service
    take, checked by `service.check_spec` against the store (endpoint, job, profile exist).
    """

    endpoint_name: str
    reference_profile: str | None = None
    window_seconds: int = 3600
    window_rows: int | None = None
    min_rows: int = 100
    columns: list[str] | None = None
    tests: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    dataset_share: float = 0.5
    retrain_job_id: str | None = None
    retrain_parameter: str = "data_path"
    paused: bool = False


@dataclass
class Monitor:
    """A stored monitor. `reference_kind` "training" follows the served version's profile."""

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


class PlotData(TypedDict, total=False):
    """What a chart of one column draws (`plot_data`): both sides' shares on common bins
    (`histogram`: `edges`), or the heaviest categories' shares (`categories`: `values`)."""

    kind: Literal["histogram", "categories"]
    edges: list[float]
    values: list[str | int | float | bool | None]
    reference: list[float]
    current: list[float]


class ColumnDriftData(TypedDict):
    """One column's verdict (`drift.ColumnDrift` as JSON; statistics may be "Infinity")."""

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
    plot: PlotData
    noise: float | None


class DriftReportData(TypedDict):
    """A drift report as JSON (`drift.DriftReport.to_dict()`)."""

    columns: list[ColumnDriftData]
    share_drifted: float
    dataset_drifted: bool
    dataset_share: float
    reference_rows: int
    current_rows: int
    missing_columns: list[str]


class ViolationData(TypedDict):
    """One failed check of one column (`evaluation.validation.Violation`): `n` rows broke it."""

    check: str
    detail: str
    n: int
    share: float


class ValidationData(TypedDict):
    """A window's requests checked against the served version's constraints
    (`evaluation.validation.ValidationReport.to_dict()`): violations per column."""

    ok: bool
    n_rows: int
    violations: dict[str, list[ViolationData]]


class WindowReport(DriftReportData, total=False):
    """A monitor window's report: its drift report, the predictions' drift against the first
    window of the same version (`prediction`) and the requests' validation (`validation`)."""

    prediction: ColumnDriftData
    validation: ValidationData


@dataclass
class Window:
    """One evaluated (or claimed) window: drift share, traffic, labelled performance; `report`
    (its `WindowReport`) only when asked for."""

    window_id: int
    monitor_id: str
    # 1, 2, 3... within the monitor, as the Lab names a window (window_id is global).
    number: int
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
    report: WindowReport | None = None
    # Per column: how far past its threshold (> 1: drifted), for timelines without reports.
    scores: dict[str, float] | None = None


@dataclasses.dataclass
class WindowResult:
    """What evaluating a window found, as the evaluation writes it back."""

    status: str
    model_version: int | None = None
    n_rows: int = 0
    share_drifted: float | None = None
    dataset_drifted: bool | None = None
    prediction_drifted: bool | None = None
    error_rate: float | None = None
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None
    n_labels: int = 0
    performance: dict[str, float] | None = None
    report: dict[str, Any] | None = None
    data_path: str | None = None
    error: str | None = None


@dataclass
class MonitorAlert:
    """A window that crossed its monitor's thresholds, and the retraining run it started."""

    alert_id: int
    monitor_id: str
    window_id: int
    kind: str
    message: str
    job_run_id: str | None
    job_error: str | None
    created_time: int
    # The window's number within its monitor (as `Window.number`).
    window_number: int | None = None
