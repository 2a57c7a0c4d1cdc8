"""Serving: endpoint processes register themselves (URL, version, health, heartbeat).

Revision ID: 0070_serving_registrations
Revises: 0021_team_serving_creators
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0070_serving_registrations"
down_revision = "0021_team_serving_creators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "serving_endpoint_registrations",
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("url", sa.String(1024), nullable=False),
        sa.Column("model_name", sa.String(256), nullable=False),
        sa.Column("alias", sa.String(256), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("runner", sa.String(16), nullable=False),
        sa.Column("hostname", sa.String(256), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("auth", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("health", sa.String(16), nullable=False),
        sa.Column("started_time", sa.BigInteger(), nullable=False),
        sa.Column("heartbeat_time", sa.BigInteger(), nullable=False),
        sa.Column("heartbeat_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", "url", name="pk_serving_endpoint_registrations"),
    )


def downgrade() -> None:
    op.drop_table("serving_endpoint_registrations")
