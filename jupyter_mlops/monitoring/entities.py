"""The dataclasses the monitoring layers exchange (the store returns these, never rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REFERENCE_KINDS = ("training", "profile")
# The drift tests by name (`stat_tests` implements them); here so that checking a monitor's
# settings imports no numpy or pandas.
DRIFT_TESTS = ("ks", "wasserstein", "psi", "chisquare", "ztest", "jensenshannon", "heavy_hitters")
WINDOW_STATUSES = ("pending", "done", "skipped", "failed")


@dataclass
class MonitorSpec:
    """What a monitor is made of, as given to `create_monitor` (validated by the service)."""

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


@dataclass
class Window:
    """One evaluated (or claimed) window; `report` is the `DriftReport` as JSON data."""

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
    # Per column: how far past its threshold (> 1: drifted), for timelines without reports.
    scores: dict[str, float] | None = None


@dataclass
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
class Alert:
    """A window that crossed its monitor's thresholds, and the retraining run it started."""

    alert_id: int
    monitor_id: str
    window_id: int
    kind: str
    message: str
    job_run_id: str | None
    job_error: str | None
    created_time: int
