"""Monitoring: each window's number within its monitor (1, 2, 3...), as the Lab shows it.

The window id is global: a monitor's second window could be "window 4". Existing windows are
numbered by their start time. The column stays nullable (SQLite would rebuild the table to
change that); every window claimed from now on gets its number in the claiming transaction.

Revision ID: 0050_monitoring_window_numbers
Revises: 0023_team_monitoring_creators
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0050_monitoring_window_numbers"
down_revision = "0023_team_monitoring_creators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("monitoring_windows", sa.Column("number", sa.Integer(), nullable=True))
    # Portable (SQLite and PostgreSQL): count the monitor's windows that start no later.
    op.execute(
        "UPDATE monitoring_windows SET number = ("
        "SELECT COUNT(*) FROM monitoring_windows AS earlier"
        " WHERE earlier.monitor_id = monitoring_windows.monitor_id"
        " AND earlier.start_time <= monitoring_windows.start_time)"
    )
    op.create_index(
        "ux_monitoring_windows_monitor_number",
        "monitoring_windows",
        ["monitor_id", "number"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ux_monitoring_windows_monitor_number", table_name="monitoring_windows")
    with op.batch_alter_table("monitoring_windows") as batch:
        batch.drop_column("number")
