"""What a client needs to connect to a cluster: its scheduler's address and TLS credentials.

The credentials are the `distributed.Security` the cluster started with (in-memory, see
`factory.secure_local_kwargs`) or the gateway issued; only `GET /clusters/{id}/connection`
hands them out, to authenticated callers.
"""

from __future__ import annotations

from ..core.errors import ErrorCode, MLOpsError
from .cluster_record import ManagedCluster
from .entities import ClusterConnection, TLSCredentials


def client_connection(record: ManagedCluster, links: dict[str, str | None]) -> ClusterConnection:
    """The connection of a running cluster (409 naming `id` otherwise); `links`: its
    dashboard links (`dashboard_links.py`), the proxied path first."""
    if record.state != "running" or record.address is None:
        raise MLOpsError(f"id: the cluster is {record.state}", ErrorCode.CONFLICT, field="id")
    tls = None
    security = record.security
    if security is not None:
        tls = TLSCredentials(
            ca=security.tls_ca_file, cert=security.tls_client_cert, key=security.tls_client_key
        )
    return ClusterConnection(
        id=record.id,
        address=record.address,
        tls=tls,
        dashboard_link=links["dashboard_path"] or links["dashboard_url"],
    )
