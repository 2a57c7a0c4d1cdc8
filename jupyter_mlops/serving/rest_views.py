"""The REST answers of the registry and endpoints that combine several reads.

An endpoint with the version its record resolves to now, a model with its versions and
endpoints, and two versions side by side with their runs' latest metrics (from tracking, when
the server has it). Blocking: handlers run them with `run_blocking`.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from ..core.errors import MLOpsError
from . import api_models as api
from .entities import Endpoint
from .model_uri import ModelRef
from .registrations import list_registrations
from .registry import ModelRegistry


def endpoint_out(registry: ModelRegistry, endpoint: Endpoint) -> api.EndpointOut:
    """An endpoint with the version its record resolves to now."""
    try:
        serving = registry.endpoint_version(endpoint.name)
    except MLOpsError:
        serving = None
    return api.endpoint_out(endpoint, serving)


def endpoint_list(registry: ModelRegistry) -> api.EndpointList:
    """The Lab's endpoints with their process state, and the endpoint processes started
    elsewhere that registered themselves (`registrations`: a terminal, a container, a pod)."""
    return api.EndpointList(
        endpoints=[endpoint_out(registry, e) for e in registry.list_endpoints()],
        external=[api.registered_out(r) for r in list_registrations(registry.database, "external")],
    )


def model_detail(registry: ModelRegistry, name: str) -> api.ModelDetail:
    """A model with its versions and endpoints."""
    model = registry.get_model(name)
    endpoints = [e for e in registry.list_endpoints() if e.model_name == name]
    return api.ModelDetail(
        **asdict(model),
        versions=registry.list_versions(name),
        endpoints=[endpoint_out(registry, e) for e in endpoints],
    )


def _metric_value(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _run_metrics(tracking: Any, run_id: str | None) -> dict[str, float]:
    """A run's latest metric values; none when there is no run, no tracking or it was deleted."""
    if run_id is None or tracking is None:
        return {}
    try:
        return dict(tracking.get_run(run_id).metrics)
    except MLOpsError:
        return {}


def compare_versions(
    registry: ModelRegistry, tracking: Any, name: str, number: int, to: int
) -> api.VersionComparison:
    """Version `number` beside version `to`: both records and their runs' metrics."""
    version = registry.get_version(ModelRef(name, version=number))
    other = registry.get_version(ModelRef(name, version=to))
    mine, theirs = _run_metrics(tracking, version.run_id), _run_metrics(tracking, other.run_id)
    return api.VersionComparison(
        version=version,
        to=other,
        metrics=[
            api.MetricPair(
                key=key,
                value=_metric_value(mine.get(key)),
                to_value=_metric_value(theirs.get(key)),
            )
            for key in sorted(set(mine) | set(theirs))
        ],
    )
