"""The Prometheus metrics of an endpoint worker (what `GET /metrics` answers).

Request, error, latency, row and batch-size figures updated on the request path, the served
model version, model swaps, and the request log's row counters (read from the `RequestLog` at
each scrape, so they never cost the request path anything).

One worker: one `CollectorRegistry` of its own. Several (`serve --workers N`, `prefork`): the
parent gives them a private folder (`MULTIPROC_ENV`, mode 0700, removed when serve ends) and
prometheus_client's multiprocess mode keeps each worker's values in memory-mapped files there,
so whichever worker answers `/metrics` sums them all (`MultiProcessCollector`). The request
log's counters are then copied into such values (`RequestLogMirror`) at each scrape and every
`MIRROR_S` by each worker. The parent marks a dead worker's files (`worker_exited`): its
counters still count, its "live" gauges (queued rows, the version it served) no longer do.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
MIRROR_S = 1.0  # how often each worker copies its request log's counters for the others

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)


def multiprocess_folder() -> str | None:
    """The workers' shared metrics folder, when this process is one of several workers."""
    return os.environ.get(MULTIPROC_ENV) or None


def make_multiprocess_folder() -> str:
    """In `serve`'s parent, before any worker: a private folder for the workers' metrics
    (mode 0700: other local users can neither read nor plant values), set in the environment
    the forked workers inherit."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="mlops-endpoint-metrics-")  # created 0700
    os.environ[MULTIPROC_ENV] = folder
    return folder


def worker_exited(pid: int) -> None:
    """In `serve`'s parent: a worker ended; its live gauges no longer count."""
    folder = multiprocess_folder()
    if folder is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, folder)


class Metrics:
    """The endpoint's Prometheus metrics, in a registry of its own (one worker) or summed over
    the workers' shared folder (`multiprocess_folder`).

    `request_log` returns the worker's `RequestLog` (or None when logging is off); its counters
    are exported as `mlops_endpoint_request_log_*`.
    """

    def __init__(self, request_log: Callable[[], Any] | None = None) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        folder = multiprocess_folder()
        self.registry = CollectorRegistry()
        self.mirror: RequestLogMirror | None = None
        if folder is not None:
            from prometheus_client import values
            from prometheus_client.multiprocess import MultiProcessCollector

            if values.ValueClass is values.MutexValue:  # imported before the folder was set
                values.ValueClass = values.MultiProcessValue()
            MultiProcessCollector(self.registry, path=folder)
            own: Any = None  # the values live in the folder: registering them would count twice
        else:
            own = self.registry
        self.requests = Counter(
            "mlops_endpoint_requests",
            "Requests by route and status",
            ["route", "status"],
            registry=own,
        )
        self.errors = Counter(
            "mlops_endpoint_errors",
            "Requests answered with a 4xx or 5xx",
            ["route", "status"],
            registry=own,
        )
        self.latency = Histogram(
            "mlops_endpoint_request_latency_seconds",
            "Prediction request latency",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=own,
        )
        self.rows = Counter("mlops_endpoint_rows", "Rows predicted", registry=own)
        self.batch_rows = Histogram(
            "mlops_endpoint_batch_rows",
            "Rows per model call",
            buckets=BATCH_BUCKETS,
            registry=own,
        )
        self.version = Gauge(
            "mlops_endpoint_model_version",
            "The model version served",
            registry=own,
            multiprocess_mode="livemostrecent",  # the last worker to load one says
        )
        self.swaps = Counter(
            "mlops_endpoint_model_swaps", "Model versions swapped in", registry=own
        )
        self.restarts = Gauge(
            "mlops_endpoint_restarts",
            "Times the supervisor restarted this endpoint after its process died",
            registry=own,
            multiprocess_mode="livemax",
        )
        self._children: dict[tuple[str, int], tuple[Any, Any, Any]] = {}
        log_of = request_log or (lambda: None)
        if folder is None:
            self.registry.register(RequestLogCollector(log_of))
        else:
            self.mirror = RequestLogMirror(log_of)

    def observe(self, route: str, status: int, seconds: float) -> None:
        """Count one scoring request by route and status (and as an error from 400), and time
        it. The labelled children are looked up once per (route, status): `labels()` checks
        and locks on every call, a few microseconds each on the request path."""
        children = self._children.get((route, status))
        if children is None:
            label = str(status)
            children = self._children[(route, status)] = (
                self.requests.labels(route, label),
                self.errors.labels(route, label) if status >= 400 else None,
                self.latency.labels(route),
            )
        requests, errors, latency = children
        requests.inc()
        if errors is not None:
            errors.inc()
        latency.observe(seconds)

    def sync(self) -> None:
        """Copy this worker's request log counters where the other workers read them."""
        if self.mirror is not None:
            self.mirror.sync()

    def exposition(self) -> bytes:
        """The Prometheus text of every worker (this worker's counters copied first)."""
        from prometheus_client import generate_latest

        self.sync()
        return bytes(generate_latest(self.registry))


