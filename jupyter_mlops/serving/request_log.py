"""The request log of an endpoint: inputs, predictions, latency and version of every row served.

Written off the request path: the batcher hands each served batch to `RequestLog.record` (a
bounded queue put; when the queue is full the batch is dropped and its rows counted in
`dropped_rows`, reported by `/metrics`), and a background thread writes what accumulated to a
Parquet file about once a second, under `<data dir>/serving/requests/<endpoint>/` (folder 0700,
files 0600). One row per input row: the feature columns under their own names, then
`_mlops_request_id`, `_mlops_ts_ms`, `_mlops_model_version`, `_mlops_latency_ms`,
`_mlops_prediction` (the first output) and `_mlops_status`. File names start with the first and
last timestamps they hold, so `read_requests` opens only the files of the window it is asked for.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.config import resolve_data_dir
from ..core.errors import MLOpsError
from .model_uri import check_name

log = logging.getLogger(__name__)

REQUESTS_FOLDER = Path("serving") / "requests"
COLUMNS = (
    "_mlops_request_id",
    "_mlops_ts_ms",
    "_mlops_model_version",
    "_mlops_latency_ms",
    "_mlops_prediction",
    "_mlops_status",
)


def requests_folder(endpoint_name: str, data_dir: Path | None = None) -> Path:
    """Where an endpoint's request log lives."""
    root = data_dir if data_dir is not None else resolve_data_dir()
    return root / REQUESTS_FOLDER / check_name(endpoint_name, "endpoint_name", "endpoint name")


@dataclass
class _Batch:
    names: list[str]
    features: Any
    request_ids: list[str]
    ts_ms: int
    version: int
    latencies: list[float]
    predictions: Any
    status: int


class RequestLog:
    """A bounded queue of served batches and the thread that writes them as Parquet."""

    def __init__(
        self,
        folder: Path,
        max_queued_batches: int = 10_000,
        flush_interval_s: float = 1.0,
        max_rows_per_file: int = 100_000,
    ) -> None:
        self.folder = folder
        self.flush_interval_s = flush_interval_s
        self.max_rows_per_file = max_rows_per_file
        self.dropped_rows = 0
        self.written_rows = 0
        self._queue: queue.Queue[_Batch | None] = queue.Queue(max_queued_batches)
        self._sequence = 0
        self._thread = threading.Thread(target=self._run, name="mlops-request-log", daemon=True)
        self._thread.start()

    def record(
        self,
        names: list[str],
        features: Any,
        request_ids: list[str],
        version: int,
        latencies: list[float],
        predictions: Any,
        status: int = 200,
    ) -> None:
        """Queue one served batch; never blocks (a full queue drops it and counts its rows)."""
        batch = _Batch(
            names,
            features,
            request_ids,
            time.time_ns() // 1_000_000,
            version,
            latencies,
            predictions,
            status,
        )
        try:
            self._queue.put_nowait(batch)
        except queue.Full:
            self.dropped_rows += len(request_ids)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued and stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        pending: list[_Batch] = []
        rows = 0
        deadline = time.monotonic() + self.flush_interval_s
        while True:
            try:
                batch = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                batch = _Empty
            if batch is None:
                self._write(pending)
                return
            if batch is not _Empty:
                pending.append(batch)  # type: ignore[arg-type]
                rows += len(batch.request_ids)  # type: ignore[union-attr]
            if rows >= self.max_rows_per_file or time.monotonic() >= deadline:
                self._write(pending)
                pending, rows = [], 0
                deadline = time.monotonic() + self.flush_interval_s

    def _write(self, batches: list[_Batch]) -> None:
        if not batches:
            return
        try:
            self._write_file(batches)
        except Exception:  # the log must never take the endpoint down
            log.exception("jupyter-mlops: could not write %d request batches", len(batches))
            self.dropped_rows += sum(len(b.request_ids) for b in batches)

    def _write_file(self, batches: list[_Batch]) -> None:
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        frames = []
        for batch in batches:
            if isinstance(batch.features, np.ndarray):
                frame = pd.DataFrame(batch.features, columns=batch.names)
            else:
                frame = batch.features.reset_index(drop=True).copy()
            n = len(batch.request_ids)
            predictions = np.asarray(batch.predictions)
            if predictions.ndim > 1:
                predictions = predictions[:, 0]
            frame["_mlops_request_id"] = batch.request_ids
            frame["_mlops_ts_ms"] = np.full(n, batch.ts_ms, dtype=np.int64)
            frame["_mlops_model_version"] = np.full(n, batch.version, dtype=np.int64)
            frame["_mlops_latency_ms"] = np.asarray(batch.latencies, dtype=np.float64)
            frame["_mlops_prediction"] = predictions
            frame["_mlops_status"] = np.full(n, batch.status, dtype=np.int64)
            frames.append(frame)
        table = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        first, last = batches[0].ts_ms, batches[-1].ts_ms
        self._sequence += 1
        name = f"{first:013d}-{last:013d}-{os.getpid()}-{self._sequence:06d}.parquet"
        partial = self.folder / f".{name}.partial"
        pq.write_table(table, partial)
        os.chmod(partial, 0o600)
        partial.replace(self.folder / name)
        self.written_rows += table.num_rows


_Empty: Any = object()


def read_requests(
    endpoint_name: str,
    since_ms: int | None = None,
    until_ms: int | None = None,
    limit: int | None = None,
    data_dir: Path | None = None,
) -> Any:
    """An endpoint's logged requests with `since_ms <= _mlops_ts_ms < until_ms`, oldest first,
    at most `limit` rows (the latest ones), as a pandas DataFrame (empty when none)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    if limit is not None and limit < 0:
        raise MLOpsError("limit must be >= 0", field="limit")
    folder = requests_folder(endpoint_name, data_dir)
    tables = []
    for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
        try:
            first, last = (int(part) for part in path.name.split("-")[:2])
        except ValueError:
            continue
        if (since_ms is not None and last < since_ms) or (
            until_ms is not None and first >= until_ms
        ):
            continue
        tables.append(pq.read_table(path))
    if not tables:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pa.concat_tables(tables, promote_options="default").to_pandas()
    mask = pd.Series(True, index=frame.index)
    if since_ms is not None:
        mask &= frame["_mlops_ts_ms"] >= since_ms
    if until_ms is not None:
        mask &= frame["_mlops_ts_ms"] < until_ms
    frame = frame[mask].sort_values("_mlops_ts_ms", kind="stable").reset_index(drop=True)
    if limit is not None:
        frame = frame.iloc[len(frame) - min(limit, len(frame)) :].reset_index(drop=True)
    return frame
