"""The monitoring tables (revision `0009_monitoring`). Only `monitoring/store.py` queries them.

`monitoring_windows` has one row per evaluated window, unique on `(monitor_id, start_time)`:
a ticker claims a window by inserting its row before submitting its evaluation, so two servers
(or a server and `jupyter-mlops monitors tick`) never evaluate one window twice.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base

ID_LENGTH = 32


class MonitorRow(Base):
    """A monitor: which endpoint, the reference it is compared with, windows and alerting."""

    __tablename__ = "monitoring_monitors"

    monitor_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    endpoint_name: Mapped[str] = mapped_column(String(256), unique=True)
    # "training": the served version's training-data profile; "profile": a stored profile.
    reference_kind: Mapped[str] = mapped_column(String(16))
    reference_profile: Mapped[str | None] = mapped_column(String(256), nullable=True)
    window_seconds: Mapped[int] = mapped_column(Integer)
    # Count windows: a window ends with its `window_rows`-th request (None: time windows).
    window_rows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_rows: Mapped[int] = mapped_column(Integer)
    columns: Mapped[str | None] = mapped_column(Text, nullable=True)
    tests: Mapped[str] = mapped_column(Text, default="{}")
    thresholds: Mapped[str] = mapped_column(Text, default="{}")
    dataset_share: Mapped[float] = mapped_column(Float)
    retrain_job_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    retrain_parameter: Mapped[str] = mapped_column(String(128))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_time: Mapped[int] = mapped_column(BigInteger)
    # Windows start at or after this time (creation, or the end of the last window claimed).
    next_window_start: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(256), nullable=True)


class WindowRow(Base):
    """One window of an endpoint's traffic compared with the reference."""

    __tablename__ = "monitoring_windows"
    __table_args__ = (
        UniqueConstraint("monitor_id", "start_time"),
        Index("ix_monitoring_windows_monitor_end", "monitor_id", "end_time"),
        Index("ux_monitoring_windows_monitor_number", "monitor_id", "number", unique=True),
    )

    window_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    monitor_id: Mapped[str] = mapped_column(
        ForeignKey("monitoring_monitors.monitor_id", ondelete="CASCADE")
    )
    # 1, 2, 3... within the monitor (window_id is global); set when the window is claimed.
    # Nullable only because migration 0050 added it to a filled table.
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start_time: Mapped[int] = mapped_column(BigInteger)
    end_time: Mapped[int] = mapped_column(BigInteger)
    # pending (claimed, evaluation submitted), done, skipped (too few rows), failed.
    status: Mapped[str] = mapped_column(String(16))
    task_run_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    model_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    n_rows: Mapped[int] = mapped_column(Integer, default=0)
    share_drifted: Mapped[float | None] = mapped_column(Float, nullable=True)
    dataset_drifted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    prediction_drifted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    error_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    latency_p50_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    latency_p99_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    n_labels: Mapped[int] = mapped_column(Integer, default=0)
    performance: Mapped[str | None] = mapped_column(Text, nullable=True)
    report: Mapped[str | None] = mapped_column(Text, nullable=True)
    data_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_time: Mapped[int] = mapped_column(BigInteger)


class AlertRow(Base):
    """A window that crossed its monitor's thresholds, and the retraining it started."""

    __tablename__ = "monitoring_alerts"
    __table_args__ = (Index("ix_monitoring_alerts_monitor_created", "monitor_id", "created_time"),)

    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    monitor_id: Mapped[str] = mapped_column(
        ForeignKey("monitoring_monitors.monitor_id", ondelete="CASCADE")
    )
    window_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_windows.window_id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    job_run_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    job_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_time: Mapped[int] = mapped_column(BigInteger)


class LabelRow(Base):
    """The ground truth of one served request, posted after the fact."""

    __tablename__ = "monitoring_labels"

    endpoint_name: Mapped[str] = mapped_column(String(256), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # JSON text: a class label or a number.
    label: Mapped[str] = mapped_column(Text)
    created_time: Mapped[int] = mapped_column(BigInteger)