class RequestLogCollector:
    """The request log's counters, read at scrape time (zeros when the log is off)."""

    def __init__(self, request_log: Callable[[], Any]) -> None:
        self.request_log = request_log

    def describe(self) -> list[Any]:
        """No fixed description: the registry calls `collect` at each scrape."""
        return []

    def collect(self) -> Iterator[Any]:
        """The `mlops_endpoint_request_log_*` families."""
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        request_log = self.request_log()
        counts = request_log.counts() if request_log is not None else None
        prefix = "mlops_endpoint_request_log_"
        figures = (
            ("rows", "Rows handed to the request log", "recorded_rows"),
            ("written_rows", "Rows written to the request log's files", "logged_rows"),
            (
                "sampled_out_rows",
                "Rows not logged because the queue was full (overload sampling)",
                "sampled_out_rows",
            ),
        )
        for name, text, field in figures:
            value = getattr(counts, field) if counts is not None else 0
            yield CounterMetricFamily(prefix + name, text, value=value)
        gauges = (
            ("queued_rows", "Rows waiting for the request log's writer", "queued_rows", 0),
            (
                "keep_rate",
                "Share of served rows the request log keeps now (1: all, below: sampling)",
                "keep_rate",
                1.0,
            ),
            (
                "dropped_rows",
                "Rows kept for the request log but lost: a file could not be written",
                "dropped_rows",
                0,
            ),
        )
        for name, text, field, default in gauges:
            value = getattr(counts, field) if counts is not None else default
            yield GaugeMetricFamily(prefix + name, text, value=value)


class RequestLogMirror:
    """The request log's counters as multiprocess values, so that every worker's sum: counters
    grow by what the log counted since the last copy; gauges are set (queued rows and the
    keep-rate for live workers only)."""

    def __init__(self, request_log: Callable[[], Any]) -> None:
        from prometheus_client import Counter, Gauge

        self.request_log = request_log
        prefix = "mlops_endpoint_request_log_"
        self.counters = {
            field: Counter(prefix + name, text, registry=None)
            for name, text, field in (
                ("rows", "Rows handed to the request log", "recorded_rows"),
                ("written_rows", "Rows written to the request log's files", "logged_rows"),
                ("sampled_out_rows", "Rows not logged because the queue was full (overload "
                 "sampling)", "sampled_out_rows"),
            )
        }  # fmt: skip
        self.copied = dict.fromkeys(self.counters, 0)
        self.queued = Gauge(prefix + "queued_rows", "Rows waiting for the request log's writer",
                            registry=None, multiprocess_mode="livesum")  # fmt: skip
        self.keep_rate = Gauge(prefix + "keep_rate", "Share of served rows the request log "
                               "keeps now (1: all, below: sampling)", registry=None,
                               multiprocess_mode="livemin")  # fmt: skip
        self.keep_rate.set(1.0)
        self.dropped = Gauge(prefix + "dropped_rows", "Rows kept for the request log but lost: "
                             "a file could not be written", registry=None,
                             multiprocess_mode="sum")  # fmt: skip

    def sync(self) -> None:
        """Copy the log's counts now (no log: nothing to copy)."""
        request_log = self.request_log()
        if request_log is None:
            return
        counts = request_log.counts()
        for field, counter in self.counters.items():
            value = getattr(counts, field)
            if value > self.copied[field]:
                counter.inc(value - self.copied[field])
                self.copied[field] = value
        self.queued.set(counts.queued_rows)
        self.keep_rate.set(counts.keep_rate)
        self.dropped.set(counts.dropped_rows)
