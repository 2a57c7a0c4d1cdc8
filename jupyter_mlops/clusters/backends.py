"""Where a kernel's cluster commands go: the Jupyter server, or (without one) this process.

`ServerBackend` speaks REST to the server that started the kernel, so the server owns the
cluster and the Lab's panel shows it. `LocalBackend` is the fallback for plain Python and
papermill runs with no server: a process-wide `ClusterManager`, closed when the process ends.
Both return the same models.
"""

from __future__ import annotations

import atexit
import sys
import threading
from typing import Any, Protocol

from ..core.server_link import ServerLink, ServerUnreachable
from .entities import AdaptRange, ClusterConnection, ClusterInfo, ClusterList, StartCluster
from .manager import ClusterManager


class ClusterBackend(Protocol):
    """The operations `%mlops cluster` and `get_client` need."""

    where: str
    """Where the clusters live, in words."""

    dashboard_base: str | None
    """The root-relative path dashboard links start with, or None for direct links."""

    def list(self) -> ClusterList:
        """Every cluster and which one is current."""

    def start(self, request: StartCluster) -> ClusterInfo:
        """Start (or connect) a cluster."""

    def scale(self, cluster_id: str, workers: int) -> ClusterInfo:
        """Scale to a fixed number of workers."""

    def adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        """Scale adaptively."""

    def stop(self, cluster_id: str) -> ClusterInfo:
        """Close a cluster (forget one connected by address)."""

    def connection(self, cluster_id: str) -> ClusterConnection:
        """The address and credentials a `distributed.Client` needs."""


class ServerBackend:
    """The clusters of the Jupyter server this kernel belongs to, over its REST API."""

    def __init__(self, link: ServerLink) -> None:
        self.link = link
        self.where = f"the Jupyter server at {link.url}"
        self.dashboard_base: str | None = link.base_path

    def list(self) -> ClusterList:
        """`GET /mlops/api/clusters`."""
        return ClusterList.model_validate(self.link.request("GET", "clusters"))

    def start(self, request: StartCluster) -> ClusterInfo:
        """`POST /mlops/api/clusters` (waits until the cluster runs)."""
        body = request.model_dump(exclude_none=True)
        return ClusterInfo.model_validate(self.link.request("POST", "clusters", body))

    def scale(self, cluster_id: str, workers: int) -> ClusterInfo:
        """`PATCH /mlops/api/clusters/{id}` with `workers`."""
        body = {"workers": workers}
        return ClusterInfo.model_validate(
            self.link.request("PATCH", f"clusters/{cluster_id}", body)
        )

    def adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        """`PATCH /mlops/api/clusters/{id}` with `adapt`."""
        body = {"adapt": bounds.model_dump()}
        return ClusterInfo.model_validate(
            self.link.request("PATCH", f"clusters/{cluster_id}", body)
        )

    def stop(self, cluster_id: str) -> ClusterInfo:
        """`DELETE /mlops/api/clusters/{id}`."""
        return ClusterInfo.model_validate(self.link.request("DELETE", f"clusters/{cluster_id}"))

    def connection(self, cluster_id: str) -> ClusterConnection:
        """`GET /mlops/api/clusters/{id}/connection` (TLS credentials over the server link)."""
        return ClusterConnection.model_validate(
            self.link.request("GET", f"clusters/{cluster_id}/connection")
        )


class LocalBackend:
    """Clusters owned by this process (no Jupyter server reachable); closed at exit."""

    _lock = threading.Lock()
    _manager: ClusterManager | None = None

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.where = "this process (no Jupyter server reachable)"
        self.dashboard_base: str | None = None

    @classmethod
    def manager(cls) -> ClusterManager:
        """The process-wide manager, made on first use and shut down at exit."""
        with cls._lock:
            if cls._manager is None:
                cls._manager = ClusterManager()
                cls._manager.local = True
                atexit.register(cls._manager.shutdown_sync)
            return cls._manager

    def _run(self, coro: Any) -> Any:
        return self.manager().run_sync(coro)

    def list(self) -> ClusterList:
        """Every kernel-local cluster."""
        return self._run(self.manager().list())  # type: ignore[no-any-return]

    def start(self, request: StartCluster) -> ClusterInfo:
        """Start a kernel-local cluster."""
        return self._run(self.manager().start(request))  # type: ignore[no-any-return]

    def scale(self, cluster_id: str, workers: int) -> ClusterInfo:
        """Scale a kernel-local cluster."""
        return self._run(self.manager().scale(cluster_id, workers))  # type: ignore[no-any-return]

    def adapt(self, cluster_id: str, bounds: AdaptRange) -> ClusterInfo:
        """Adapt a kernel-local cluster."""
        return self._run(self.manager().adapt(cluster_id, bounds))  # type: ignore[no-any-return]

    def stop(self, cluster_id: str) -> ClusterInfo:
        """Close a kernel-local cluster."""
        return self._run(self.manager().close(cluster_id))  # type: ignore[no-any-return]

    def connection(self, cluster_id: str) -> ClusterConnection:
        """A kernel-local cluster's address and credentials."""
        return self._run(self.manager().connection(cluster_id))  # type: ignore[no-any-return]


_warned: set[str] = set()


def choose_backend(quiet: bool = False) -> ClusterBackend:
    """The server's clusters when a server is reachable, else this process's (and say so once)."""
    link = ServerLink.from_environment()
    if link is None:
        reason = "no Jupyter server started this process (JUPYTER_MLOPS_SERVER_URL is unset)"
    else:
        try:
            link.probe("clusters")
            return ServerBackend(link)
        except ServerUnreachable as exc:
            reason = str(exc)
    backend = LocalBackend(reason)
    if not quiet and reason not in _warned:
        _warned.add(reason)
        print(
            f"jupyter-mlops: {reason}; clusters run in this process and stop with it.",
            file=sys.stderr,
        )
    return backend
