"""The clusters capability's declaration (see `core.capability`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey

if TYPE_CHECKING:
    from .manager import ClusterManager

CLUSTERS: ServiceKey[ClusterManager] = ServiceKey("clusters")

CAPABILITY = Capability(
    "clusters",
    "Dask clusters",
    "jupyter_mlops.clusters.handlers",
    provides=(CLUSTERS,),
)
