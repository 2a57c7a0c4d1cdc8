"""jupyter-mlops: a notebook-first MLOps workbench for JupyterLab.

`import jupyter_mlops as mlops` gives the Python API; names are imported lazily so that
loading the server extension or the magics stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

# Public name -> module that defines it. Capabilities add their API here.
_PUBLIC_API: dict[str, str] = {
    "status": "jupyter_mlops.health.service",
    "MLOpsError": "jupyter_mlops.core.errors",
}

__all__ = ["__version__", *_PUBLIC_API]


def __getattr__(name: str) -> Any:
    module = _PUBLIC_API.get(name)
    if module is None:
        raise AttributeError(f"module 'jupyter_mlops' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-mlops"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import MLOpsApp

    return [{"module": "jupyter_mlops", "app": MLOpsApp}]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext jupyter_mlops`: registers the `%mlops` magic and the capabilities' magics."""
    from .magics import load_magics

    load_magics(ipython)
