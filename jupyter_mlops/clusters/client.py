"""The clusters' Python API for notebooks and scripts: `get_client()` and friends.

In a kernel started by JupyterLab these act on the server's clusters (the ones the Cluster
panel shows); elsewhere on clusters of this process (see `backends.choose_backend`).
`cluster` arguments accept a cluster's id, name or scheduler address; None means the current
cluster (the one started or connected last, or picked in the panel).
"""

from __future__ import annotations

import functools
import threading
import time
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..core.errors import ErrorCode, MLOpsError, NotFoundError, validation_error
from .backends import ClusterBackend, choose_backend
from .entities import AdaptRange, ClusterConnection, ClusterInfo, ClusterList, StartCluster

if TYPE_CHECKING:
    from distributed import Client

ModelT = TypeVar("ModelT", bound=BaseModel)

_clients: dict[str, Client] = {}
_clients_lock = threading.Lock()


def validated(model: type[ModelT], **data: Any) -> ModelT:
    """`model(**data)` with a bad field reported as an `MLOpsError` naming it."""
    try:
        return model.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise validation_error(exc, default_field="arguments") from None


def find_cluster(overview: ClusterList, cluster: str | None) -> ClusterInfo:
    """The cluster named by id, name or address, or the current one when `cluster` is None."""
    if cluster is None:
        if overview.current is None:
            raise NotFoundError(
                "no cluster is running: start one with `%mlops cluster start`, "
                "`jupyter_mlops.clusters.start_cluster()` or the Lab's Cluster panel",
                field="cluster",
            )
        cluster = overview.current
    for info in overview.clusters:
        if cluster in (info.id, info.name, info.scheduler_address):
            return info
    known = ", ".join(f"{c.id} ({c.name})" for c in overview.clusters) or "none"
    raise NotFoundError(f"cluster: no cluster {cluster!r}; known: {known}", field="cluster")


@functools.cache
def _linked_client_class() -> type[Client]:
    from distributed import Client

    class LinkedClient(Client):
        """A `Client` whose dashboard link is the one the server gives for its cluster."""

        mlops_dashboard_link: str | None = None

        @property
        def dashboard_link(self) -> str:
            link = self.mlops_dashboard_link
            return link if link is not None else str(super().dashboard_link)

    return LinkedClient


def _client_for(address: str, connection: ClusterConnection | None = None) -> Client:
    with _clients_lock:
        client = _clients.get(address)
        if client is None or client.status not in ("running", "connecting"):
            security = None
            if connection is not None and connection.tls is not None:
                from distributed.security import Security

                security = Security(
                    tls_ca_file=connection.tls.ca,
                    tls_client_cert=connection.tls.cert,
                    tls_client_key=connection.tls.key,
                    require_encryption=True,
                )
            client = _linked_client_class()(address, security=security, set_as_default=True)
            _clients[address] = client
        return client


def _link_dashboards(
    client: Client, backend: ClusterBackend, connection: ClusterConnection
) -> None:
    """Show the link the server gives (its proxy) as the client's dashboard, so the `Client`
    repr in a notebook opens the dashboard from wherever the Lab is used. Also set distributed's
    `dashboard.link` to it (for Clients made by hand), unless the user configured their own."""
    import dask

    link = connection.dashboard_link
    if link is None:
        return
    if not link.startswith(("http://", "https://")):
        link = (backend.dashboard_base or "/") + link
    client.mlops_dashboard_link = link  # type: ignore[attr-defined]
    current = dask.config.get("distributed.dashboard.link", default=None)
    if current in (None, _DEFAULT_DASHBOARD_LINK) or current in _links_set:
        # Literal braces would be read as format fields by distributed.
        template = link.replace("{", "{{").replace("}", "}}")
        dask.config.set({"distributed.dashboard.link": template})
        _links_set.add(template)


_DEFAULT_DASHBOARD_LINK = "{scheme}://{host}:{port}/status"
_links_set: set[str] = set()


