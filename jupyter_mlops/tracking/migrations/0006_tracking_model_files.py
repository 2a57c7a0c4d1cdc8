"""Tracking: the sha256 of each logged model file, so a loader refuses a file changed since.

Revision ID: 0006_tracking_model_files
Revises: 0004_tracking_search_indexes
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_tracking_model_files"
down_revision = "0004_tracking_search_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking_model_files",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("path", sa.String(250), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("estimator_class", sa.Text(), nullable=False),
        sa.Column("logged_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "path", name="pk_tracking_model_files"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["tracking_runs.run_id"],
            name="fk_tracking_model_files_run_id_tracking_runs",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("tracking_model_files")
