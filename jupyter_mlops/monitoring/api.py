"""The Python API of monitoring: `mlops.create_monitor`, `evaluate_monitor`, `log_labels`.

They work on the store directly (a kernel reaches the same store as its server), and evaluate
in this process, so a notebook sees the result at once; the server's ticker evaluates windows
as they end in the jobs runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.errors import NotFoundError
from .entities import Monitor, MonitorAlert, MonitorSpec, Window
from .service import MonitorService


def _service() -> MonitorService:
    return MonitorService.of_this_process()


def create_monitor(
    endpoint_name: str,
    *,
    reference_profile: str | None = None,
    window_seconds: int = 3600,
    window_rows: int | None = None,
    min_rows: int = 100,
    columns: list[str] | None = None,
    tests: dict[str, str] | None = None,
    thresholds: dict[str, float] | None = None,
    dataset_share: float = 0.5,
    retrain_job_id: str | None = None,
    retrain_parameter: str = "data_path",
) -> Monitor:
    """Watch an endpoint: each window of its traffic is compared with the served version's
    training-data profile (or `reference_profile`); windows last `window_seconds`, or end with
    every `window_rows`-th request when given; a drifted window raises an alert, which
    runs `retrain_job_id` (a job of the jobs capability) with the window's rows as the
    notebook parameter `retrain_parameter`."""
    spec = MonitorSpec(
        endpoint_name=endpoint_name,
        reference_profile=reference_profile,
        window_seconds=window_seconds,
        window_rows=window_rows,
        min_rows=min_rows,
        columns=columns,
        tests=dict(tests or {}),
        thresholds=dict(thresholds or {}),
        dataset_share=dataset_share,
        retrain_job_id=retrain_job_id,
        retrain_parameter=retrain_parameter,
    )
    return _service().create(spec)


def get_monitor(monitor: str) -> Monitor:
    """A monitor by id or by the name of the endpoint it watches."""
    service = _service()
    found = service.store.monitor_for_endpoint(monitor)
    return found if found is not None else service.store.get_monitor(monitor)


def list_monitors() -> list[Monitor]:
    """Every monitor."""
    return _service().store.list_monitors()


def evaluate_monitor(monitor: str) -> Window:
    """Close the monitor's current window now and evaluate it here; returns the window with
    its drift report (`window.report`)."""
    service = _service()
    window = service.evaluate_now(get_monitor(monitor).monitor_id, runner=None)
    return service.store.get_window(window.window_id)


def monitor_windows(monitor: str, limit: int = 100) -> list[Window]:
    """The monitor's latest windows, oldest first."""
    service = _service()
    return service.store.list_windows(get_monitor(monitor).monitor_id, limit)


def monitor_alerts(monitor: str) -> list[MonitorAlert]:
    """The monitor's alerts, newest first."""
    service = _service()
    return service.store.list_alerts(get_monitor(monitor).monitor_id)


def log_labels(endpoint_name: str, request_ids: Sequence[str], labels: Sequence[Any]) -> int:
    """Ground truth for requests an endpoint served (ids from its answers' `request_id` or the
    request log), so monitors score accuracy or error per window."""
    service = _service()
    if service.store.monitor_for_endpoint(endpoint_name) is None:
        from ..serving.api import get_endpoint

        try:
            get_endpoint(endpoint_name)
        except NotFoundError:
            raise NotFoundError(f"no endpoint {endpoint_name!r}", "endpoint_name") from None
    return service.log_labels(endpoint_name, request_ids, labels)


def delete_monitor(monitor: str) -> None:
    """Stop watching: delete the monitor (by id or endpoint name) with its windows and alerts."""
    service = _service()
    service.store.delete_monitor(get_monitor(monitor).monitor_id)
