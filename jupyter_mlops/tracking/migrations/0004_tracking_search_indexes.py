"""Tracking search: (key, value, run_id) indexes so that a filter reads matching runs from an
index instead of probing every run, and a runs index that carries the run id, so that counting
and sorting an experiment's runs never reads the (large) run rows.

Revision ID: 0004_tracking_search_indexes
Revises: 0002_tracking
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0004_tracking_search_indexes"
down_revision = "0002_tracking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_tracking_runs_experiment_stage_start", table_name="tracking_runs")
    op.create_index(
        "ix_tracking_runs_experiment_stage_start_id",
        "tracking_runs",
        ["experiment_id", "lifecycle_stage", "start_time", "run_id"],
    )
    op.create_index(
        "ix_tracking_params_key_value_run", "tracking_params", ["key", "value", "run_id"]
    )
    op.create_index("ix_tracking_tags_key_value_run", "tracking_tags", ["key", "value", "run_id"])
    op.drop_index("ix_tracking_latest_metrics_key_value", table_name="tracking_latest_metrics")
    op.create_index(
        "ix_tracking_latest_metrics_key_value_run",
        "tracking_latest_metrics",
        ["key", "value", "run_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_tracking_latest_metrics_key_value_run", table_name="tracking_latest_metrics")
    op.create_index(
        "ix_tracking_latest_metrics_key_value", "tracking_latest_metrics", ["key", "value"]
    )
    op.drop_index("ix_tracking_tags_key_value_run", table_name="tracking_tags")
    op.drop_index("ix_tracking_params_key_value_run", table_name="tracking_params")
    op.drop_index("ix_tracking_runs_experiment_stage_start_id", table_name="tracking_runs")
    op.create_index(
        "ix_tracking_runs_experiment_stage_start",
        "tracking_runs",
        ["experiment_id", "lifecycle_stage", "start_time"],
    )
