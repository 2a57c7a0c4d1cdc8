"""Team: who created and who last changed monitoring's objects (on the monitoring branch).

Revision ID: 0023_team_monitoring_creators
Revises: 0009_monitoring
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_team_monitoring_creators"
down_revision = "0009_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("monitoring_monitors", sa.Column("created_by", sa.String(256), nullable=True))
    op.add_column("monitoring_monitors", sa.Column("updated_by", sa.String(256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("monitoring_monitors") as batch:
        batch.drop_column("created_by")
        batch.drop_column("updated_by")
