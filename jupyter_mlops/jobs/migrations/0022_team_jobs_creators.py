"""Team: who created and who last changed jobs's objects (on the jobs branch).

Revision ID: 0022_team_jobs_creators
Revises: 0005_jobs
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_team_jobs_creators"
down_revision = "0005_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs_definitions", sa.Column("created_by", sa.String(256), nullable=True))
    op.add_column("jobs_definitions", sa.Column("updated_by", sa.String(256), nullable=True))
    op.add_column("jobs_runs", sa.Column("created_by", sa.String(256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs_definitions") as batch:
        batch.drop_column("created_by")
        batch.drop_column("updated_by")
    with op.batch_alter_table("jobs_runs") as batch:
        batch.drop_column("created_by")
