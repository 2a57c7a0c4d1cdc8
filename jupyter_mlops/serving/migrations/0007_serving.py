"""Model registry and serving: models, versions, aliases and endpoints.

Revision ID: 0007_serving
Revises: 0001_baseline
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_serving"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "serving_models",
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.Column("last_update_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_serving_models"),
    )
    op.create_table(
        "serving_model_versions",
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=True),
        sa.Column("storage_location", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("estimator_class", sa.String(512), nullable=False),
        sa.Column("info", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("training_profile", sa.String(256), nullable=True),
        sa.Column("notebook_path", sa.Text(), nullable=True),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["name"],
            ["serving_models.name"],
            name="fk_serving_model_versions_name_serving_models",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", "version", name="pk_serving_model_versions"),
    )
    op.create_index(
        "ix_serving_model_versions_run_id", "serving_model_versions", ["run_id"], unique=False
    )
    op.create_table(
        "serving_aliases",
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("alias", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_version", sa.Integer(), nullable=True),
        sa.Column("update_time", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["name", "version"],
            ["serving_model_versions.name", "serving_model_versions.version"],
            name="fk_serving_aliases_name_serving_model_versions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", "alias", name="pk_serving_aliases"),
    )
    op.create_table(
        "serving_endpoints",
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("model_name", sa.String(256), nullable=False),
        sa.Column("alias", sa.String(256), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("previous_version", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(256), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("persistent", sa.Boolean(), nullable=False),
        sa.Column("auth", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("restarts", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.Column("update_time", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_name"],
            ["serving_models.name"],
            name="fk_serving_endpoints_model_name_serving_models",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", name="pk_serving_endpoints"),
    )
    op.create_index(
        "ix_serving_endpoints_model_name", "serving_endpoints", ["model_name"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_serving_endpoints_model_name", table_name="serving_endpoints")
    op.drop_table("serving_endpoints")
    op.drop_table("serving_aliases")
    op.drop_index("ix_serving_model_versions_run_id", table_name="serving_model_versions")
    op.drop_table("serving_model_versions")
    op.drop_table("serving_models")