def get_client(cluster: str | None = None, timeout: float = 120) -> Client:
    """A `distributed.Client` connected to the current cluster (or the one named).

    Works for clusters started from the Lab's panel, from `%mlops cluster start`, or
    registered with `%mlops cluster connect`. A scheduler address that is not registered
    is connected to directly. Waits up to `timeout` seconds for a cluster that is starting.
    """
    if cluster is not None and "://" in cluster:
        known = choose_backend(quiet=True).list()
        if not any(c.scheduler_address == cluster for c in known.clusters):
            return _client_for(cluster)
    backend = choose_backend()
    deadline = time.monotonic() + timeout
    while True:
        info = find_cluster(backend.list(), cluster)
        if info.status != "starting" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if info.status != "running" or info.scheduler_address is None:
        raise MLOpsError(
            f"cluster {info.id} ({info.name}) is {info.status}: {info.error or 'not running'}",
            ErrorCode.CONFLICT,
            field="cluster",
        )
    connection = backend.connection(info.id)
    client = _client_for(connection.address, connection)
    _link_dashboards(client, backend, connection)
    return client


def start_cluster(
    workers: int | None = None,
    threads: int | None = None,
    memory: str | int | None = None,
    gpus: int | str | None = None,
    processes: bool | None = None,
    name: str | None = None,
    adapt: tuple[int, int] | None = None,
) -> ClusterInfo:
    """Start a cluster and make it current; `gpus` "all" or N gives one GPU worker per GPU."""
    bounds = {"minimum": adapt[0], "maximum": adapt[1]} if adapt is not None else None
    request = validated(
        StartCluster,
        workers=workers,
        threads=threads,
        memory=memory,
        gpus=gpus,
        processes=processes,
        name=name,
        adapt=bounds,
    )
    return choose_backend().start(request)


def connect_cluster(
    address: str, name: str | None = None, dashboard: str | None = None
) -> ClusterInfo:
    """Register a running scheduler (e.g. `tcp://host:8786`) and make it current.

    `dashboard`: its dashboard URL (http or https), which the Lab opens directly.
    """
    request = validated(StartCluster, address=address, name=name, dashboard=dashboard)
    return choose_backend().start(request)


def _target(backend: ClusterBackend, cluster: str | None) -> ClusterInfo:
    return find_cluster(backend.list(), cluster)


def scale_cluster(workers: int, cluster: str | None = None) -> ClusterInfo:
    """Scale the cluster to `workers` workers (ends adaptive scaling)."""
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 0:
        raise MLOpsError(f"workers: {workers!r} is not a number of workers", field="workers")
    backend = choose_backend()
    return backend.scale(_target(backend, cluster).id, workers)


def adapt_cluster(minimum: int, maximum: int, cluster: str | None = None) -> ClusterInfo:
    """Scale the cluster adaptively between `minimum` and `maximum` workers."""
    bounds = validated(AdaptRange, minimum=minimum, maximum=maximum)
    backend = choose_backend()
    return backend.adapt(_target(backend, cluster).id, bounds)


def stop_cluster(cluster: str | None = None) -> ClusterInfo:
    """Close the cluster (one connected by address is only forgotten, not shut down)."""
    backend = choose_backend()
    info = _target(backend, cluster)
    with _clients_lock:
        client = _clients.pop(info.scheduler_address or "", None)
    if client is not None and info.kind != "connected":
        client.close()
        _drop_stale_default_scheduler()
    return backend.stop(info.id)


def _drop_stale_default_scheduler() -> None:
    """Each default Client restores dask's `scheduler` setting to what it found when it closes,
    so clients closed in the order they were made leave "dask.distributed" set with no client,
    and every later dask computation fails. Clear the setting then."""
    import dask
    from distributed.client import default_client

    if dask.config.get("scheduler", None) not in ("dask.distributed", "distributed"):
        return
    try:
        default_client()
    except ValueError:
        dask.config.set(scheduler=None)


def list_clusters() -> ClusterList:
    """Every cluster, which is current, the GPUs and the cluster class a start uses."""
    return choose_backend().list()
