"""`ClusterManager`: starts, scales, adapts, connects and closes Dask clusters.

One manager lives in the Jupyter server (built in `handlers.setup`, closed with the server);
without a server, a kernel uses its own (`client.LocalBackend`). Its async methods may be
awaited from any event loop: the work runs on the manager's own loop thread (`LoopThread`),
so every cluster, scheduler comm and adaptive controller shares one loop and no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import secrets
import time
import uuid
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any, Literal

from traitlets import Dict, Float, Integer, Unicode
from traitlets.config import LoggingConfigurable

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from . import gateway
from .describe import connect_code, describe_workers
from .entities import (
    AdaptRange,
    AdaptState,
    ClusterConnection,
    ClusterInfo,
    ClusterKind,
    ClusterLimits,
    ClusterList,
    StartCluster,
    TLSCredentials,
)
from .factory import ClusterFactory, plan_cluster, resolve_factory
from .gpus import gpu_environment, gpu_info, select_gpus
from .loop import LoopThread


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


def _machine_memory() -> int:
    import psutil

    return int(psutil.virtual_memory().total)


def _in_process_dashboard_port(record: ManagedCluster) -> int | None:
    """The dashboard port of a scheduler we started in this process (our own object, never
    what a scheduler reports about itself), or None."""
    from distributed import Scheduler

    scheduler = getattr(record.cluster, "scheduler", None)
    if not isinstance(scheduler, Scheduler):
        return None
    server = getattr(scheduler, "http_server", None)
    port = getattr(server, "port", None) if server is not None else None
    return port if isinstance(port, int) and port > 0 else None


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
        self._dashboard_secret = secrets.token_bytes(32)
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
        self._check_workers(workers, "workers", self.limits())
        return await self._loop.run(self._scale(cluster_id, workers))

    async def adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        """Scale adaptively between the bounds."""
        self._check_workers(bounds.maximum, "adapt.maximum", self.limits())
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
        mac = hmac.new(
            self._dashboard_secret, cluster_id.encode("utf-8", "replace"), hashlib.sha256
        )
        return mac.hexdigest()[:32]

    def dashboard_root(self, cluster_id: str) -> str:
        """Where the server proxies this cluster's dashboard, relative to the base URL (no
        trailing slash): `mlops/api/clusters/{id}/dashboard/{key}` (see `dashboard.py`)."""
        return f"mlops/api/clusters/{cluster_id}/dashboard/{self.dashboard_key(cluster_id)}"

    def dashboard_key_matches(self, cluster_id: str, key: str) -> bool:
        """Whether `key` is this cluster's dashboard key (constant-time)."""
        # Bytes: compare_digest refuses str with non-ASCII characters (any URL may carry them).
        expected = self.dashboard_key(cluster_id).encode()
        return hmac.compare_digest(expected, key.encode("utf-8", "replace"))

    async def connection(self, cluster_id: str) -> ClusterConnection:
        """The address and TLS credentials a client needs (only for authenticated callers)."""
        return await self._loop.run(self._connection(cluster_id))

    def limits(self) -> ClusterLimits:
        """The configured ceilings (0 in a traitlet means: what this machine has)."""
        cpus = os.cpu_count() or 1
        return ClusterLimits(
            max_workers=self.max_workers or cpus,
            max_threads=self.max_threads or cpus,
            max_memory=self.max_memory or _machine_memory(),
        )

    def check_request(self, request: StartCluster) -> None:
        """Refuse sizes beyond the limits with a 400 naming the field."""
        limits = self.limits()
        self._check_workers(request.workers, "workers", limits)
        if request.adapt is not None:
            self._check_workers(request.adapt.maximum, "adapt.maximum", limits)
        if request.threads is not None and request.threads > limits.max_threads:
            raise MLOpsError(
                f"threads: at most {limits.max_threads} threads per worker here "
                "(ClusterManager.max_threads)",
                field="threads",
            )
        memory = request.memory_bytes
        if memory is not None and memory > limits.max_memory:
            raise MLOpsError(
                f"memory: at most {limits.max_memory} bytes per worker here "
                "(ClusterManager.max_memory)",
                field="memory",
            )

    @staticmethod
    def _check_workers(workers: int | None, field: str, limits: ClusterLimits) -> None:
        if workers is not None and workers > limits.max_workers:
            raise MLOpsError(
                f"{field}: at most {limits.max_workers} workers here (ClusterManager.max_workers)",
                field=field,
            )

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
                    await _maybe_await(cluster.close())
                continue
            record = self._new_record("configured", factory.class_path, None)
            record.name = f"Gateway cluster {cluster.name[:8]}"
            record.cluster, record.address = cluster, cluster.scheduler_address
            record.comm, record.state = cluster.scheduler_comm, "running"
            record.security = gateway.cluster_security(cluster)

    async def _start(self, request: StartCluster) -> ClusterInfo:
        factory = self.factory()
        if gateway.is_gateway(factory.class_path):
            # GPUs and other options are the gateway's to grant: they go as cluster options.
            wanted = gateway.requested_options(request, self.gateway_gpu_option)
            plan = plan_cluster(request.model_copy(update={"gpus": None}), factory, None)
            plan.kwargs["cluster_options"] = await gateway.cluster_options(plan.kwargs, wanted)
        else:
            if request.options:
                raise MLOpsError(
                    "options: cluster options are Dask Gateway's "
                    f"(MLOpsApp.cluster_backend = 'gateway'); {factory.class_path} takes none",
                    field="options",
                )
            gpus = select_gpus(request.gpu_count) if request.gpu_count is not None else None
            plan = plan_cluster(request, factory, gpus)
        record = self._new_record(plan.kind, plan.class_path, request.name)
        record.gpu_indexes = plan.gpu_indexes
        record.security = plan.security
        try:
            cluster = await plan.cls(**plan.kwargs, asynchronous=True)
            record.cluster = cluster
            record.address = cluster.scheduler_address
            record.comm = cluster.scheduler_comm
            if record.security is None:  # a gateway issues per-cluster credentials
                record.security = gateway.cluster_security(cluster)
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
            secured=record.security is not None,
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
                **self._dashboard_links(record),
            }
        )

    def _dashboard_links(self, record: ManagedCluster) -> dict[str, str | None]:
        # Proxied: only schedulers this process started, at the port it bound, on loopback.
        # Anything else is a direct link the browser opens itself, never through the server.
        port = _in_process_dashboard_port(record)
        if port is not None:
            if self.local:
                return {"dashboard_path": None, "dashboard_url": f"http://127.0.0.1:{port}/status"}
            return {
                "dashboard_path": f"{self.dashboard_root(record.id)}/status",
                "dashboard_url": None,
            }
        direct = record.direct_dashboard
        if direct is None and record.cluster is not None:
            link = getattr(record.cluster, "dashboard_link", None)
            direct = (
                link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
            )
        return {"dashboard_path": None, "dashboard_url": direct}

    async def _dashboard_url(self, cluster_id: str) -> str:
        record = self._record(cluster_id)
        port = _in_process_dashboard_port(record) if record.state == "running" else None
        if port is None:
            raise NotFoundError(
                f"id: cluster {cluster_id} has no dashboard the server serves (only clusters it "
                "started with their scheduler in the server; others open their own URL)",
                field="id",
            )
        return f"http://127.0.0.1:{port}"

    async def _dashboard_ports(self) -> dict[str, int]:
        ports = {}
        for record in self._clusters.values():
            port = _in_process_dashboard_port(record) if record.state == "running" else None
            if port is not None:
                ports[record.id] = port
        return ports

    async def _connection(self, cluster_id: str) -> ClusterConnection:
        record = self._record(cluster_id)
        if record.state != "running" or record.address is None:
            raise MLOpsError(f"id: the cluster is {record.state}", ErrorCode.CONFLICT, field="id")
        tls = None
        security = record.security
        if security is not None:
            tls = TLSCredentials(
                ca=security.tls_ca_file, cert=security.tls_client_cert, key=security.tls_client_key
            )
        links = self._dashboard_links(record)
        return ClusterConnection(
            id=record.id,
            address=record.address,
            tls=tls,
            dashboard_link=links["dashboard_path"] or links["dashboard_url"],
        )


async def _maybe_await(value: Any) -> Any:
    return await value if isawaitable(value) else value
