"""Evaluation: a job's `validate:` declaration (on the jobs branch).

Revision ID: 0032_jobs_input_validation
Revises: 0022_team_jobs_creators
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032_jobs_input_validation"
down_revision = "0022_team_jobs_creators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs_definitions", sa.Column("input_validation", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs_definitions") as batch:
        batch.drop_column("input_validation")
