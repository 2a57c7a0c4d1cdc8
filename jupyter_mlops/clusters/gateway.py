"""Dask Gateway as the cluster engine (`MLOpsApp.cluster_backend = "gateway"`).

The manager starts `dask_gateway.GatewayCluster` like any configured class (`factory.py`); this
module adds what a gateway needs beyond that: the keyword arguments from the app's settings,
the cluster's TLS credentials (the gateway issues them per cluster, in memory) as the
`distributed.Security` the manager hands to authenticated kernels, and the same user's
clusters started elsewhere (another server, a notebook, `dask-gateway` CLI), adopted so the
panel lists, scales, adapts and stops them too. Dashboards are the gateway proxy's own links
(`http(s)://<proxy>/clusters/<name>/status`), opened directly, never through this server.

dask_gateway is imported only when a gateway is used.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import MLOpsError
from .entities import StartCluster

GATEWAY_CLASS = "dask_gateway.GatewayCluster"


def gateway_kwargs(address: str, proxy_address: str = "", auth: str = "") -> dict[str, Any]:
    """GatewayCluster's keyword arguments for the app's settings (empty ones: dask config)."""
    kwargs: dict[str, Any] = {}
    if address:
        kwargs["address"] = address
    if proxy_address:
        kwargs["proxy_address"] = proxy_address
    if auth:
        kwargs["auth"] = auth
    return kwargs


def is_gateway(class_path: str) -> bool:
    """Whether the configured cluster class is Dask Gateway's."""
    return class_path == GATEWAY_CLASS


def cluster_security(cluster: Any) -> Any | None:
    """A gateway cluster's credentials as a `distributed.Security` (None for other classes).

    The gateway signs one certificate per cluster: the same PEM is the CA, the client
    certificate and (with its key) what a kernel's `Client` presents."""
    security = getattr(cluster, "security", None)
    cert, key = getattr(security, "tls_cert", None), getattr(security, "tls_key", None)
    if not isinstance(cert, str) or not isinstance(key, str):
        return None
    from distributed.security import Security

    return Security(
        tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key, require_encryption=True
    )


def requested_options(request: StartCluster, gpu_option: str) -> dict[str, tuple[str, Any]]:
    """The gateway cluster options a start asks for: option name -> (request field, value).

    `gpus: N` becomes the deployment's GPU option (`ClusterManager.gateway_gpu_option`), and
    `options` pass through as they are: the gateway decides what a worker gets, not this machine
    (so no NVML check here)."""
    wanted: dict[str, tuple[str, Any]] = {}
    if request.gpus == "all":
        raise MLOpsError(
            "gpus: a gateway's workers run elsewhere; give a number of GPUs per worker, not 'all'",
            field="gpus",
        )
    if request.gpus is not None:
        wanted[gpu_option] = ("gpus", request.gpus)
    for name, value in (request.options or {}).items():
        wanted[name] = (f"options.{name}", value)
    return wanted


async def cluster_options(kwargs: dict[str, Any], wanted: dict[str, tuple[str, Any]]) -> Any:
    """The gateway's `Options` with the configured `cluster_options` and `wanted` set, or a 400
    naming the field whose option the gateway does not offer or whose value it refuses."""
    from dask_gateway import Gateway

    settings = {k: v for k, v in kwargs.items() if k in ("address", "proxy_address", "auth")}
    gateway = Gateway(asynchronous=True, **settings)
    try:
        options = await gateway.cluster_options()
    finally:
        await gateway.close()
    configured = kwargs.get("cluster_options") or {}
    items = [(name, ("cluster_options", value)) for name, value in dict(configured).items()]
    for name, (field, value) in [*items, *wanted.items()]:
        try:
            options[name] = value
        except KeyError:
            offered = ", ".join(dict(options)) or "none"
            raise MLOpsError(
                f"{field}: the gateway offers no cluster option {name!r} (it offers: {offered})",
                field=field,
            ) from None
        except (TypeError, ValueError) as exc:
            raise MLOpsError(f"{field}: the gateway refuses {value!r}: {exc}", field=field) from exc
    return options


async def running_elsewhere(kwargs: dict[str, Any], known: set[str]) -> list[Any]:
    """The gateway's running clusters of this user that are not in `known` (cluster names),
    connected (as `GatewayCluster` objects the manager can scale and stop)."""
    from dask_gateway import Gateway  # type: ignore[import-untyped,unused-ignore]

    settings = {k: v for k, v in kwargs.items() if k in ("address", "proxy_address", "auth")}
    gateway = Gateway(asynchronous=True, **settings)
    try:
        reports = await gateway.list_clusters()
        adopted = []
        for report in reports:
            if report.name not in known and getattr(report.status, "name", "") == "RUNNING":
                adopted.append(await gateway.connect(report.name))
        return adopted
    finally:
        await gateway.close()
