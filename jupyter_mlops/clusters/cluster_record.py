"""`ManagedCluster`: the manager's record of one cluster it started or connected to.

The manager keeps one per cluster, by id, and changes them on its own loop only; the
modules that describe a cluster (`live_status.py`, `dashboard_links.py`) read them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any, Literal

from .entities import AdaptRange, ClusterKind


@dataclass
class ManagedCluster:
    """The manager's record of one cluster; `cluster` is None when connected by address."""

    id: str
    name: str
    kind: ClusterKind
    class_path: str
    started: float = field(default_factory=time.time)
    state: Literal["starting", "running", "failed"] = "starting"
    error: str | None = None
    cluster: Any = None
    address: str | None = None
    comm: Any = None
    adaptive: Any | None = None
    adapt: AdaptRange | None = None
    gpu_indexes: list[int] = field(default_factory=list)
    security: Any = None
    """The `distributed.Security` of a scheduler we started with TLS (its credentials)."""
    direct_dashboard: str | None = None
    """The dashboard URL given at connect: opened directly, never proxied."""


async def maybe_await(value: Any) -> Any:
    """`value`, awaited when it is awaitable: cluster classes differ in whether `scale` and
    `close` return an awaitable."""
    return await value if isawaitable(value) else value
