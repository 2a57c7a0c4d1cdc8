"""A cluster's live `ClusterInfo`: its record, then its scheduler asked for `identity()`.

Status is probed, not assumed: a scheduler that does not answer within the manager's
`status_timeout` shows as `lost`, with the reason. What the identity says becomes workers
and sums in `describe.py` (pure); the dashboard links come from `dashboard_links.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .cluster_record import ManagedCluster
from .describe import connect_code, describe_workers
from .entities import AdaptState, ClusterInfo
from .gpus import gpu_info


async def scheduler_identity(record: ManagedCluster, timeout: float) -> dict[str, Any]:
    """The scheduler's `identity()` within `timeout`; raises when the cluster or it is gone."""
    status = getattr(getattr(record.cluster, "status", None), "name", "running")
    if status in ("failed", "closed", "closing"):
        raise RuntimeError(f"the cluster object is {status}")
    identity: dict[str, Any] = await asyncio.wait_for(record.comm.identity(), timeout)
    return identity


async def describe_cluster(
    record: ManagedCluster,
    *,
    current: bool,
    status_timeout: float,
    dashboard_links: Callable[[ManagedCluster], dict[str, str | None]],
    probe: bool = True,
) -> ClusterInfo:
    """The cluster as the API shows it; with `probe`, a running one's scheduler is asked."""
    info = ClusterInfo(
        id=record.id,
        name=record.name,
        kind=record.kind,
        cluster_class=record.class_path,
        status=record.state,
        error=record.error,
        scheduler_address=record.address,
        started=record.started,
        adapt=AdaptState(**record.adapt.model_dump()) if record.adapt else None,
        secured=record.security is not None,
        current=current,
        connect_code=connect_code(record.id, record.name, record.address),
    )
    if record.state != "running" or not probe:
        return info
    try:
        identity = await scheduler_identity(record, status_timeout)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return info.model_copy(
            update={"status": "lost", "error": f"the scheduler does not answer ({reason})"}
        )
    workers = await asyncio.to_thread(describe_workers, identity, record.gpu_indexes, gpu_info)
    spec = getattr(record.cluster, "worker_spec", None)
    return info.model_copy(
        update={
            "workers": workers,
            "requested_workers": len(spec) if isinstance(spec, dict) else None,
            "threads": sum(w.threads for w in workers),
            "memory_limit": sum(w.memory_limit for w in workers),
            "memory_used": sum(w.memory_used for w in workers),
            "gpus": sum(1 for w in workers if w.gpu is not None),
            **dashboard_links(record),
        }
    )
