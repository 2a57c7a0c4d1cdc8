"""Helpers for the tracking REST tests: runs written by the tracking store into the test's
store (the same SQLite file the server opened), and JSON calls and errors through `jp_fetch`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_mlops.tracking.entities import Metric
from jupyter_mlops.tracking.store import TrackingStore
from tests.support.rest import error_body


def make_run(
    store: TrackingStore,
    experiment: str,
    name: str,
    params: dict[str, Any] | None = None,
    metrics: dict[str, list[float]] | None = None,
    tags: dict[str, str] | None = None,
    status: str = "FINISHED",
    start_time: int | None = None,
    **provenance: Any,
) -> str:
    """A run with params, metric histories (one point per step) and tags; returns its id."""
    experiment_id = store.get_or_create_experiment(experiment).experiment_id
    run = store.create_run(
        experiment_id, name, params=params, tags=tags, start_time=start_time, **provenance
    )
    points = [
        Metric(key, value, step, 1_700_000_000_000 + step)
        for key, values in (metrics or {}).items()
        for step, value in enumerate(values)
    ]
    store.log_batch(run.run_id, metrics=points)
    if status != "RUNNING":
        store.update_run(run.run_id, status=status)
    return run.run_id


async def get_json(jp_fetch: Any, *path: str, **params: Any) -> Any:
    response = await jp_fetch("mlops", "api", *path, params=params or None)
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def get_runs(jp_fetch: Any, query: list[tuple[str, Any]]) -> Any:
    """GET runs; `query` is a list of pairs, so a name (`order_by`) can repeat."""
    response = await jp_fetch("mlops", "api", "runs", params=query)
    return json.loads(response.body)


async def api_error(call: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HTTPClientError) as info:
        await call
    return info.value.code, error_body(info.value)
