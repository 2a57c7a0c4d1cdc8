"""Where a cluster's dashboard opens: through the server's proxy, or directly.

Proxied (`dashboard.py`): only schedulers this process started, at the port their scheduler
object bound, on the loopback, under a path key that is an HMAC of the cluster id under a
secret drawn when the manager starts. Anything else is a direct link the browser opens
itself, never through the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from ..core.errors import NotFoundError
from .cluster_record import ManagedCluster


class DashboardKeys:
    """The path keys of the proxied dashboards, under one secret per manager."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def key(self, cluster_id: str) -> str:
        """The path key that opens this cluster's proxied dashboard (see `dashboard.py`)."""
        mac = hmac.new(self._secret, cluster_id.encode("utf-8", "replace"), hashlib.sha256)
        return mac.hexdigest()[:32]

    def root(self, cluster_id: str) -> str:
        """Where the server proxies this cluster's dashboard, relative to the base URL (no
        trailing slash): `mlops/api/clusters/{id}/dashboard/{key}` (see `dashboard.py`)."""
        return f"mlops/api/clusters/{cluster_id}/dashboard/{self.key(cluster_id)}"

    def matches(self, cluster_id: str, key: str) -> bool:
        """Whether `key` is this cluster's dashboard key (constant-time)."""
        # Bytes: compare_digest refuses str with non-ASCII characters (any URL may carry them).
        expected = self.key(cluster_id).encode()
        return hmac.compare_digest(expected, key.encode("utf-8", "replace"))


def in_process_dashboard_port(record: ManagedCluster) -> int | None:
    """The dashboard port of a scheduler we started in this process (our own object, never
    what a scheduler reports about itself), or None."""
    from distributed import Scheduler

    scheduler = getattr(record.cluster, "scheduler", None)
    if not isinstance(scheduler, Scheduler):
        return None
    server = getattr(scheduler, "http_server", None)
    port = getattr(server, "port", None) if server is not None else None
    return port if isinstance(port, int) and port > 0 else None


def dashboard_links(
    record: ManagedCluster, keys: DashboardKeys, local: bool
) -> dict[str, str | None]:
    """`dashboard_path` (proxied, relative to the base URL) or `dashboard_url` (direct) of a
    cluster; `local`: a kernel's own manager, which has no server to proxy through."""
    # Proxied: only schedulers this process started, at the port it bound, on loopback.
    # Anything else is a direct link the browser opens itself, never through the server.
    port = in_process_dashboard_port(record)
    if port is not None:
        if local:
            return {"dashboard_path": None, "dashboard_url": f"http://127.0.0.1:{port}/status"}
        return {
            "dashboard_path": f"{keys.root(record.id)}/status",
            "dashboard_url": None,
        }
    direct = record.direct_dashboard
    if direct is None and record.cluster is not None:
        link = getattr(record.cluster, "dashboard_link", None)
        direct = (
            link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
        )
    return {"dashboard_path": None, "dashboard_url": direct}


def served_dashboard_url(record: ManagedCluster) -> str:
    """`http://127.0.0.1:<port>` of the dashboard the proxy forwards to for this cluster;
    404 naming `id` when it serves none."""
    port = in_process_dashboard_port(record) if record.state == "running" else None
    if port is None:
        raise NotFoundError(
            f"id: cluster {record.id} has no dashboard the server serves (only clusters it "
            "started with their scheduler in the server; others open their own URL)",
            field="id",
        )
    return f"http://127.0.0.1:{port}"


def served_dashboard_ports(records: Iterable[ManagedCluster]) -> dict[str, int]:
    """`{cluster id: port}` of every running cluster whose dashboard the proxy serves."""
    ports = {}
    for record in records:
        port = in_process_dashboard_port(record) if record.state == "running" else None
        if port is not None:
            ports[record.id] = port
    return ports
