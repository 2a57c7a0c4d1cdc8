"""The server's HTTP calls to its endpoint processes: `/health`, `/version` (is a new token
taken?), and `/metrics` read as the live figures the Models panel polls. Each carries the
endpoint's bearer token when it has one.

`parse_stats` sums the Prometheus samples over routes and statuses: requests, errors, rows, the
served version, and latency percentiles interpolated inside the histogram's buckets.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from ..core.clock import now_ms

#: What a call to an endpoint that does not answer HTTP (yet) raises: refused or reset, no JSON,
#: or no HTTP at all (a port in the ephemeral range that nothing listens on can connect to itself
#: and read its own request back: BadStatusLine).
NO_ANSWER = (OSError, ValueError, http.client.HTTPException)


def get_json(url: str, token: str | None, timeout: float = 2.0) -> Any:
    """GET `url` (with the bearer token, if any) as parsed JSON."""
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def answers_as(url: str, instance: str) -> bool:
    """Whether the endpoint at `url` answers `/health` as ready with `instance`, the nonce its
    process was started with (`endpoint_env.INSTANCE_ENV`): False while nothing answers HTTP
    there yet, while it loads (503), or when another process answers on that port."""
    try:
        answer = get_json(f"{url}/health", None, 1.0)
    except NO_ANSWER:
        return False
    return isinstance(answer, dict) and answer.get("instance") == instance


def get_text(url: str, token: str | None, timeout: float = 2.0) -> str:
    """GET `url` (with the bearer token, if any) as text."""
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return str(response.read().decode())


def get_status(url: str, token: str | None, timeout: float = 2.0) -> int:
    """The HTTP status of GET `url` (with the bearer token, if any); OSError if no answer."""
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)


def read_stats(url: str, token: str | None) -> dict[str, Any]:
    """The endpoint at `url`'s figures (blocking); `reachable: False` when it does not answer."""
    try:
        text = get_text(f"{url}/metrics", token)
    except NO_ANSWER as exc:
        return {"reachable": False, "message": str(exc)}
    return parse_stats(text)


def parse_stats(text: str) -> dict[str, Any]:
    """The figures in a `/metrics` answer."""
    from prometheus_client.parser import text_string_to_metric_families

    requests = errors = rows = 0.0
    version = restarts = None
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "mlops_endpoint_requests_total":
                requests += sample.value
            elif sample.name == "mlops_endpoint_errors_total":
                errors += sample.value
            elif sample.name == "mlops_endpoint_rows_total":
                rows += sample.value
            elif sample.name == "mlops_endpoint_model_version":
                version = int(sample.value)
            elif sample.name == "mlops_endpoint_restarts":
                restarts = int(sample.value)
            elif sample.name == "mlops_endpoint_request_latency_seconds_bucket":
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return {
        "reachable": True,
        "requests": int(requests),
        "errors": int(errors),
        "rows": int(rows),
        "model_version": version,
        "restarts": restarts,
        "latency_p50_ms": quantile_ms(buckets, 0.5),
        "latency_p99_ms": quantile_ms(buckets, 0.99),
        "time_ms": now_ms(),
    }


def quantile_ms(buckets: dict[float, float], q: float) -> float | None:
    """A quantile in ms from cumulative histogram buckets, interpolated inside its bucket."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank = q * buckets[bounds[-1]]
    lower, below = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return lower * 1000
            share = (rank - below) / (count - below) if count > below else 1.0
            return (lower + (bound - lower) * share) * 1000
        lower, below = bound, count
    return None
