"""Experiment tracking: experiments, runs, params, tags, metric history and latest metrics.

Revision ID: 0002_tracking
Revises: 0001_baseline
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_tracking"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking_experiments",
        sa.Column("experiment_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("artifact_location", sa.Text(), nullable=False),
        sa.Column("lifecycle_stage", sa.String(16), nullable=False),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.Column("last_update_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("experiment_id", name="pk_tracking_experiments"),
        sa.UniqueConstraint("name", name="uq_tracking_experiments_name"),
    )
    op.create_table(
        "tracking_runs",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        sa.Column("lifecycle_stage", sa.String(16), nullable=False),
        sa.Column("deleted_time", sa.BigInteger(), nullable=True),
        sa.Column("artifact_uri", sa.Text(), nullable=False),
        sa.Column("parent_run_id", sa.String(32), nullable=True),
        sa.Column("user", sa.String(256), nullable=True),
        sa.Column("notebook_path", sa.Text(), nullable=True),
        sa.Column("cell_source", sa.Text(), nullable=True),
        sa.Column("git_commit", sa.String(64), nullable=True),
        sa.Column("git_dirty", sa.Boolean(), nullable=True),
        sa.Column("environment", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name="pk_tracking_runs"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["tracking_experiments.experiment_id"],
            name="fk_tracking_runs_experiment_id_tracking_experiments",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_tracking_runs_experiment_stage_start",
        "tracking_runs",
        ["experiment_id", "lifecycle_stage", "start_time"],
    )
    op.create_index("ix_tracking_runs_parent", "tracking_runs", ["parent_run_id"])
    for table in ("tracking_params", "tracking_tags"):
        op.create_table(
            table,
            sa.Column("run_id", sa.String(32), nullable=False),
            sa.Column("key", sa.String(250), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("run_id", "key", name=f"pk_{table}"),
            sa.ForeignKeyConstraint(
                ["run_id"],
                ["tracking_runs.run_id"],
                name=f"fk_{table}_run_id_tracking_runs",
                ondelete="CASCADE",
            ),
        )
    op.create_table(
        "tracking_metrics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tracking_metrics"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["tracking_runs.run_id"],
            name="fk_tracking_metrics_run_id_tracking_runs",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_tracking_metrics_run_key_step", "tracking_metrics", ["run_id", "key", "step"]
    )
    op.create_table(
        "tracking_latest_metrics",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "key", name="pk_tracking_latest_metrics"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["tracking_runs.run_id"],
            name="fk_tracking_latest_metrics_run_id_tracking_runs",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_tracking_latest_metrics_key_value", "tracking_latest_metrics", ["key", "value"]
    )


def downgrade() -> None:
    op.drop_table("tracking_latest_metrics")
    op.drop_table("tracking_metrics")
    op.drop_table("tracking_tags")
    op.drop_table("tracking_params")
    op.drop_table("tracking_runs")
    op.drop_table("tracking_experiments")
