"""`ClusterManager`: starts, scales, adapts, connects and closes Dask clusters.

One manager lives in the Jupyter server (built in `handlers.setup`, closed with the server);
without a server, a kernel uses its own (`client.LocalBackend`). Its async methods may be
awaited from any event loop: the work runs on the manager's own loop thread (`LoopThread`),
so every cluster, scheduler comm and adaptive controller shares one loop and no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any, Literal

from traitlets import Dict, Float, Unicode
from traitlets.config import LoggingConfigurable

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from .describe import connect_code, dashboard_port, describe_workers
from .factory import ClusterFactory, plan_cluster, resolve_factory
from .gpus import gpu_environment, gpu_info, select_gpus
from .loop import LoopThread
from .api_models import (
    AdaptRange,
    AdaptState,
    ClusterInfo,
    ClusterKind,
    ClusterList,
    StartCluster,
)


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
    dashboard: str | None = None


class ClusterManager(LoggingConfigurable):
    """Every Dask cluster of one process, by id, with the 'current' one `get_client` uses."""

    cluster_class = Unicode(
        "",
        help="Dotted path of the cluster class for starts without GPUs (e.g. "
        "dask_jobqueue.SLURMCluster). Empty: the dask config key jupyter-mlops.cluster.factory, "
        "else distributed.LocalCluster.",
    ).tag(config=True)

    cluster_kwargs = Dict(
        help="Keyword arguments always given to cluster_class (e.g. {'cores': 8})."
    ).tag(config=True)

    status_timeout = Float(
        3.0, help="Seconds a scheduler has to answer before its cluster shows as lost."
    ).tag(config=True)

    close_timeout = Float(30.0, help="Seconds a cluster has to close.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loop = LoopThread()
        self._clusters: dict[str, ManagedCluster] = {}
        self._current: str | None = None
        self._counter = 0
        self.local = False

    # ---- public API: awaitable from any loop ------------------------------------------

    def factory(self) -> ClusterFactory:
        """The cluster class a start without GPUs uses (traitlet, dask config, default)."""
        return resolve_factory(self.cluster_class, dict(self.cluster_kwargs))

    async def list(self) -> ClusterList:
        """Every cluster with its live state, which one is current, and what a start can use."""
        return await self._loop.run(self._list())

    async def get(self, cluster_id: str) -> ClusterInfo:
        """One cluster with its live state; 404 naming `id` when unknown."""
        return await self._loop.run(self._describe(self._record(cluster_id)))

    async def start(self, request: StartCluster) -> ClusterInfo:
        """Start a cluster (or connect, when `request.address` is set) and make it current."""
        if request.address is not None:
            return await self.connect(request.address, request.name)
        return await self._loop.run(self._start(request))

    async def connect(self, address: str, name: str | None = None) -> ClusterInfo:
        """Register a running scheduler; 400 naming `address` when none answers there."""
        return await self._loop.run(self._connect(address, name))

    async def scale(self, cluster_id: str, workers: int) -> ClusterInfo:
        """Scale to `workers` (stops adaptive scaling)."""
        return await self._loop.run(self._scale(cluster_id, workers))

    async def adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        """Scale adaptively between the bounds."""
        return await self._loop.run(self._adapt(cluster_id, bounds))

    async def make_current(self, cluster_id: str) -> ClusterInfo:
        """Make this cluster the one `get_client()` returns."""
        return await self._loop.run(self._make_current(cluster_id))

    async def close(self, cluster_id: str) -> ClusterInfo:
        """Close a cluster we started, or forget one connected by address (left running)."""
        return await self._loop.run(self._close(cluster_id))

    async def dashboard_url(self, cluster_id: str) -> str:
        """`http://host:port` of the cluster's dashboard, for the server's proxy."""
        return await self._loop.run(self._dashboard_url(cluster_id))

    async def shutdown(self) -> None:
        """Close every cluster, then stop the loop thread (the server's teardown)."""
        if not self._loop.running:
            return
        await self._loop.run(self._close_all())
        self._loop.stop()

    def shutdown_sync(self) -> None:
        """`shutdown` for plain threads (a kernel's atexit)."""
        if self._loop.running:
            self._loop.run_sync(self._close_all(), timeout=self.close_timeout + 5)
            self._loop.stop()

    def run_sync(self, coro: Any, timeout: float | None = None) -> Any:
        """Run one of the async methods above from a plain thread (a kernel)."""
        return asyncio.run_coroutine_threadsafe(self._awaited(coro), self._loop.loop).result(
            timeout
        )

    # ---- implementation: runs on the manager's loop -----------------------------------

    @staticmethod
    async def _awaited(coro: Any) -> Any:
        return await coro

    def _record(self, cluster_id: str) -> ManagedCluster:
        record = self._clusters.get(cluster_id)
        if record is None:
            raise NotFoundError(f"id: no cluster {cluster_id!r}", field="id")
        return record

    def _new_record(self, kind: ClusterKind, class_path: str, name: str | None) -> ManagedCluster:
        self._counter += 1
        short = class_path.rpartition(".")[2]
        record = ManagedCluster(
            id=uuid.uuid4().hex[:8],
            name=name or f"{short} {self._counter}",
            kind=kind,
            class_path=class_path,
        )
        self._clusters[record.id] = record
        return record

    async def _list(self) -> ClusterList:
        infos = await asyncio.gather(*(self._describe(r) for r in list(self._clusters.values())))
        factory = self.factory()
        return ClusterList(
            clusters=list(infos),
            current=self._current,
            gpus=await asyncio.to_thread(gpu_environment),
            factory=factory.info(),
            local=self.local,
        )

    async def _start(self, request: StartCluster) -> ClusterInfo:
        gpus = select_gpus(request.gpu_count) if request.gpu_count is not None else None
        plan = plan_cluster(request, self.factory(), gpus)
        record = self._new_record(plan.kind, plan.class_path, request.name)
        record.gpu_indexes = plan.gpu_indexes
        try:
            cluster = await plan.cls(**plan.kwargs, asynchronous=True)
            record.cluster = cluster
            record.address = cluster.scheduler_address
            record.comm = cluster.scheduler_comm
            if plan.scale_to is not None and request.adapt is None:
                await _maybe_await(cluster.scale(plan.scale_to))
            if request.adapt is not None:
                record.adaptive = cluster.adapt(
                    minimum=request.adapt.minimum, maximum=request.adapt.maximum
                )
                record.adapt = request.adapt
        except MLOpsError:
            raise
        except Exception as exc:
            record.state = "failed"
            record.error = f"{type(exc).__name__}: {exc}"
            self.log.warning("cluster %s (%s) did not start: %s", record.id, plan.class_path, exc)
            if record.cluster is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(_maybe_await(record.cluster.close()), 10)
            raise MLOpsError(
                f"the {plan.class_path} cluster did not start: {record.error}",
                ErrorCode.UNAVAILABLE,
            ) from exc
        record.state = "running"
        self._current = record.id
        self.log.info("started cluster %s (%s) at %s", record.id, plan.class_path, record.address)
        return await self._describe(record)

    async def _connect(self, address: str, name: str | None) -> ClusterInfo:
        from distributed.core import rpc

        for record in self._clusters.values():
            if record.address == address:
                self._current = record.id
                return await self._describe(record)
        comm = rpc(address)
        try:
            await asyncio.wait_for(comm.identity(), self.status_timeout)
        except Exception as exc:
            await comm.close_rpc()
            raise MLOpsError(
                f"address: no Dask scheduler answers at {address} ({type(exc).__name__}: {exc})",
                field="address",
            ) from None
        record = self._new_record("connected", "distributed.Scheduler", name)
        if name is None:
            record.name = f"Scheduler at {address.split('://')[-1]}"
        record.address, record.comm, record.state = address, comm, "running"
        self._current = record.id
        return await self._describe(record)

    def _scalable(self, cluster_id: str) -> ManagedCluster:
        record = self._record(cluster_id)
        if record.cluster is None:
            raise MLOpsError(
                "id: a cluster connected by address is scaled where it was started",
                ErrorCode.CONFLICT,
                field="id",
            )
        if record.state != "running":
            raise MLOpsError(f"id: the cluster is {record.state}", ErrorCode.CONFLICT, field="id")
        return record

    def _check_gpu_size(self, record: ManagedCluster, workers: int, field: str) -> None:
        if record.gpu_indexes and workers > len(record.gpu_indexes):
            raise MLOpsError(
                f"{field}: a GPU cluster has at most one worker per GPU "
                f"({len(record.gpu_indexes)})",
                field=field,
            )

    async def _make_current(self, cluster_id: str) -> ClusterInfo:
        record = self._record(cluster_id)
        self._current = record.id
        return await self._describe(record)

    async def _scale(self, cluster_id: str, workers: int) -> ClusterInfo:
        record = self._scalable(cluster_id)
        self._check_gpu_size(record, workers, "workers")
        if record.adaptive is not None:
            record.adaptive.stop()
            record.adaptive = record.adapt = None
        await _maybe_await(record.cluster.scale(workers))
        return await self._describe(record)

    async def _adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        record = self._scalable(cluster_id)
        self._check_gpu_size(record, bounds.maximum, "adapt.maximum")
        record.adaptive = record.cluster.adapt(minimum=bounds.minimum, maximum=bounds.maximum)
        record.adapt = bounds
        return await self._describe(record)

    async def _close(self, cluster_id: str) -> ClusterInfo:
        record = self._record(cluster_id)
        info = await self._describe(record)
        # A cluster whose scheduler is gone cannot close cleanly: give it a few seconds only.
        await self._close_record(record, self.close_timeout if info.status == "running" else 5)
        del self._clusters[record.id]
        if self._current == record.id:
            remaining = sorted(self._clusters.values(), key=lambda r: r.started)
            running = [r for r in remaining if r.state == "running"]
            self._current = running[-1].id if running else None
        return info.model_copy(
            update={"status": "closed", "workers": [], "current": False, "error": None}
        )

    async def _close_record(self, record: ManagedCluster, timeout: float) -> None:
        with contextlib.suppress(Exception):
            if record.adaptive is not None:
                record.adaptive.stop()
        try:
            if record.cluster is not None:
                await asyncio.wait_for(_maybe_await(record.cluster.close()), timeout)
            elif record.comm is not None:
                await record.comm.close_rpc()
        except Exception as exc:  # a lost scheduler may not close cleanly; forget it anyway
            self.log.warning("cluster %s did not close cleanly: %s", record.id, exc)
        self.log.info("closed cluster %s (%s)", record.id, record.name)

    async def _close_all(self) -> None:
        for record in list(self._clusters.values()):
            await self._close_record(record, self.close_timeout)
        self._clusters.clear()
        self._current = None

    async def _identity(self, record: ManagedCluster) -> dict[str, Any]:
        status = getattr(getattr(record.cluster, "status", None), "name", "running")
        if status in ("failed", "closed", "closing"):
            raise RuntimeError(f"the cluster object is {status}")
        identity: dict[str, Any] = await asyncio.wait_for(
            record.comm.identity(), self.status_timeout
        )
        return identity

    async def _describe(self, record: ManagedCluster, probe: bool = True) -> ClusterInfo:
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
            current=record.id == self._current,
            connect_code=connect_code(record.id, record.name, record.address),
        )
        if record.state != "running" or not probe:
            return info
        try:
            identity = await self._identity(record)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return info.model_copy(
                update={"status": "lost", "error": f"the scheduler does not answer ({reason})"}
            )
        port = dashboard_port(identity)
        if port is not None:
            host = record.address.split("://")[-1].rsplit(":", 1)[0] if record.address else ""
            record.dashboard = f"http://{host or '127.0.0.1'}:{port}"
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
                "dashboard_path": (
                    f"mlops/api/clusters/{record.id}/dashboard/status" if record.dashboard else None
                ),
                "dashboard_url": (
                    f"{record.dashboard}/status" if record.dashboard and self.local else None
                ),
            }
        )

    async def _dashboard_url(self, cluster_id: str) -> str:
        record = self._record(cluster_id)
        if record.dashboard is None:
            await self._describe(record)
        if record.dashboard is None:
            raise NotFoundError(f"id: cluster {cluster_id} serves no dashboard", field="id")
        return record.dashboard


async def _maybe_await(value: Any) -> Any:
    return await value if isawaitable(value) else value
