"""Data profiling: saved profiles (the JSON document plus the columns the list shows).

Revision ID: 0003_profiling
Revises: 0001_baseline
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_profiling"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profiling_profiles",
        sa.Column("profile_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("n_rows", sa.BigInteger(), nullable=False),
        sa.Column("n_columns", sa.Integer(), nullable=False),
        sa.Column("n_alerts", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("saved_time", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("profile_id", name="pk_profiling_profiles"),
        sa.UniqueConstraint("name", name="uq_profiling_profiles_name"),
    )
    op.create_index(
        "ix_profiling_profiles_saved_time", "profiling_profiles", ["saved_time"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_profiling_profiles_saved_time", table_name="profiling_profiles")
    op.drop_table("profiling_profiles")
