"""Tracking: 64-bit metric point ids on PostgreSQL.

`tracking_metrics.id` was a 32-bit serial there, which stops at 2,147,483,647 points (a few
hundred runs logging every step of long trainings reach it). SQLite's INTEGER PRIMARY KEY is
64-bit already and stays as it is. On PostgreSQL this rewrites the table once.

Revision ID: 0010_tracking_metric_ids_64bit
Revises: 0008_tracking_heartbeats
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_tracking_metric_ids_64bit"
down_revision = "0008_tracking_heartbeats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("tracking_metrics", "id", type_=sa.BigInteger(), existing_nullable=False)
    op.execute("ALTER SEQUENCE IF EXISTS tracking_metrics_id_seq AS bigint")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER SEQUENCE IF EXISTS tracking_metrics_id_seq AS integer")
    op.alter_column("tracking_metrics", "id", type_=sa.Integer(), existing_nullable=False)
