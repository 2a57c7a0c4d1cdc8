"""A configured tracking store class for the service resolver's tests (importable by kernels)."""

from __future__ import annotations

from typing import Any

from jupyter_mlops.tracking.entities import Run, RunDetail
from jupyter_mlops.tracking.store import TrackingStore


class MarkingStore(TrackingStore):
    """Tags every run it creates `store=marking`, and names itself in run details."""

    def create_run(self, *args: Any, **kwargs: Any) -> Run:
        tags = {**(kwargs.pop("tags", None) or {}), "store": "marking"}
        return super().create_run(*args, tags=tags, **kwargs)

    def get_run_detail(self, run_id: str) -> RunDetail:
        detail = super().get_run_detail(run_id)
        return RunDetail(detail.run, f"{detail.experiment_name} (marking)", detail.metric_summaries)


class NotAStore:
    """Not a tracking store at all."""
