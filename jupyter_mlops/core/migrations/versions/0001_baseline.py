"""Baseline: the store exists and is versioned. Capabilities add their tables after it.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to create: Alembic's own version table marks the store as ours."""


def downgrade() -> None:
    """Nothing to drop."""
