"""The Prometheus metrics of an endpoint worker (what `GET /metrics` answers).

One `CollectorRegistry` per worker: request, error, latency, row and batch-size figures updated
on the request path, the served model version, model swaps, and the request log's row counters
(read from the `RequestLog` at each scrape, so they never cost the request path anything).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)


class Metrics:
    """The endpoint's Prometheus metrics, in a registry of its own.

    `request_log` returns the worker's `RequestLog` (or None when logging is off); its counters
    are exported as `mlops_endpoint_request_log_*`.
    """

    def __init__(self, request_log: Callable[[], Any] | None = None) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mlops_endpoint_requests",
            "Requests by route and status",
            ["route", "status"],
            registry=self.registry,
        )
        self.errors = Counter(
            "mlops_endpoint_errors",
            "Requests answered with a 4xx or 5xx",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "mlops_endpoint_request_latency_seconds",
            "Prediction request latency",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rows = Counter("mlops_endpoint_rows", "Rows predicted", registry=self.registry)
        self.batch_rows = Histogram(
            "mlops_endpoint_batch_rows",
            "Rows per model call",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.version = Gauge(
            "mlops_endpoint_model_version", "The model version served", registry=self.registry
        )
        self.swaps = Counter(
            "mlops_endpoint_model_swaps", "Model versions swapped in", registry=self.registry
        )
        self.restarts = Gauge(
            "mlops_endpoint_restarts",
            "Times the supervisor restarted this endpoint after its process died",
            registry=self.registry,
        )
        self.registry.register(RequestLogCollector(request_log or (lambda: None)))


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
