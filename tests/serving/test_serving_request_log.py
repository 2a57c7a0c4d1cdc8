"""The endpoint's request log under overload: it samples rows from every moment, never drops a
whole stretch of traffic, weights what it keeps, and counts what it sampled out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from jupyter_mlops.serving.endpoint_metrics import Metrics
from jupyter_mlops.serving.request_log import RequestLog, read_requests, requests_folder

NAMES = ["period", "x"]
PERIODS = 10
BATCHES_PER_PERIOD = 100
ROWS_PER_BATCH = 10
SERVED = PERIODS * BATCHES_PER_PERIOD * ROWS_PER_BATCH


def stalled_log(data_dir: Path, max_queued_rows: int) -> RequestLog:
    """A log whose writer waits (an hour, or until close) before writing anything: every row
    recorded meanwhile competes for `max_queued_rows` places, as behind a stalled disk."""
    return RequestLog(
        requests_folder("ep", data_dir),
        max_queued_rows=max_queued_rows,
        flush_interval_s=3600,
        max_rows_per_file=10**9,
        seed=7,
    )


def serve_periods(log: RequestLog, frames: bool) -> None:
    """Record PERIODS stretches of traffic; feature `period` says which one a row belongs to."""
    for period in range(PERIODS):
        for batch in range(BATCHES_PER_PERIOD):
            features = np.column_stack(
                [np.full(ROWS_PER_BATCH, period, float), np.arange(ROWS_PER_BATCH, dtype=float)]
            )
            ids = [f"{period}-{batch}-{i}" for i in range(ROWS_PER_BATCH)]
            log.record(
                NAMES,
                pd.DataFrame(features, columns=NAMES) if frames else features,
                ids,
                version=1,
                latencies=[1.0] * ROWS_PER_BATCH,
                predictions=np.arange(ROWS_PER_BATCH) % 2,
            )


@pytest.mark.parametrize("frames", [False, True], ids=["array", "dataframe"])
def test_overload_keeps_a_weighted_sample_of_every_period(tmp_path: Path, frames: bool) -> None:
    log = stalled_log(tmp_path, max_queued_rows=400)
    serve_periods(log, frames)
    queued = log.counts()
    assert queued.recorded_rows == SERVED
    assert queued.queued_rows <= 400
    assert queued.keep_rate < 1
    assert queued.queued_rows + queued.sampled_out_rows == SERVED
    log.close(timeout=300)  # waits for the write (close alone gives it 10 s)

    counts = log.counts()
    assert counts.dropped_rows == 0 and counts.queued_rows == 0
    assert counts.logged_rows + counts.sampled_out_rows == SERVED
    logged = read_requests("ep", data_dir=tmp_path)
    assert len(logged) == counts.logged_rows
    # Rows from every period, not only the first ones (the queue was full after 40 batches).
    assert set(logged["period"].astype(int)) == set(range(PERIODS))
    per_period = logged.groupby("period").size()
    assert per_period.min() >= 5
    # One weight, 1 / keep-rate, on every row; weighted counts estimate the traffic.
    weights = logged["_mlops_weight"].unique()
    assert len(weights) == 1 and weights[0] == 1 / queued.keep_rate
    assert 0.5 * SERVED < logged["_mlops_weight"].sum() < 2 * SERVED
    # The features of a kept row are those it was served with.
    assert (
        logged["x"].astype(int) == logged["_mlops_request_id"].str.split("-").str[2].astype(int)
    ).all()


def test_without_overload_every_row_is_logged_with_weight_one(tmp_path: Path) -> None:
    log = stalled_log(tmp_path, max_queued_rows=SERVED)
    serve_periods(log, frames=False)
    log.close(timeout=300)
    counts = log.counts()
    assert (counts.logged_rows, counts.sampled_out_rows, counts.keep_rate) == (SERVED, 0, 1.0)
    logged = read_requests("ep", data_dir=tmp_path)
    assert len(logged) == SERVED and (logged["_mlops_weight"] == 1.0).all()


def test_metrics_show_the_sampled_out_rows(tmp_path: Path) -> None:
    log = stalled_log(tmp_path, max_queued_rows=100)
    try:
        serve_periods(log, frames=False)
        text = generate_latest(Metrics(lambda: log).registry).decode()
    finally:
        log.close(timeout=300)
    samples = {
        s.name: s.value for family in text_string_to_metric_families(text) for s in family.samples
    }
    sampled_out = samples["mlops_endpoint_request_log_sampled_out_rows_total"]
    queued = samples["mlops_endpoint_request_log_queued_rows"]
    assert sampled_out > 0 and 0 < queued <= 100
    assert samples["mlops_endpoint_request_log_rows_total"] == SERVED == sampled_out + queued
    assert samples["mlops_endpoint_request_log_written_rows_total"] == 0
    assert samples["mlops_endpoint_request_log_dropped_rows"] == 0
    assert 0 < samples["mlops_endpoint_request_log_keep_rate"] < 1
    off = generate_latest(Metrics().registry).decode()
    assert "mlops_endpoint_request_log_sampled_out_rows_total 0.0" in off


def test_files_without_weights_read_as_weight_one(tmp_path: Path) -> None:
    folder = requests_folder("old", tmp_path)
    folder.mkdir(parents=True)
    pd.DataFrame(
        {"a": [1.0, 2.0], "_mlops_ts_ms": [5, 6], "_mlops_request_id": ["r1", "r2"]}
    ).to_parquet(folder / "0000000000005-0000000000006-1-000001.parquet", index=False)
    assert read_requests("old", data_dir=tmp_path)["_mlops_weight"].tolist() == [1.0, 1.0]


def test_a_batch_larger_than_the_queue_is_sampled_into_it(tmp_path: Path) -> None:
    log = stalled_log(tmp_path, max_queued_rows=8)
    n = 200
    features = np.column_stack([np.zeros(n), np.arange(n, dtype=float)])
    ids = [f"0-0-{i}" for i in range(n)]
    log.record(NAMES, features, ids, 1, [1.0] * n, np.zeros(n))
    counts = log.counts()
    assert 0 < counts.queued_rows <= 8 and counts.keep_rate <= 8 / n
    assert counts.queued_rows + counts.sampled_out_rows == n
    log.close(timeout=300)
    logged = read_requests("ep", data_dir=tmp_path)
    assert len(logged) == counts.queued_rows
    assert (logged["x"].astype(int) == logged["_mlops_request_id"].str[4:].astype(int)).all()
