"""The request log of an endpoint: inputs, predictions, latency and version of every row served.

Written off the request path: the batcher hands each served batch to `RequestLog.record` (never
blocking), and a background thread writes what accumulated to a Parquet file about once a
second, under `<data dir>/serving/requests/<endpoint>/` (folder 0700, files 0600), or under
`<artifact root>/serving/requests/<endpoint>/` when the artifact root is remote
(`core.artifact_store`: one PUT per file, so a monitor anywhere reads it). One row per
logged input row: the feature columns under their own names, then `_mlops_request_id`,
`_mlops_ts_ms`, `_mlops_model_version`, `_mlops_latency_ms`, `_mlops_prediction` (the first
output), `_mlops_status` and `_mlops_weight`. File names start with the first and last
timestamps they hold, so `read_requests` opens only the files of the window it is asked for.

**Overload samples instead of dropping.** At most `max_queued_rows` rows wait for the writer.
When the queue is full, it is thinned: each queued row is kept with probability 1/2, and rows
arriving afterwards are kept with the same (now halved) keep-rate, independently per row. So at
any moment the queue holds a Bernoulli sample, at one rate, of *every* row served since the
writer last took it: rows from every moment of an overload, not only the first ones (a stalled
writer included). The writer stamps the rows it takes with `_mlops_weight` = 1 / that rate: each
logged row stands for that many served rows, so weighted counts are unbiased estimates of the
traffic (1.0 for every row when there was no overload). Rows not kept are counted in
`sampled_out_rows` (`/metrics`: `mlops_endpoint_request_log_sampled_out_rows_total`);
`logged_rows + queued + sampled_out_rows + dropped_rows` is every row `record` was given.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import artifact_store
from ..core.clock import now_ms
from ..core.config import resolve_data_dir
from ..core.errors import MLOpsError
from .model_uri import check_name

log = logging.getLogger(__name__)

REQUESTS_FOLDER = Path("serving") / "requests"
WEIGHT = "_mlops_weight"
COLUMNS = (
    "_mlops_request_id",
    "_mlops_ts_ms",
    "_mlops_model_version",
    "_mlops_latency_ms",
    "_mlops_prediction",
    "_mlops_status",
    WEIGHT,
)


def requests_folder(endpoint_name: str, data_dir: Path | None = None) -> Path:
    """Where an endpoint's request log lives."""
    root = data_dir if data_dir is not None else resolve_data_dir()
    return root / REQUESTS_FOLDER / check_name(endpoint_name, "endpoint_name", "endpoint name")


def requests_location(endpoint_name: str, data_dir: Path | None = None) -> str:
    """Where an endpoint's request log lives: the local folder (`requests_folder`), or its
    prefix under a remote artifact root."""
    root = artifact_store.resolve_artifact_root(data_dir=data_dir)
    if artifact_store.is_remote(root):
        name = check_name(endpoint_name, "endpoint_name", "endpoint name")
        return artifact_store.child(root, f"{REQUESTS_FOLDER.as_posix()}/{name}")
    return str(requests_folder(endpoint_name, data_dir))


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

    @property
    def n_rows(self) -> int:
        return len(self.request_ids)

    def subset(self, keep: Any) -> _Batch:
        """The rows at the positions `keep` (a sorted numpy index array)."""
        import numpy as np

        if isinstance(self.features, np.ndarray):
            features = self.features[keep]
        else:
            features = self.features.iloc[keep]
        return _Batch(
            self.names,
            features,
            [self.request_ids[i] for i in keep],
            self.ts_ms,
            self.version,
            [self.latencies[i] for i in keep],
            np.asarray(self.predictions)[keep],
            self.status,
        )


@dataclass(frozen=True)
class LogCounts:
    """A consistent snapshot of a request log's row counters."""

    recorded_rows: int  # every row handed to `record`
    logged_rows: int  # written to a file
    queued_rows: int  # waiting for the writer, or being written
    sampled_out_rows: int  # not kept because the queue was full (overload sampling)
    dropped_rows: int  # kept, then lost: a file that could not be written
    keep_rate: float  # the queue's current keep-rate (1.0: every row)


