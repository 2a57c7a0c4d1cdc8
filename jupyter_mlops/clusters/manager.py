"""`ClusterManager`: starts, scales, adapts, connects and closes Dask clusters.

One manager lives in the Jupyter server (built in `handlers.setup`, closed with the server);
without a server, a kernel uses its own (`client.LocalBackend`). Its async methods may be
awaited from any event loop: the work runs on the manager's own loop thread (`LoopThread`),
so every cluster, scheduler comm and adaptive controller shares one loop and no lock.

The manager keeps the records and the current cluster; what a start builds is in
`cluster_start.py`, a cluster's live status in `live_status.py`, the size ceilings in
`size_limits.py`, dashboard links and proxy keys in `dashboard_links.py`, and what a client
needs to connect in `client_connection.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

from traitlets import Dict, Float, Integer, Unicode
from traitlets.config import LoggingConfigurable

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from . import gateway, size_limits
from .client_connection import client_connection
from .cluster_record import ManagedCluster, maybe_await
from .cluster_start import build_cluster, plan_start
from .dashboard_links import (
    DashboardKeys,
    dashboard_links,
    served_dashboard_ports,
    served_dashboard_url,
)
from .entities import (
    AdaptRange,
    ClusterConnection,
    ClusterInfo,
    ClusterKind,
    ClusterLimits,
    ClusterList,
    StartCluster,
)
from .factory import ClusterFactory, resolve_factory
from .gpus import gpu_environment
from .live_status import describe_cluster
from .loop import LoopThread


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

    max_workers = Integer(
        0,
        help="Most workers a start, scale or adapt may ask for (per cluster). 0: the number of "
        "CPUs of this machine. Raise it for a configured class that runs workers elsewhere.",
    ).tag(config=True)

    max_threads = Integer(
        0, help="Most threads per worker a start may ask for. 0: the number of CPUs."
    ).tag(config=True)

    max_memory = Integer(
        0, help="Most memory per worker, in bytes, a start may ask for. 0: this machine's memory."
    ).tag(config=True)

    gateway_gpu_option = Unicode(
        "gpus",
        help="The Dask Gateway cluster option a start's `gpus` sets (the deployment's "
        "`c.Backend.cluster_options` names it, e.g. 'worker_gpus').",
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loop = LoopThread()
        self._clusters: dict[str, ManagedCluster] = {}
        self._current: str | None = None
        # Gateway clusters stopped from here: the gateway may still report them RUNNING while
        # it stops them, and a list racing the stop must not adopt them again.
        self._stopped_gateway_names: set[str] = set()
        self._counter = 0
        self._dashboard_keys = DashboardKeys()
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
            return await self.connect(request.address, request.name, request.dashboard)
        self.check_request(request)
        return await self._loop.run(self._start(request))

    async def connect(
        self, address: str, name: str | None = None, dashboard: str | None = None
    ) -> ClusterInfo:
        """Register a running scheduler; 400 naming `address` when none answers there.

        `dashboard`: its dashboard URL, which the Lab opens directly (never proxied).
        """
        return await self._loop.run(self._connect(address, name, dashboard))

    async def scale(self, cluster_id: str, workers: int) -> ClusterInfo:
        """Scale to `workers` (stops adaptive scaling)."""
        size_limits.check_workers(workers, "workers", self.limits())
        return await self._loop.run(self._scale(cluster_id, workers))

    async def adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        """Scale adaptively between the bounds."""
        size_limits.check_workers(bounds.maximum, "adapt.maximum", self.limits())
        return await self._loop.run(self._adapt(cluster_id, bounds))

    async def make_current(self, cluster_id: str) -> ClusterInfo:
        """Make this cluster the one `get_client()` returns."""
        return await self._loop.run(self._make_current(cluster_id))

    async def close(self, cluster_id: str) -> ClusterInfo:
        """Close a cluster we started, or forget one connected by address (left running)."""
        return await self._loop.run(self._close(cluster_id))

    async def dashboard_url(self, cluster_id: str) -> str:
        """`http://127.0.0.1:<port>` of the dashboard of a cluster whose scheduler this process
        started, at the port it bound: the only targets the server's proxy forwards to."""
        return await self._loop.run(self._dashboard_url(cluster_id))

    async def dashboard_ports(self) -> dict[str, int]:
        """`{cluster id: port}` of every running cluster whose dashboard the proxy serves (its
        scheduler in this process, on the loopback, at the port it bound)."""
        return await self._loop.run(self._dashboard_ports())

    def dashboard_key(self, cluster_id: str) -> str:
        """The path key that opens this cluster's proxied dashboard (see `dashboard.py`)."""
        return self._dashboard_keys.key(cluster_id)

    def dashboard_root(self, cluster_id: str) -> str:
        """Where the server proxies this cluster's dashboard, relative to the base URL (no
        trailing slash): `mlops/api/clusters/{id}/dashboard/{key}` (see `dashboard.py`)."""
        return self._dashboard_keys.root(cluster_id)

    def dashboard_key_matches(self, cluster_id: str, key: str) -> bool:
        """Whether `key` is this cluster's dashboard key (constant-time)."""
        return self._dashboard_keys.matches(cluster_id, key)

    async def connection(self, cluster_id: str) -> ClusterConnection:
        """The address and TLS credentials a client needs (only for authenticated callers)."""
        return await self._loop.run(self._connection(cluster_id))

    def limits(self) -> ClusterLimits:
        """The configured ceilings (0 in a traitlet means: what this machine has)."""
        return size_limits.configured_limits(self.max_workers, self.max_threads, self.max_memory)

    def check_request(self, request: StartCluster) -> None:
        """Refuse sizes beyond the limits with a 400 naming the field."""
        size_limits.check_request(request, self.limits())

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
        await self._adopt_gateway_clusters()
        infos = await asyncio.gather(*(self._describe(r) for r in list(self._clusters.values())))
        factory = self.factory()
        return ClusterList(
            clusters=list(infos),
            current=self._current,
            gpus=await asyncio.to_thread(gpu_environment),
            factory=factory.info(),
            limits=self.limits(),
            local=self.local,
        )

    async def _adopt_gateway_clusters(self) -> None:
        """Add the same user's running gateway clusters started elsewhere (a notebook, another
        server, the dask-gateway CLI), so they are listed, scaled and stopped here too."""
        factory = self.factory()
        if not gateway.is_gateway(factory.class_path):
            return
        known = {str(getattr(r.cluster, "name", "")) for r in self._clusters.values() if r.cluster}
        try:
            found = await gateway.running_elsewhere(
                factory.kwargs, known | self._stopped_gateway_names
            )
        except Exception as exc:  # the gateway down: list what we have, say why in the log
            self.log.warning("could not list the gateway's clusters: %s", exc)
            return
        for cluster in found:
            if cluster.name in self._stopped_gateway_names:  # stopped while the list was asked
                with contextlib.suppress(Exception):
                    await maybe_await(cluster.close())
                continue
            record = self._new_record("configured", factory.class_path, None)
            record.name = f"Gateway cluster {cluster.name[:8]}"
            record.cluster, record.address = cluster, cluster.scheduler_address
            record.comm, record.state = cluster.scheduler_comm, "running"
            record.security = gateway.cluster_security(cluster)

    async def _start(self, request: StartCluster) -> ClusterInfo:
        plan = await plan_start(request, self.factory(), self.gateway_gpu_option)
        record = self._new_record(plan.kind, plan.class_path, request.name)
        await build_cluster(record, plan, request, self.log)
        self._current = record.id
        self.log.info("started cluster %s (%s) at %s", record.id, plan.class_path, record.address)
        return await self._describe(record)

    async def _connect(self, address: str, name: str | None, dashboard: str | None) -> ClusterInfo:
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
        record.direct_dashboard = dashboard
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

    async def _make_current(self, cluster_id: str) -> ClusterInfo:
        record = self._record(cluster_id)
        self._current = record.id
        return await self._describe(record)

    async def _scale(self, cluster_id: str, workers: int) -> ClusterInfo:
        record = self._scalable(cluster_id)
        size_limits.check_gpu_size(record.gpu_indexes, workers, "workers")
        if record.adaptive is not None:
            record.adaptive.stop()
            record.adaptive = record.adapt = None
        await maybe_await(record.cluster.scale(workers))
        return await self._describe(record)

    async def _adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        record = self._scalable(cluster_id)
        size_limits.check_gpu_size(record.gpu_indexes, bounds.maximum, "adapt.maximum")
        record.adaptive = record.cluster.adapt(minimum=bounds.minimum, maximum=bounds.maximum)
        record.adapt = bounds
        return await self._describe(record)

    async def _close(self, cluster_id: str) -> ClusterInfo:
        record = self._record(cluster_id)
        info = await self._describe(record)
        if gateway.is_gateway(record.class_path) and record.cluster is not None:
            # Stop means stop on the gateway, also for a cluster adopted from elsewhere
            # (closing one only disconnects from it).
            self._stopped_gateway_names.add(str(record.cluster.name))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(record.cluster.shutdown(), self.close_timeout)
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
                await asyncio.wait_for(maybe_await(record.cluster.close()), timeout)
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

    async def _describe(self, record: ManagedCluster, probe: bool = True) -> ClusterInfo:
        return await describe_cluster(
            record,
            current=record.id == self._current,
            status_timeout=self.status_timeout,
            dashboard_links=self._dashboard_links,
            probe=probe,
        )

    def _dashboard_links(self, record: ManagedCluster) -> dict[str, str | None]:
        return dashboard_links(record, self._dashboard_keys, self.local)

    async def _dashboard_url(self, cluster_id: str) -> str:
        return served_dashboard_url(self._record(cluster_id))

    async def _dashboard_ports(self) -> dict[str, int]:
        return served_dashboard_ports(self._clusters.values())

    async def _connection(self, cluster_id: str) -> ClusterConnection:
        record = self._record(cluster_id)
        return client_connection(record, self._dashboard_links(record))
