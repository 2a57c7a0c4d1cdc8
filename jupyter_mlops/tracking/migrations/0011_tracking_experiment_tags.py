"""Tracking: experiment tags (MLflow's `set_experiment_tag`, tags on `create_experiment`).

Revision ID: 0011_tracking_experiment_tags
Revises: 0010_tracking_metric_ids_64bit
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_tracking_experiment_tags"
down_revision = "0010_tracking_metric_ids_64bit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking_experiment_tags",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("experiment_id", "key", name="pk_tracking_experiment_tags"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["tracking_experiments.experiment_id"],
            name="fk_tracking_experiment_tags_experiment_id_tracking_experiments",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("tracking_experiment_tags")
