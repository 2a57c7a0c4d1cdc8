"""Monitors in the store: checked settings, windows claimed once, evaluated from request logs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.config import resolve_data_dir
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.monitoring.entities import MonitorSpec
from jupyter_mlops.monitoring.service import MonitorService
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.model_uri import ModelRef
from jupyter_mlops.serving.request_log import requests_folder

COLUMNS = ["a", "b", "c"]
HOUR_MS = 3_600_000


def features(n: int, shift: float = 0.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 3)), columns=COLUMNS)
    frame["a"] += shift
    frame["b"] += shift
    return frame


@pytest.fixture
def endpoint(mlops_store: Path) -> str:
    """A registered model (with its training profile) and an endpoint record serving it."""
    X = features(2000)
    y = (X["a"] > X["b"]).astype(int)
    mlops.register_model(LogisticRegression().fit(X, y), "clf", X=X)
    get_registry().create_endpoint("clf", ModelRef("clf", version=1), "127.0.0.1", 1)
    return "clf"


def log_traffic(
    endpoint: str,
    frame: pd.DataFrame,
    ts_ms: int,
    data_dir: Path,
    weight: float | None = None,
    latency_ms: float = 2.5,
) -> list[str]:
    """Served rows at time `ts_ms`, in the endpoint's request log format (the endpoint process
    writes the same through `RequestLog`; its timestamps are always "now"). `weight`: the rows
    are an overloaded log's sample, each standing for `weight` served rows (no column: 1)."""
    rows = frame.copy()
    ids = [f"req-{ts_ms}-{i}" for i in range(len(frame))]
    rows["_mlops_request_id"] = ids
    rows["_mlops_ts_ms"] = np.full(len(rows), ts_ms, dtype=np.int64)
    rows["_mlops_model_version"] = np.ones(len(rows), dtype=np.int64)
    rows["_mlops_latency_ms"] = np.full(len(rows), latency_ms)
    rows["_mlops_prediction"] = (frame["a"] > frame["b"]).astype(int).to_numpy()
    rows["_mlops_status"] = np.full(len(rows), 200, dtype=np.int64)
    if weight is not None:
        rows["_mlops_weight"] = np.full(len(rows), weight)
    folder = requests_folder(endpoint, data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    rows.to_parquet(folder / f"{ts_ms:013d}-{ts_ms:013d}-1-000001.parquet", index=False)
    return ids


def service() -> MonitorService:
    return MonitorService(get_database(), resolve_data_dir())


def test_bad_settings_are_errors_naming_the_field(endpoint: str) -> None:
    for kwargs, field in (
        ({"endpoint_name": "nope"}, "endpoint_name"),
        ({"reference_profile": "no-such-profile"}, "reference_profile"),
        ({"window_seconds": 0}, "window_seconds"),
        ({"tests": {"a": "magic"}}, "tests.a"),
        ({"thresholds": {"a": float("inf")}}, "thresholds.a"),
        ({"dataset_share": 0}, "dataset_share"),
        ({"retrain_job_id": "0" * 32}, "retrain_job_id"),
        ({"retrain_parameter": "not a name"}, "retrain_parameter"),
    ):
        arguments: dict[str, Any] = {"endpoint_name": endpoint, **kwargs}
        with pytest.raises(MLOpsError) as excinfo:
            mlops.create_monitor(**arguments)
        assert excinfo.value.field is not None and field in excinfo.value.field, (kwargs, excinfo)
    mlops.create_monitor(endpoint)
    with pytest.raises(MLOpsError) as excinfo:
        mlops.create_monitor(endpoint)
    assert excinfo.value.field == "endpoint_name"


def test_a_window_is_claimed_once_and_late_tickers_catch_up_with_the_latest(endpoint):
    first = service()
    monitor = first.create(MonitorSpec(endpoint, window_seconds=3600), start_ms=0)
    second = service()
    assert first.due_windows(monitor, HOUR_MS - 1) == []
    assert first.due_windows(monitor, 5 * HOUR_MS + 10) == [(4 * HOUR_MS, 5 * HOUR_MS)]
    claimed = first.store.claim_window(monitor.monitor_id, 4 * HOUR_MS, 5 * HOUR_MS)
    again = second.store.claim_window(monitor.monitor_id, 4 * HOUR_MS, 5 * HOUR_MS)
    assert claimed is not None and again is None
    assert second.store.get_monitor(monitor.monitor_id).next_window_start == 5 * HOUR_MS
    assert second.due_windows(second.store.get_monitor(monitor.monitor_id), 5 * HOUR_MS + 10) == []


def test_ticking_evaluates_windows_from_the_request_log(endpoint, mlops_store):
    now = int(time.time() * 1000)
    start = now - 2 * HOUR_MS
    log_traffic(endpoint, features(400, seed=1), start + 1000, mlops_store)
    log_traffic(endpoint, features(400, shift=1.0, seed=2), start + HOUR_MS + 1000, mlops_store)
    svc = service()
    monitor = svc.create(MonitorSpec(endpoint, window_seconds=3600, min_rows=50), start_ms=start)
    # Both windows ended; a ticker that was away evaluates only the latest one.
    (window,) = svc.tick(runner=None, now=start + 2 * HOUR_MS + 5)
    assert window.status == "done" and window.n_rows == 400
    assert window.dataset_drifted and window.share_drifted == pytest.approx(2 / 3)
    assert window.model_version == 1
    assert window.latency_p50_ms == pytest.approx(2.5) and window.error_rate == 0.0
    report = svc.store.get_window(window.window_id).report
    assert report is not None
    drifted = {c["column"] for c in report["columns"] if c["drifted"]}
    assert drifted == {"a", "b"}
    (alert,) = svc.store.list_alerts(monitor.monitor_id)
    assert alert.kind == "data_drift" and "a, b" in alert.message.replace("b, a", "a, b")
    assert window.data_path is not None
    rows = pd.read_parquet(window.data_path)
    assert list(rows.columns) == [*COLUMNS, "prediction", "request_id", "label"]
    assert oct(Path(window.data_path).stat().st_mode & 0o777) == "0o600"


def test_a_quiet_window_is_skipped_not_alerted(endpoint, mlops_store):
    now = int(time.time() * 1000)
    log_traffic(endpoint, features(10), now - 1000, mlops_store)
    svc = service()
    monitor = svc.create(MonitorSpec(endpoint, min_rows=50), start_ms=now - HOUR_MS)
    window = svc.evaluate_now(monitor.monitor_id, runner=None, now=now)
    assert window.status == "skipped" and "fewer than the 50" in (window.error or "")
    assert svc.store.list_alerts(monitor.monitor_id) == []


def test_unshifted_traffic_does_not_alert_and_labels_score_each_window(endpoint, mlops_store):
    now = int(time.time() * 1000)
    traffic = features(500, seed=5)
    ids = log_traffic(endpoint, traffic, now - 1000, mlops_store)
    monitor = mlops.create_monitor(endpoint, min_rows=50)
    svc = service()
    svc.store.update_monitor(monitor.monitor_id, next_window_start=now - HOUR_MS)
    window = mlops.evaluate_monitor(endpoint)
    assert window.status == "done" and not window.dataset_drifted
    assert window.performance is None and mlops.monitor_alerts(endpoint) == []
    truth = (traffic["a"] > traffic["b"]).astype(int).tolist()
    truth[:50] = [1 - t for t in truth[:50]]  # 50 of 500 predictions were wrong
    assert mlops.log_labels(endpoint, ids, truth) == 500
    (rescored,) = mlops.monitor_windows(endpoint)
    assert rescored.n_labels == 500
    assert rescored.performance == {"n": 500.0, "accuracy": pytest.approx(0.9)}
    with pytest.raises(MLOpsError) as excinfo:
        mlops.log_labels(endpoint, ids[:2], [1])
    assert excinfo.value.field == "labels"


def test_predictions_are_compared_with_the_first_window_of_the_version(endpoint, mlops_store):
    now = int(time.time() * 1000)
    log_traffic(endpoint, features(300, seed=6), now - 3000, mlops_store)
    svc = service()
    monitor = svc.create(MonitorSpec(endpoint, min_rows=50), start_ms=now - HOUR_MS)
    first = svc.evaluate_now(monitor.monitor_id, runner=None, now=now - 2000)
    assert first.status == "done" and first.prediction_drifted is None
    # The model predicts a > b; traffic where a is always larger makes every prediction 1.
    moved = features(300, seed=7)
    moved["a"] = moved["b"].abs() + 3
    log_traffic(endpoint, moved, now - 1000, mlops_store)
    second = svc.evaluate_now(monitor.monitor_id, runner=None, now=now)
    assert second.prediction_drifted is True
    report = svc.store.get_window(second.window_id).report
    assert report is not None and report["prediction"]["drifted"]


def test_count_windows_end_with_their_nth_request(endpoint, mlops_store):
    now = int(time.time() * 1000)
    svc = service()
    svc.create(MonitorSpec(endpoint, window_rows=500, min_rows=50), start_ms=now - 10_000)
    log_traffic(endpoint, features(300, seed=8), now - 9000, mlops_store)
    assert svc.tick(runner=None, now=now) == []
    log_traffic(endpoint, features(300, seed=9), now - 5000, mlops_store)
    (window,) = svc.tick(runner=None, now=now)
    assert window.n_rows == 600 and window.end_time == now - 5000 + 1
    assert svc.tick(runner=None, now=now) == []


def test_an_overloaded_logs_weights_count_the_served_requests(endpoint, mlops_store):
    """A quiet stretch logged in full, then an overload logged 1 row in 8: the count window
    closes on served requests, and requests and latency are those of the served traffic."""
    now = int(time.time() * 1000)
    svc = service()
    svc.create(MonitorSpec(endpoint, window_rows=500, min_rows=50), start_ms=now - 10_000)
    log_traffic(endpoint, features(100, seed=10), now - 9000, mlops_store, weight=1.0)
    assert svc.tick(runner=None, now=now) == []
    log_traffic(endpoint, features(100, seed=11), now - 5000, mlops_store, 8.0, latency_ms=50.0)
    (window,) = svc.tick(runner=None, now=now)
    assert window.end_time == now - 5000 + 1
    assert window.status == "done" and window.n_rows == 100 + 8 * 100
    # 800 of the 900 served requests took 50 ms (unweighted, half of the rows did).
    assert window.latency_p50_ms == 50.0 and window.error_rate == 0.0
    assert not window.dataset_drifted