class RequestLog:
    """A bounded, sampling queue of served rows and the thread that writes them as Parquet."""

    def __init__(
        self,
        folder: Path | str,
        max_queued_rows: int = 100_000,
        flush_interval_s: float = 1.0,
        max_rows_per_file: int = 50_000,
        seed: int | None = None,
    ) -> None:
        import numpy as np

        if max_queued_rows < 2:
            raise ValueError("max_queued_rows must be at least 2")
        self.folder = folder  # a local folder, or a location under a remote artifact root
        self.max_queued_rows = max_queued_rows
        self.flush_interval_s = flush_interval_s
        self.max_rows_per_file = max_rows_per_file
        self._rng = np.random.default_rng(seed)
        self._lock = threading.Condition(threading.Lock())
        self._queue: list[_Batch] = []
        self._queued = 0  # rows in `_queue`
        self._writing = 0  # rows the writer took and has not finished
        self._rate = 1.0  # keep-rate of the rows now in `_queue`
        self._closed = False
        self._recorded = 0
        self._logged = 0
        self._sampled_out = 0
        self._dropped = 0
        self._sequence = 0
        self._thread = threading.Thread(target=self._run, name="mlops-request-log", daemon=True)
        self._thread.start()

    @property
    def sampled_out_rows(self) -> int:
        """Rows not kept because the queue was full."""
        return self.counts().sampled_out_rows

    @property
    def dropped_rows(self) -> int:
        """Kept rows whose file could not be written."""
        return self.counts().dropped_rows

    @property
    def written_rows(self) -> int:
        """Rows written to files."""
        return self.counts().logged_rows

    def counts(self) -> LogCounts:
        """The counters, read together."""
        with self._lock:
            return LogCounts(
                self._recorded,
                self._logged,
                self._queued + self._writing,
                self._sampled_out,
                self._dropped,
                self._rate,
            )

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
        """Queue one served batch; never blocks (a full queue samples, see the module doc)."""
        batch = _Batch(
            names,
            features,
            request_ids,
            now_ms(),
            version,
            latencies,
            predictions,
            status,
        )
        n = batch.n_rows
        if n == 0:
            return
        with self._lock:
            self._recorded += n
            if self._closed:
                self._dropped += n
                return
            if self._rate < 1.0:
                batch = self._sample(batch, self._rate)
            while batch.n_rows and self._queued + batch.n_rows > self.max_queued_rows:
                self._thin()  # halves the rate and the queue; the batch follows
                batch = self._sample(batch, 0.5)
            if batch.n_rows:
                self._queue.append(batch)
                self._queued += batch.n_rows
                if self._queued >= self.max_rows_per_file:
                    self._lock.notify()

    def _sample(self, batch: _Batch, rate: float) -> _Batch:
        """Keep each row of `batch` with probability `rate`; count the others sampled out."""
        import numpy as np

        keep = np.flatnonzero(self._rng.random(batch.n_rows) < rate)
        self._sampled_out += batch.n_rows - len(keep)
        return batch if len(keep) == batch.n_rows else batch.subset(keep)

    def _thin(self) -> None:
        """Halve the keep-rate: keep each queued row with probability 1/2 (one draw for the
        whole queue; a batch is copied only when some, not all, of its rows stay)."""
        import numpy as np

        self._rate /= 2
        if not self._queue:
            return
        sizes = np.fromiter((b.n_rows for b in self._queue), np.int64, len(self._queue))
        ends = np.cumsum(sizes)
        starts = ends - sizes
        keep = self._rng.random(int(ends[-1])) < 0.5
        kept = np.add.reduceat(keep.astype(np.int64), starts)
        thinned = []
        for batch, start, n, k in zip(
            self._queue, starts.tolist(), sizes.tolist(), kept.tolist(), strict=True
        ):
            if k == n:
                thinned.append(batch)
            elif k:
                thinned.append(batch.subset(np.flatnonzero(keep[start : start + n])))
        self._queue = thinned
        queued = int(kept.sum())
        self._sampled_out += self._queued - queued
        self._queued = queued

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued and stop the thread."""
        with self._lock:
            self._closed = True
            self._lock.notify()
        self._thread.join(timeout)

    def _take(self) -> tuple[list[_Batch], float, bool]:
        """Wait for a full file, the flush interval or close; take the queue and its rate."""
        with self._lock:
            deadline = time.monotonic() + self.flush_interval_s
            while not self._closed and self._queued < self.max_rows_per_file:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._lock.wait(remaining)
            batches, rate = self._queue, self._rate
            self._queue, self._rate = [], 1.0
            self._writing, self._queued = self._queued, 0
            return batches, rate, self._closed

    def _run(self) -> None:
        while True:
            batches, rate, closing = self._take()
            rows = sum(b.n_rows for b in batches)
            written = self._write(batches, 1.0 / rate)
            with self._lock:
                self._writing = 0
                if written:
                    self._logged += rows
                else:
                    self._dropped += rows
            if closing:
                return

    def _write(self, batches: list[_Batch], weight: float) -> bool:
        if not batches:
            return True
        try:
            self._write_file(batches, weight)
        except Exception:  # the log must never take the endpoint down
            log.exception("jupyter-mlops: could not write %d request batches", len(batches))
            return False
        return True

    def _write_file(self, batches: list[_Batch], weight: float) -> None:
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
            n = batch.n_rows
            predictions = np.asarray(batch.predictions)
            if predictions.ndim > 1:
                predictions = predictions[:, 0]
            frame["_mlops_request_id"] = batch.request_ids
            frame["_mlops_ts_ms"] = np.full(n, batch.ts_ms, dtype=np.int64)
            frame["_mlops_model_version"] = np.full(n, batch.version, dtype=np.int64)
            frame["_mlops_latency_ms"] = np.asarray(batch.latencies, dtype=np.float64)
            frame["_mlops_prediction"] = predictions
            frame["_mlops_status"] = np.full(n, batch.status, dtype=np.int64)
            frame[WEIGHT] = np.full(n, weight, dtype=np.float64)
            frames.append(frame)
        table = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
        first = min(b.ts_ms for b in batches)
        last = max(b.ts_ms for b in batches)
        self._sequence += 1
        name = f"{first:013d}-{last:013d}-{os.getpid()}-{self._sequence:06d}.parquet"
        if artifact_store.is_remote(str(self.folder)):
            sink = pa.BufferOutputStream()
            pq.write_table(table, sink)
            data = sink.getvalue().to_pybytes()  # one second of rows: one object, one PUT
            artifact_store.write_bytes(artifact_store.child(str(self.folder), name), data)
            return
        folder = Path(self.folder)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = folder / f".{name}.partial"
        pq.write_table(table, partial)
        os.chmod(partial, 0o600)
        partial.replace(folder / name)


def read_requests(
    endpoint_name: str,
    since_ms: int | None = None,
    until_ms: int | None = None,
    limit: int | None = None,
    data_dir: Path | None = None,
) -> Any:
    """An endpoint's logged requests with `since_ms <= _mlops_ts_ms < until_ms`, oldest first,
    at most `limit` rows (the latest ones), as a pandas DataFrame (empty when none).

    `_mlops_weight` is how many served rows each logged row stands for (see the module doc):
    sum it, rather than counting rows, to estimate the traffic of an overloaded period."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    if limit is not None and limit < 0:
        raise MLOpsError("limit must be >= 0", field="limit")
    folder = requests_location(endpoint_name, data_dir)
    tables = []
    for entry in artifact_store.list_dir(folder):
        if entry.is_dir or not entry.name.endswith(".parquet") or entry.name.startswith("."):
            continue
        try:
            first, last = (int(part) for part in entry.name.split("-")[:2])
        except ValueError:
            continue
        if (since_ms is not None and last < since_ms) or (
            until_ms is not None and first >= until_ms
        ):
            continue
        with artifact_store.open_file(artifact_store.child(folder, entry.name)) as handle:
            tables.append(pq.read_table(handle))
    if not tables:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pa.concat_tables(tables, promote_options="default").to_pandas()
    # Files written before the overload sampling have no weight: each row stood for itself.
    frame[WEIGHT] = frame[WEIGHT].fillna(1.0) if WEIGHT in frame.columns else 1.0
    mask = pd.Series(True, index=frame.index)
    if since_ms is not None:
        mask &= frame["_mlops_ts_ms"] >= since_ms
    if until_ms is not None:
        mask &= frame["_mlops_ts_ms"] < until_ms
    frame = frame[mask].sort_values("_mlops_ts_ms", kind="stable").reset_index(drop=True)
    if limit is not None:
        frame = frame.iloc[len(frame) - min(limit, len(frame)) :].reset_index(drop=True)
    return frame
