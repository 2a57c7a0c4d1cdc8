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
    "profile": "jupyter_mlops.profiling.api",
    "compare_profiles": "jupyter_mlops.profiling.compare",
    "Profile": "jupyter_mlops.profiling.entities",
    "save_profile": "jupyter_mlops.profiling.store",
    "profile_report": "jupyter_mlops.profiling.report",
    "load_profile": "jupyter_mlops.profiling.store",
    "list_profiles": "jupyter_mlops.profiling.store",
    "get_client": "jupyter_mlops.clusters.client",
    "start_run": "jupyter_mlops.tracking.fluent",
    "end_run": "jupyter_mlops.tracking.fluent",
    "active_run": "jupyter_mlops.tracking.fluent",
    "set_experiment": "jupyter_mlops.tracking.fluent",
    "log_param": "jupyter_mlops.tracking.fluent",
    "log_params": "jupyter_mlops.tracking.fluent",
    "log_metric": "jupyter_mlops.tracking.fluent",
    "log_metrics": "jupyter_mlops.tracking.fluent",
    "set_tag": "jupyter_mlops.tracking.fluent",
    "set_tags": "jupyter_mlops.tracking.fluent",
    "flush": "jupyter_mlops.tracking.fluent",
    "get_run": "jupyter_mlops.tracking.fluent",
    "log_artifact": "jupyter_mlops.tracking.logging_artifacts",
    "log_text": "jupyter_mlops.tracking.logging_artifacts",
    "log_dict": "jupyter_mlops.tracking.logging_artifacts",
    "log_figure": "jupyter_mlops.tracking.logging_artifacts",
    "log_model": "jupyter_mlops.tracking.logging_artifacts",
    "autolog": "jupyter_mlops.tracking.autolog",
    "search_runs": "jupyter_mlops.tracking.frames",
    "run_notebook": "jupyter_mlops.jobs.api",
    "schedule": "jupyter_mlops.jobs.api",
    "Client": "jupyter_mlops.tracking.mlflow_style_client",
    "get_metric_history": "jupyter_mlops.tracking.mlflow_style_client",
    "register_model": "jupyter_mlops.serving.api",
    "get_model_version": "jupyter_mlops.serving.api",
    "list_models": "jupyter_mlops.serving.api",
    "list_model_versions": "jupyter_mlops.serving.api",
    "set_model_alias": "jupyter_mlops.serving.api",
    "delete_model_alias": "jupyter_mlops.serving.api",
    "load_model": "jupyter_mlops.serving.api",
    "deploy": "jupyter_mlops.serving.api",
    "stop_endpoint": "jupyter_mlops.serving.api",
    "get_endpoint": "jupyter_mlops.serving.api",
    "rotate_endpoint_token": "jupyter_mlops.serving.api",
    "list_endpoints": "jupyter_mlops.serving.api",
    "promote": "jupyter_mlops.evaluation.api",  # gates=False: serving's promote
    "rollback": "jupyter_mlops.serving.api",
    "read_requests": "jupyter_mlops.serving.request_log",
    "drift": "jupyter_mlops.monitoring.drift",
    "DriftReport": "jupyter_mlops.monitoring.drift",
    "create_monitor": "jupyter_mlops.monitoring.api",
    "get_monitor": "jupyter_mlops.monitoring.api",
    "list_monitors": "jupyter_mlops.monitoring.api",
    "evaluate_monitor": "jupyter_mlops.monitoring.api",
    "monitor_windows": "jupyter_mlops.monitoring.api",
    "monitor_alerts": "jupyter_mlops.monitoring.api",
    "log_labels": "jupyter_mlops.monitoring.api",
    "delete_monitor": "jupyter_mlops.monitoring.api",
    "evaluate": "jupyter_mlops.evaluation",
    "constraints": "jupyter_mlops.evaluation",
    "validate": "jupyter_mlops.evaluation",
    "set_gates": "jupyter_mlops.evaluation.api",
    "get_gates": "jupyter_mlops.evaluation.api",
    "check_gates": "jupyter_mlops.evaluation.api",
    "propose_promotion": "jupyter_mlops.evaluation.api",
    "get_gate_run": "jupyter_mlops.evaluation.api",
    "set_version_constraints": "jupyter_mlops.evaluation.api",
    "version_constraints": "jupyter_mlops.evaluation.api",
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
