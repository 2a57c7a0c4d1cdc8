"""The team tables (revision `0020_team`): audit, permissions, approvals, events, deliveries.

`team_audit` is insert-only: nothing in the application updates or deletes its rows (see
docs/team.md for the PostgreSQL grants that make it so for the database role too).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

NAME = 256


class AuditRow(Base):
    """One change: who, when, from where, what (action, object, before and after)."""

    __tablename__ = "team_audit"
    __table_args__ = (
        Index("ix_team_audit_object", "object_type", "object_id", "id"),
        Index("ix_team_audit_user", "user", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    time: Mapped[int] = mapped_column(BigInteger, index=True)
    user: Mapped[str] = mapped_column(String(NAME))
    source: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(512))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class PermissionRow(Base):
    """A user's permission on one experiment or registered model."""

    __tablename__ = "team_permissions"

    object_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    object_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    user: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    permission: Mapped[str] = mapped_column(String(16))
    granted_by: Mapped[str] = mapped_column(String(NAME))
    time: Mapped[int] = mapped_column(BigInteger)


class ApprovalRow(Base):
    """A request to point a protected alias at a version, and its decision."""

    __tablename__ = "team_approvals"
    __table_args__ = (Index("ix_team_approvals_model", "model", "state"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    model: Mapped[str] = mapped_column(String(NAME))
    alias: Mapped[str] = mapped_column(String(NAME))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # pending, approved, rejected, applied
    requested_by: Mapped[str] = mapped_column(String(NAME))
    requested_at: Mapped[int] = mapped_column(BigInteger)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(NAME), nullable=True)
    decided_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decision_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    gates: Mapped[str | None] = mapped_column(Text, nullable=True)


class EventRow(Base):
    """A notification event waiting for (or given to) the dispatcher: the outbox."""

    __tablename__ = "team_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    time: Mapped[int] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(String(64))
    user: Mapped[str] = mapped_column(String(NAME))
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    dispatched: Mapped[int] = mapped_column(Integer, default=0, index=True)


class DeliveryRow(Base):
    """One event to one channel: attempts, the last error, when it was delivered."""

    __tablename__ = "team_deliveries"
    __table_args__ = (Index("ix_team_deliveries_due", "state", "next_attempt"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger, index=True)
    event: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # pending, sending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt: Mapped[int] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
