"""Dask clusters (GPU workers too) owned by the Jupyter server, from the Lab and notebooks.

`get_client()`, `start_cluster()`, `connect_cluster()`, `scale_cluster()`, `adapt_cluster()`,
`stop_cluster()` and `list_clusters()` are imported lazily from `client`, so loading the
server extension does not import dask.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = (
    "get_client",
    "start_cluster",
    "connect_cluster",
    "scale_cluster",
    "adapt_cluster",
    "stop_cluster",
    "list_clusters",
)

__all__ = list(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module("jupyter_mlops.clusters.client"), name)
    raise AttributeError(f"module 'jupyter_mlops.clusters' has no attribute {name!r}")
