"""Team: who created and who last changed serving's objects (on the serving branch).

Revision ID: 0021_team_serving_creators
Revises: 0007_serving
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_team_serving_creators"
down_revision = "0007_serving"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("serving_models", sa.Column("created_by", sa.String(256), nullable=True))
    op.add_column("serving_models", sa.Column("updated_by", sa.String(256), nullable=True))
    op.add_column("serving_model_versions", sa.Column("created_by", sa.String(256), nullable=True))
    op.add_column("serving_aliases", sa.Column("updated_by", sa.String(256), nullable=True))
    op.add_column("serving_endpoints", sa.Column("created_by", sa.String(256), nullable=True))
    op.add_column("serving_endpoints", sa.Column("updated_by", sa.String(256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("serving_models") as batch:
        batch.drop_column("created_by")
        batch.drop_column("updated_by")
    with op.batch_alter_table("serving_model_versions") as batch:
        batch.drop_column("created_by")
    with op.batch_alter_table("serving_aliases") as batch:
        batch.drop_column("updated_by")
    with op.batch_alter_table("serving_endpoints") as batch:
        batch.drop_column("created_by")
        batch.drop_column("updated_by")
