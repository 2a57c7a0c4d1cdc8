"""Evaluation: a gate run keeps the evaluations it compared (the candidate's and the served
version's, on the same holdout), for the version page's Evaluation tab.

Revision ID: 0033_evaluation_run_evaluations
Revises: 0031_evaluation_alert_followups
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_evaluation_run_evaluations"
down_revision = "0031_evaluation_alert_followups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("evaluation_gate_runs", sa.Column("evaluations", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation_gate_runs") as batch:
        batch.drop_column("evaluations")
