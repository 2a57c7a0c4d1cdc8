"""Monitors validate each window of requests against the served version's constraints: the
violations per column are in the window's report and raise a `data_validation` alert."""

from __future__ import annotations

import time

import numpy as np

from jupyter_mlops.monitoring.entities import MonitorSpec
from tests.monitoring.test_monitoring_monitors import (
    HOUR_MS,
    endpoint,
    features,
    log_traffic,
    service,
)

__all__ = ["endpoint"]  # the fixture, shared with the monitoring tests


def test_invalid_requests_are_reported_per_column_and_alerted(endpoint, mlops_store):
    now = int(time.time() * 1000)
    start = now - HOUR_MS
    traffic = features(400, seed=1)
    traffic.loc[:19, "c"] = 1e6  # 20 of 400 requests (5%) far outside the training range
    traffic.loc[20:39, "a"] = np.nan  # training data had no missing values
    log_traffic(endpoint, traffic, start + 1000, mlops_store)
    svc = service()
    monitor = svc.create(MonitorSpec(endpoint, window_seconds=3600, min_rows=50), start_ms=start)
    (window,) = svc.tick(runner=None, now=start + HOUR_MS + 5)
    report = svc.store.get_window(window.window_id).report
    assert report is not None
    violations = report["validation"]["violations"]
    assert violations["c"][0]["check"] == "range" and violations["c"][0]["n"] == 20
    assert violations["a"][0]["check"] == "completeness" and violations["a"][0]["n"] == 20
    assert "b" not in violations
    kinds = [alert.kind for alert in svc.store.list_alerts(monitor.monitor_id)]
    assert "data_validation" in kinds


def test_valid_requests_raise_no_validation_alert(endpoint, mlops_store):
    now = int(time.time() * 1000)
    start = now - HOUR_MS
    log_traffic(endpoint, features(400, seed=1), start + 1000, mlops_store)
    svc = service()
    monitor = svc.create(MonitorSpec(endpoint, window_seconds=3600, min_rows=50), start_ms=start)
    (window,) = svc.tick(runner=None, now=start + HOUR_MS + 5)
    report = svc.store.get_window(window.window_id).report
    assert report is not None and report["validation"]["ok"] is True
    assert svc.store.list_alerts(monitor.monitor_id) == []
