"""Drift monitoring: monitors, evaluated windows, alerts and posted labels.

Revision ID: 0009_monitoring
Revises: 0001_baseline
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_monitoring"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_monitors",
        sa.Column("monitor_id", sa.String(32), nullable=False),
        sa.Column("endpoint_name", sa.String(256), nullable=False),
        sa.Column("reference_kind", sa.String(16), nullable=False),
        sa.Column("reference_profile", sa.String(256), nullable=True),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("window_rows", sa.Integer(), nullable=True),
        sa.Column("min_rows", sa.Integer(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=True),
        sa.Column("tests", sa.Text(), nullable=False),
        sa.Column("thresholds", sa.Text(), nullable=False),
        sa.Column("dataset_share", sa.Float(), nullable=False),
        sa.Column("retrain_job_id", sa.String(32), nullable=True),
        sa.Column("retrain_parameter", sa.String(128), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.Column("next_window_start", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("monitor_id", name="pk_monitoring_monitors"),
        sa.UniqueConstraint("endpoint_name", name="uq_monitoring_monitors_endpoint_name"),
    )
    op.create_table(
        "monitoring_windows",
        sa.Column("window_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("monitor_id", sa.String(32), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("task_run_id", sa.String(32), nullable=True),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("share_drifted", sa.Float(), nullable=True),
        sa.Column("dataset_drifted", sa.Boolean(), nullable=True),
        sa.Column("prediction_drifted", sa.Boolean(), nullable=True),
        sa.Column("error_rate", sa.Float(), nullable=True),
        sa.Column("latency_p50_ms", sa.Float(), nullable=True),
        sa.Column("latency_p99_ms", sa.Float(), nullable=True),
        sa.Column("n_labels", sa.Integer(), nullable=False),
        sa.Column("performance", sa.Text(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("data_path", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["monitoring_monitors.monitor_id"],
            name="fk_monitoring_windows_monitor_id_monitoring_monitors",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("window_id", name="pk_monitoring_windows"),
        sa.UniqueConstraint("monitor_id", "start_time", name="uq_monitoring_windows_monitor_id"),
    )
    op.create_index(
        "ix_monitoring_windows_monitor_end", "monitoring_windows", ["monitor_id", "end_time"]
    )
    op.create_table(
        "monitoring_alerts",
        sa.Column("alert_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("monitor_id", sa.String(32), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("job_run_id", sa.String(32), nullable=True),
        sa.Column("job_error", sa.Text(), nullable=True),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_id"],
            ["monitoring_monitors.monitor_id"],
            name="fk_monitoring_alerts_monitor_id_monitoring_monitors",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["monitoring_windows.window_id"],
            name="fk_monitoring_alerts_window_id_monitoring_windows",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", name="pk_monitoring_alerts"),
    )
    op.create_index(
        "ix_monitoring_alerts_monitor_created",
        "monitoring_alerts",
        ["monitor_id", "created_time"],
    )
    op.create_table(
        "monitoring_labels",
        sa.Column("endpoint_name", sa.String(256), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("endpoint_name", "request_id", name="pk_monitoring_labels"),
    )


def downgrade() -> None:
    op.drop_table("monitoring_labels")
    op.drop_index("ix_monitoring_alerts_monitor_created", table_name="monitoring_alerts")
    op.drop_table("monitoring_alerts")
    op.drop_index("ix_monitoring_windows_monitor_end", table_name="monitoring_windows")
    op.drop_table("monitoring_windows")
    op.drop_table("monitoring_monitors")
