"""Team: the insert-only audit trail, permissions, approvals and the notification outbox.

Revision ID: 0020_team
Revises: 0001_baseline
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_team"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "team_audit",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("user", sa.String(256), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(512), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_team_audit"),
    )
    op.create_index("ix_team_audit_time", "team_audit", ["time"])
    op.create_index("ix_team_audit_action", "team_audit", ["action"])
    op.create_index("ix_team_audit_object", "team_audit", ["object_type", "object_id", "id"])
    op.create_index("ix_team_audit_user", "team_audit", ["user", "id"])
    op.create_table(
        "team_permissions",
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(512), nullable=False),
        sa.Column("user", sa.String(256), nullable=False),
        sa.Column("permission", sa.String(16), nullable=False),
        sa.Column("granted_by", sa.String(256), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("object_type", "object_id", "user", name="pk_team_permissions"),
    )
    op.create_table(
        "team_approvals",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("model", sa.String(256), nullable=False),
        sa.Column("alias", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(256), nullable=False),
        sa.Column("requested_at", sa.BigInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(256), nullable=True),
        sa.Column("decided_at", sa.BigInteger(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("gates", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_team_approvals"),
    )
    op.create_index("ix_team_approvals_model", "team_approvals", ["model", "state"])
    op.create_table(
        "team_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("user", sa.String(256), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("dispatched", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team_events"),
    )
    op.create_index("ix_team_events_dispatched", "team_events", ["dispatched"])
    op.create_table(
        "team_deliveries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_team_deliveries"),
    )
    op.create_index("ix_team_deliveries_event_id", "team_deliveries", ["event_id"])
    op.create_index("ix_team_deliveries_due", "team_deliveries", ["state", "next_attempt"])


def downgrade() -> None:
    op.drop_table("team_deliveries")
    op.drop_table("team_events")
    op.drop_table("team_approvals")
    op.drop_table("team_permissions")
    op.drop_table("team_audit")
