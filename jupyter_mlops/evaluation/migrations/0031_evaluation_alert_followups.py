"""Evaluation: the drift loop's follow-up of each alert's retraining run.

Revision ID: 0031_evaluation_alert_followups
Revises: 0030_evaluation
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_evaluation_alert_followups"
down_revision = "0030_evaluation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_alert_followups",
        sa.Column("alert_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("job_run_id", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("gate_run_id", sa.String(32), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("alert_id", name="pk_evaluation_alert_followups"),
    )


def downgrade() -> None:
    op.drop_table("evaluation_alert_followups")
