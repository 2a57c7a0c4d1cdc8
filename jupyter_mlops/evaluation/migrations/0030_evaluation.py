"""Evaluation: gate specs, gate runs and the data constraints of registered versions.

Revision ID: 0030_evaluation
Revises: 0001_baseline
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030_evaluation"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_gate_specs",
        sa.Column("model_name", sa.String(256), nullable=False),
        sa.Column("alias", sa.String(256), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("update_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("model_name", "alias", name="pk_evaluation_gate_specs"),
    )
    op.create_table(
        "evaluation_gate_runs",
        sa.Column("gate_run_id", sa.String(32), nullable=False),
        sa.Column("model_name", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("endpoint_name", sa.String(256), nullable=True),
        sa.Column("served_version", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.String(256), nullable=True),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("task_run_id", sa.String(32), nullable=True),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("gate_run_id", name="pk_evaluation_gate_runs"),
    )
    op.create_index(
        "ix_evaluation_gate_runs_model_created",
        "evaluation_gate_runs",
        ["model_name", "created_time"],
    )
    op.create_table(
        "evaluation_constraints",
        sa.Column("model_name", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("constraints", sa.Text(), nullable=False),
        sa.Column("update_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("model_name", "version", name="pk_evaluation_constraints"),
    )


def downgrade() -> None:
    op.drop_table("evaluation_constraints")
    op.drop_index("ix_evaluation_gate_runs_model_created", table_name="evaluation_gate_runs")
    op.drop_table("evaluation_gate_runs")
    op.drop_table("evaluation_gate_specs")
