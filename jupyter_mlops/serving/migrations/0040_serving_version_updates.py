"""Serving: a version's last update time, and the highest number a model ever gave a version.

`serving_model_versions.last_update_time` changes when the version's description, tags or
stage change (MLflow's `last_updated_timestamp`); existing versions start at their creation
time. `serving_models.last_version` keeps a deleted latest version's number from being given
again (MLflow never reuses one); existing models start at their highest version.

Revision ID: 0040_serving_version_updates
Revises: 0070_serving_registrations
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040_serving_version_updates"
down_revision = "0070_serving_registrations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "serving_model_versions", sa.Column("last_update_time", sa.BigInteger(), nullable=True)
    )
    op.add_column("serving_models", sa.Column("last_version", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE serving_model_versions SET last_update_time = creation_time "
        "WHERE last_update_time IS NULL"
    )
    op.execute(
        "UPDATE serving_models SET last_version = (SELECT MAX(v.version) FROM "
        "serving_model_versions v WHERE v.name = serving_models.name)"
    )


def downgrade() -> None:
    with op.batch_alter_table("serving_models") as batch:
        batch.drop_column("last_version")
    with op.batch_alter_table("serving_model_versions") as batch:
        batch.drop_column("last_update_time")
