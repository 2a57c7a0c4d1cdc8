"""Tracking heartbeats: which process (pid, host, start time) is running a run, when it last
beat and last wrote metrics, so that runs whose process is gone are marked KILLED.

Revision ID: 0008_tracking_heartbeats
Revises: 0006_tracking_model_files
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_tracking_heartbeats"
down_revision = "0006_tracking_model_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking_run_processes",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("process_start", sa.BigInteger(), nullable=False),
        sa.Column("last_beat", sa.BigInteger(), nullable=False),
        sa.Column("last_flush", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name="pk_tracking_run_processes"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["tracking_runs.run_id"],
            name="fk_tracking_run_processes_run_id_tracking_runs",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("tracking_run_processes")
