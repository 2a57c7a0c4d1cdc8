"""REST adapter for the clusters, plus the server-side setup that owns them.

`setup(app)` builds the server's `ClusterManager`; `teardown(app)` closes every cluster when
the server stops (kernels reach the server through `core.server_link`, exported by the app).
Cluster work runs on the manager's own loop, so no handler blocks the server.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from tornado import web

from ..core.capability import ServerHost, Teardown
from ..core.openapi import Contract
from ..core.rest import APIHandler
from . import gateway
from .capability import CLUSTERS
from .dashboard import DashboardProxyHandler
from .entities import ChangeCluster, ClusterConnection, ClusterInfo, ClusterList, StartCluster
from .manager import ClusterManager


class _ClusterHandler(APIHandler):
    @property
    def manager(self) -> ClusterManager:
        manager = self.service(CLUSTERS)
        return manager


class ClustersHandler(_ClusterHandler):
    """`GET /mlops/api/clusters` lists; `POST` starts (or, with `address`, connects) one."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("List the clusters, the GPUs and the limits", response=ClusterList),
        "post": Contract(
            "Start a cluster, or connect one by address",
            response=ClusterInfo,
            body=StartCluster,
            status=201,
        ),
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with a `ClusterList`."""
        self.reply(await self.manager.list())

    @web.authenticated
    async def post(self) -> None:
        """Start a cluster from a `StartCluster` body; reply 201 with its `ClusterInfo`."""
        request = self.parse_body(StartCluster)
        self.reply(await self.manager.start(request), status=201)


class ClusterHandler(_ClusterHandler):
    """`GET/PATCH/DELETE /mlops/api/clusters/{id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("One cluster with its workers", response=ClusterInfo),
        "patch": Contract("Scale, adapt or make current", response=ClusterInfo, body=ChangeCluster),
        "delete": Contract("Close a cluster (forget a connected one)", response=ClusterInfo),
    }

    @web.authenticated
    async def get(self, cluster_id: str) -> None:
        """Reply with the cluster's `ClusterInfo` (workers included)."""
        self.reply(await self.manager.get(cluster_id))

    @web.authenticated
    async def patch(self, cluster_id: str) -> None:
        """Scale (`workers`), adapt (`adapt`) or make current (`current: true`)."""
        change = self.parse_body(ChangeCluster)
        if change.workers is not None:
            info = await self.manager.scale(cluster_id, change.workers)
        elif change.adapt is not None:
            info = await self.manager.adapt(cluster_id, change.adapt)
        else:
            info = await self.manager.make_current(cluster_id)
        self.reply(info)

    @web.authenticated
    async def delete(self, cluster_id: str) -> None:
        """Close the cluster (forget one connected by address); reply with its last state."""
        self.reply(await self.manager.close(cluster_id))


class ClusterConnectionHandler(_ClusterHandler):
    """`GET /mlops/api/clusters/{id}/connection`: address and TLS credentials for a client.

    The credentials let their holder run code on the cluster, so they go only to authenticated
    callers (every route is) and are never cached.
    """

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "How a client connects: address, TLS credentials, dashboard link",
            response=ClusterConnection,
        )
    }

    @web.authenticated
    async def get(self, cluster_id: str) -> None:
        """Reply with a `ClusterConnection`."""
        connection = await self.manager.connection(cluster_id)
        self.set_header("Cache-Control", "no-store")
        self.reply(connection)


ROUTES = [
    ("clusters", ClustersHandler),
    ("clusters/(?P<cluster_id>[^/]+)", ClusterHandler),
    ("clusters/(?P<cluster_id>[^/]+)/connection", ClusterConnectionHandler),
    ("clusters/(?P<cluster_id>[^/]+)/dashboard/(?P<path>.*)", DashboardProxyHandler),
]


def front_routes(app: Any) -> list[tuple[str, type]]:
    """dask-labextension's `/dask/...` routes on our manager, jupyter-server-proxy's raw
    `/proxy/...` refused: mounted ahead of other extensions (see `dask_labextension.py`)."""
    from . import dask_labextension

    return dask_labextension.front_routes(app)


class ClustersHost(ServerHost, Protocol):
    """The settings the clusters capability reads (`MLOpsApp` traitlets)."""

    cluster_manager_class: type[ClusterManager]
    cluster_backend: str
    gateway_address: str
    gateway_proxy_address: str
    gateway_auth: str
    gateway_max_workers: int


def setup(app: ClustersHost) -> Teardown:
    """Build the server's cluster manager; its teardown closes every cluster it owns."""
    manager = app.cluster_manager_class(parent=app, log=app.log)
    if app.cluster_backend == "gateway" and not manager.cluster_class:
        # Dask Gateway by configuration alone: its address and auth from the app's settings.
        manager.cluster_class = gateway.GATEWAY_CLASS
        manager.cluster_kwargs = {
            **gateway.gateway_kwargs(app.gateway_address, app.gateway_proxy_address,
                                     app.gateway_auth),
            **manager.cluster_kwargs,
        }  # fmt: skip
        if not manager.max_workers:  # workers run on the gateway's machines, not this one
            manager.max_workers = app.gateway_max_workers
    app.services.provide(CLUSTERS, manager)
    return manager.shutdown
