"""The tracking tables (revision `0002_tracking`). Only the store module queries them.

`tracking_metrics` is the append-only history; `tracking_latest_metrics` keeps each key's
latest point per run so that filtering and sorting runs by a metric is one indexed join.
The `(key, value, run_id)` indexes (revision `0004_tracking_search_indexes`) answer a
filter's `run_id IN (...)` subquery from the index alone.
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
)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base

KEY_LENGTH = 250
RUN_ID_LENGTH = 32


class ExperimentRow(Base):
    """An experiment; names are unique."""

    __tablename__ = "tracking_experiments"

    experiment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(256), unique=True)
    artifact_location: Mapped[str] = mapped_column(Text)
    lifecycle_stage: Mapped[str] = mapped_column(String(16), default="active")
    creation_time: Mapped[int] = mapped_column(BigInteger)
    last_update_time: Mapped[int] = mapped_column(BigInteger)


class RunRow(Base):
    """A run and its provenance."""

    __tablename__ = "tracking_runs"
    __table_args__ = (
        Index(
            "ix_tracking_runs_experiment_stage_start_id",
            "experiment_id",
            "lifecycle_stage",
            "start_time",
            "run_id",
        ),
        Index("ix_tracking_runs_parent", "parent_run_id"),
    )

    run_id: Mapped[str] = mapped_column(String(RUN_ID_LENGTH), primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("tracking_experiments.experiment_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16))
    start_time: Mapped[int] = mapped_column(BigInteger)
    end_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lifecycle_stage: Mapped[str] = mapped_column(String(16), default="active")
    deleted_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    artifact_uri: Mapped[str] = mapped_column(Text)
    parent_run_id: Mapped[str | None] = mapped_column(String(RUN_ID_LENGTH), nullable=True)
    user: Mapped[str | None] = mapped_column(String(256), nullable=True)
    notebook_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    cell_source: Mapped[str | None] = mapped_column(Text, nullable=True)
    git_commit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    git_dirty: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    environment: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON object
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ParamRow(Base):
    """A param: written once, never changed."""

    __tablename__ = "tracking_params"
    __table_args__ = (Index("ix_tracking_params_key_value_run", "key", "value", "run_id"),)

    run_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TagRow(Base):
    """A tag: may be overwritten or deleted."""

    __tablename__ = "tracking_tags"
    __table_args__ = (Index("ix_tracking_tags_key_value_run", "key", "value", "run_id"),)

    run_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class MetricRow(Base):
    """One point of a metric's history; NULL value means NaN."""

    __tablename__ = "tracking_metrics"
    __table_args__ = (Index("ix_tracking_metrics_run_key_step", "run_id", "key", "step"),)

    # 64-bit on PostgreSQL (revision 0010); SQLite's INTEGER PRIMARY KEY is 64-bit already.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    run_id: Mapped[str] = mapped_column(ForeignKey("tracking_runs.run_id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    step: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class LatestMetricRow(Base):
    """The latest point of each metric of a run (largest step, then latest timestamp)."""

    __tablename__ = "tracking_latest_metrics"
    __table_args__ = (Index("ix_tracking_latest_metrics_key_value_run", "key", "value", "run_id"),)

    run_id: Mapped[str] = mapped_column(
        ForeignKey("tracking_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    step: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
