"""The jobs tables (revision `0005_jobs`). Only `jobs/store.py` queries them.

`jobs_firings` is the exactly-once guarantee: a scheduler claims a due firing by inserting
`(job_id, scheduled_time)`; the primary key lets one insert win, on SQLite and PostgreSQL alike,
without holding any lock while the run executes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base

ID_LENGTH = 32


class JobRow(Base):
    """A job definition: a notebook snapshot, parameters, a schedule and where it runs."""

    __tablename__ = "jobs_definitions"

    job_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    notebook_path: Mapped[str] = mapped_column(Text)
    snapshot: Mapped[str] = mapped_column(Text)
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    schedule: Mapped[str | None] = mapped_column(String(128), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    target: Mapped[str] = mapped_column(String(16), default="local")
    gpu: Mapped[bool] = mapped_column(Boolean, default=False)
    timeout_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    outputs: Mapped[str] = mapped_column(String(64), default="ipynb")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    missed_policy: Mapped[str] = mapped_column(String(16), default="skip")
    created_time: Mapped[int] = mapped_column(BigInteger)
    updated_time: Mapped[int] = mapped_column(BigInteger)
    # Firings are looked for after this time (creation, resume, or a schedule change).
    schedule_since: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    # JSON {"parameter": ..., "constraints": ...}: the input checked before each run (0032).
    input_validation: Mapped[str | None] = mapped_column(Text, nullable=True)


class RunRow(Base):
    """One execution: of a job's notebook, of a notebook run ad hoc, or of a task."""

    __tablename__ = "jobs_runs"
    __table_args__ = (
        Index("ix_jobs_runs_job_created", "job_id", "created_time"),
        Index("ix_jobs_runs_status", "status"),
        Index("ix_jobs_runs_kind_created", "kind", "created_time"),
    )

    run_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    job_id: Mapped[str | None] = mapped_column(
        ForeignKey("jobs_definitions.job_id", ondelete="CASCADE"), nullable=True
    )
    # "notebook" or a task kind such as "profiling.profile_file".
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    target: Mapped[str] = mapped_column(String(16), default="local")
    notebook_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    scheduled_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_time: Mapped[int] = mapped_column(BigInteger)
    start_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    end_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    cells_done: Mapped[int] = mapped_column(Integer, default=0)
    cells_total: Mapped[int] = mapped_column(Integer, default=0)
    failed_cell: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failed_cell_source: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error_field: Mapped[str | None] = mapped_column(String(256), nullable=True)
    output_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    outputs: Mapped[str] = mapped_column(Text, default="{}")
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    host: Mapped[str | None] = mapped_column(String(256), nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    heartbeat_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(256), nullable=True)


class FiringRow(Base):
    """A claimed firing of a job's schedule; the primary key makes each claim unique."""

    __tablename__ = "jobs_firings"

    job_id: Mapped[str] = mapped_column(
        ForeignKey("jobs_definitions.job_id", ondelete="CASCADE"), primary_key=True
    )
    scheduled_time: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    run_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    claimed_time: Mapped[int] = mapped_column(BigInteger)
    claimed_by: Mapped[str] = mapped_column(String(256))
