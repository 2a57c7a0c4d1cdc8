"""The evaluation tables (revisions `0030_evaluation`, `0031_evaluation_alert_followups`,
`0033_evaluation_run_evaluations`). Only
`evaluation/store.py` and `evaluation/followups.py` query them.

- `evaluation_gate_specs`: the gates a model (alias "") or one of its aliases declares;
- `evaluation_gate_runs`: each check of a version against an endpoint's served one, with the
  result of every gate, the two evaluations it compared (candidate and served, on the same
  holdout), what was done (promoted, refused, overridden, pending approval), who asked, and the
  jobs-runner task that ran it;
- `evaluation_constraints`: the data constraints a registered version carries;
- `evaluation_alert_followups`: the drift loop's step after an alert's retraining run ended.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base

ID_LENGTH = 32


class GateSpecRow(Base):
    """The gates of a model, or of one of its aliases (`alias` "" for the model's own)."""

    __tablename__ = "evaluation_gate_specs"

    model_name: Mapped[str] = mapped_column(String(256), primary_key=True)
    alias: Mapped[str] = mapped_column(String(256), primary_key=True)
    spec: Mapped[str] = mapped_column(Text)
    update_time: Mapped[int] = mapped_column(BigInteger)


class GateRunRow(Base):
    """One run of a model's gates for a candidate version."""

    __tablename__ = "evaluation_gate_runs"
    __table_args__ = (Index("ix_evaluation_gate_runs_model_created", "model_name", "created_time"),)

    gate_run_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    model_name: Mapped[str] = mapped_column(String(256))
    version: Mapped[int] = mapped_column(Integer)
    endpoint_name: Mapped[str | None] = mapped_column(String(256), nullable=True)
    served_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # check (gates only) | promote (gates, then promote if they pass) | propose (drift loop)
    mode: Mapped[str] = mapped_column(String(16))
    # queued | running | passed | failed | promoted | refused | overridden | pending | error
    status: Mapped[str] = mapped_column(String(16))
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    spec: Mapped[str] = mapped_column(Text)
    results: Mapped[str] = mapped_column(Text, default="[]")
    # {"candidate": Evaluation.to_dict(figures=False), "served": ... | null}; null until run.
    evaluations: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    task_run_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    created_time: Mapped[int] = mapped_column(BigInteger)
    end_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ConstraintsRow(Base):
    """The data constraints a registered version carries (JSON of `Constraints.to_dict`)."""

    __tablename__ = "evaluation_constraints"

    model_name: Mapped[str] = mapped_column(String(256), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    constraints: Mapped[str] = mapped_column(Text)
    update_time: Mapped[int] = mapped_column(BigInteger)


class AlertFollowupRow(Base):
    """What the drift loop did after a drift alert's retraining run ended (one row per alert,
    inserted first: the claim that makes one server follow it up). `alert_id` is monitoring's
    alert id (no foreign key: evaluation sits below monitoring)."""

    __tablename__ = "evaluation_alert_followups"

    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    job_run_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    # job_failed | no_version | no_gates | gating | error
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gate_run_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_time: Mapped[int] = mapped_column(BigInteger)
