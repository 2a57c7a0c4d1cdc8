"""Buffered metric logging: the caller appends to a queue, a background thread writes batches.

`log_metric` costs the caller a deque append (about a microsecond). The writer thread wakes
every `interval` seconds, or as soon as `batch_size` points wait, and writes what is queued in
one transaction (`TrackingStore.log_metric_points`). `flush()` puts a marker in the queue and
waits until everything queued before it is in the store; runs call it when they end, and an
`atexit` hook calls it when the interpreter exits.

The same thread beats for the runs this process runs (`tracking.heartbeat`) and, when it
starts, marks runs whose process was killed KILLED. What a SIGKILL loses is what was logged in
the last `interval`; SIGTERM flushes (`tracking.sigterm`).

Nothing is dropped on a transient failure (a locked or unreachable store): the batch is kept
and retried with backoff. Points the store refuses for good (their run does not exist) are
reported by the next `flush()` as an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Sequence

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from .batch_writes import MetricPoint
from .heartbeat import Heartbeat, reap_quietly
from .store import TrackingStore

log = logging.getLogger(__name__)

# A locked, busy or unreachable store: wait and try again. Anything else is not transient.
_RETRY_CODES = (ErrorCode.UNAVAILABLE,)


class _FlushMarker:
    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = threading.Event()


class MetricWriter:
    """Writes queued metric points of one store from a daemon thread."""

    def __init__(
        self,
        store: TrackingStore,
        interval: float = 0.25,
        batch_size: int = 20_000,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.store = store
        self.interval = interval
        self.batch_size = batch_size
        self.heartbeat = heartbeat if heartbeat is not None else Heartbeat(store.database)
        self._queue: deque[MetricPoint | _FlushMarker] = deque()
        self._wake = threading.Event()
        self._closed = False
        self._busy = False  # set before the writer takes points, cleared once they are stored
        self._failures: list[str] = []
        self._failures_lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="mlops-metric-writer", daemon=True)
        self._thread.start()

    def add(self, point: MetricPoint) -> None:
        """Queue one validated point (the hot path: no lock, no I/O)."""
        queue = self._queue
        queue.append(point)
        if len(queue) >= self.batch_size:
            self._wake.set()

    def add_many(self, points: Sequence[MetricPoint]) -> None:
        """Queue several validated points."""
        self._queue.extend(points)
        if len(self._queue) >= self.batch_size:
            self._wake.set()

    @property
    def pending(self) -> int:
        """How many points wait to be written."""
        return sum(1 for item in self._queue if not isinstance(item, _FlushMarker))

    def flush(self, timeout: float | None = None) -> None:
        """Block until every point queued before this call is stored.

        Raises `MLOpsError` if the store refused some points for good since the last flush,
        or UNAVAILABLE if `timeout` passed first (the points stay queued).
        """
        if not self._thread.is_alive():
            self._write_all_now()
        elif not self._queue and not self._busy:
            pass  # nothing queued and nothing being written: all is stored already
        else:
            marker = _FlushMarker()
            self._queue.append(marker)
            self._wake.set()
            if not marker.done.wait(timeout):
                raise MLOpsError(
                    f"metrics not yet written after {timeout} s; they stay queued",
                    ErrorCode.UNAVAILABLE,
                )
        with self._failures_lock:
            failures, self._failures = self._failures, []
        if failures:
            raise MLOpsError("; ".join(failures), ErrorCode.CONFLICT, "metrics")

    def close(self, timeout: float | None = 60.0) -> None:
        """Flush and stop the thread."""
        try:
            self.flush(timeout)
        finally:
            self._closed = True
            self._wake.set()
            self._thread.join(timeout=5)

    # --- the writer thread -------------------------------------------------------------

    def _loop(self) -> None:
        # A writer starting is when runs left RUNNING by a killed process are noticed.
        reap_quietly(self.store.database)
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self._drain()
            self.heartbeat.tick()
            if self._closed and not self._queue:
                return

    def _drain(self) -> None:
        """Write everything queued now, in batches; release flush markers in order."""
        batch: list[MetricPoint] = []
        queue = self._queue
        self._busy = True
        try:
            self._drain_queue(queue, batch)
        finally:
            self._busy = False

    def _drain_queue(
        self, queue: deque[MetricPoint | _FlushMarker], batch: list[MetricPoint]
    ) -> None:
        while queue:
            item = queue.popleft()
            if isinstance(item, _FlushMarker):
                self._write(batch)
                batch = []
                item.done.set()
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                self._write(batch)
                batch = []
        self._write(batch)

    def _write_all_now(self) -> None:
        # The thread is gone (interpreter shutdown, or a forked child): write synchronously.
        self._drain()

    def _write(self, batch: list[MetricPoint]) -> None:
        if not batch:
            return
        if self._store_retrying(batch) is None:
            self.heartbeat.flushed()
            return
        # One bad run (e.g. deleted from the store) must not take the others' points with it.
        by_run: dict[str, list[MetricPoint]] = {}
        for point in batch:
            by_run.setdefault(point[0], []).append(point)
        for run_id, points in by_run.items():
            self._write_isolating(run_id, points)

    def _store_retrying(self, points: list[MetricPoint]) -> Exception | None:
        """Store `points` in one transaction, waiting out a locked or unreachable store;
        returns the error that refused them for good, or None once they are stored."""
        delay = 0.05
        while True:
            try:
                self.store.log_metric_points(points)
                return None
            except MLOpsError as error:
                if error.code not in _RETRY_CODES:
                    return error
                log.warning("metric write failed (%s); retrying", error.message)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
            except Exception as error:  # the writer thread must survive anything
                log.exception("metric write failed")
                return error

    def _write_isolating(self, run_id: str, points: list[MetricPoint]) -> None:
        """Store a run's points, keeping every good one when some are refused: a run that is
        gone refuses all of them at once; otherwise halves are tried until the bad points
        are alone (about 2 log2(n) transactions for one bad point among n)."""
        error = self._store_retrying(points)
        if error is None:
            return
        if len(points) > 1 and self._run_exists(run_id):
            middle = len(points) // 2
            self._write_isolating(run_id, points[:middle])
            self._write_isolating(run_id, points[middle:])
            return
        message = error.message if isinstance(error, MLOpsError) else repr(error)
        if len(points) == 1:
            _, key, value, step, timestamp = points[0]
            what = f"metric point {key!r} (step {step}, timestamp {timestamp}, value {value})"
        else:
            what = f"{len(points)} metric points"
        with self._failures_lock:
            self._failures.append(f"{what} of run {run_id} refused: {message}")

    def _run_exists(self, run_id: str) -> bool:
        try:
            self.store.get_run(run_id)
        except NotFoundError:
            return False
        except Exception:  # unknown: keep isolating rather than refusing good points
            return True
        return True
