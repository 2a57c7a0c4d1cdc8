"""Scheduled jobs: definitions, runs (notebooks and tasks) and claimed firings.

Revision ID: 0005_jobs
Revises: 0001_baseline
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_jobs"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs_definitions",
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("notebook_path", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("schedule", sa.String(128), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("gpu", sa.Boolean(), nullable=False),
        sa.Column("timeout_s", sa.Integer(), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("outputs", sa.String(64), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("missed_policy", sa.String(16), nullable=False),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.Column("updated_time", sa.BigInteger(), nullable=False),
        sa.Column("schedule_since", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name="pk_jobs_definitions"),
    )
    op.create_table(
        "jobs_runs",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("notebook_path", sa.Text(), nullable=True),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("scheduled_time", sa.BigInteger(), nullable=True),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=True),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("cells_done", sa.Integer(), nullable=False),
        sa.Column("cells_total", sa.Integer(), nullable=False),
        sa.Column("failed_cell", sa.Integer(), nullable=True),
        sa.Column("failed_cell_source", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(32), nullable=True),
        sa.Column("error_field", sa.String(256), nullable=True),
        sa.Column("output_dir", sa.Text(), nullable=True),
        sa.Column("outputs", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("host", sa.String(256), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("heartbeat_time", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs_definitions.job_id"],
            name="fk_jobs_runs_job_id_jobs_definitions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", name="pk_jobs_runs"),
    )
    op.create_index("ix_jobs_runs_job_created", "jobs_runs", ["job_id", "created_time"])
    op.create_index("ix_jobs_runs_status", "jobs_runs", ["status"])
    op.create_index("ix_jobs_runs_kind_created", "jobs_runs", ["kind", "created_time"])
    op.create_table(
        "jobs_firings",
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("scheduled_time", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=True),
        sa.Column("claimed_time", sa.BigInteger(), nullable=False),
        sa.Column("claimed_by", sa.String(256), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs_definitions.job_id"],
            name="fk_jobs_firings_job_id_jobs_definitions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "scheduled_time", name="pk_jobs_firings"),
    )


def downgrade() -> None:
    op.drop_table("jobs_firings")
    op.drop_index("ix_jobs_runs_kind_created", table_name="jobs_runs")
    op.drop_index("ix_jobs_runs_status", table_name="jobs_runs")
    op.drop_index("ix_jobs_runs_job_created", table_name="jobs_runs")
    op.drop_table("jobs_runs")
    op.drop_table("jobs_definitions")
