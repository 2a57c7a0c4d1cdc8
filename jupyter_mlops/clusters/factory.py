"""Which class a cluster is made of, and how a start request becomes keyword arguments.

The class comes from, in order: the `ClusterManager.cluster_class` traitlet (Jupyter config),
the dask config key `jupyter-mlops.cluster.factory` (`{"class": "pkg.Cluster", "kwargs": {}}`),
else `distributed.LocalCluster`. Any class with dask's cluster interface works (awaitable with
`asynchronous=True`, `scale`, `adapt`, `close`): dask-jobqueue, dask-kubernetes, dask-gateway,
Coiled. A start that asks for GPUs uses dask-cuda's `LocalCUDACluster` on this machine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ErrorCode, MLOpsError
from .entities import ClusterFactoryInfo, ClusterKind, StartCluster
from .gpus import GPUSelection

DASK_CONFIG_KEY = "jupyter-mlops.cluster.factory"
DEFAULT_CLASS = "distributed.LocalCluster"
GPU_CLASS = "dask_cuda.LocalCUDACluster"

# Local clusters listen on the loopback only, over TLS with mutual authentication: a client
# needs the cluster's credentials, which the server hands only to authenticated callers
# (`GET /clusters/{id}/connection`). Browsers reach the dashboard through the server's
# authenticated proxy.
LOCAL_DEFAULTS: dict[str, Any] = {
    "protocol": "tls://",
    "host": "127.0.0.1",
    "dashboard_address": "127.0.0.1:0",
}
# Process workers get these blanked: a task must not find the server's credentials.
SCRUBBED_ENV = ("JUPYTER_MLOPS_SERVER_TOKEN", "JUPYTERHUB_API_TOKEN")


@dataclass(frozen=True)
class ClusterFactory:
    """A cluster class by dotted path, with the keyword arguments it is always given."""

    class_path: str = DEFAULT_CLASS
    kwargs: dict[str, Any] = field(default_factory=dict)
    source: str = "default"

    def load(self) -> type[Any]:
        """Import the class; a path that does not import is a 503 naming `factory`."""
        module_name, _, class_name = self.class_path.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError, ValueError) as exc:
            raise MLOpsError(
                f"factory: the cluster class {self.class_path!r} ({self.source}) cannot be "
                f"imported: {exc}",
                ErrorCode.UNAVAILABLE,
                field="factory",
            ) from None
        if not isinstance(cls, type):
            raise MLOpsError(
                f"factory: {self.class_path!r} ({self.source}) is not a class",
                ErrorCode.UNAVAILABLE,
                field="factory",
            )
        return cls

    def accepts_sizes(self) -> bool:
        """Whether workers/threads/memory map onto the class (LocalCluster and subclasses)."""
        try:
            return _is_local_cluster(self.load())
        except MLOpsError:
            return False

    def info(self) -> ClusterFactoryInfo:
        """What the start form shows about the class a CPU start uses."""
        return ClusterFactoryInfo(
            cluster_class=self.class_path, source=self.source, accepts_sizes=self.accepts_sizes()
        )


def _is_local_cluster(cls: type[Any]) -> bool:
    from distributed import LocalCluster

    return issubclass(cls, LocalCluster)


def _normalise_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    # dask config spells keys with dashes; Python keywords need underscores.
    return {str(key).replace("-", "_"): value for key, value in kwargs.items()}


def resolve_factory(class_path: str = "", kwargs: dict[str, Any] | None = None) -> ClusterFactory:
    """The factory from a traitlet (`class_path`), else the dask config key, else LocalCluster."""
    if class_path:
        return ClusterFactory(
            class_path, _normalise_kwargs(kwargs or {}), "ClusterManager.cluster_class"
        )
    import dask.config  # dask only when a cluster is wanted, not at server start

    configured = dask.config.get(DASK_CONFIG_KEY, default=None)
    if configured:
        if isinstance(configured, str):
            configured = {"class": configured}
        if not isinstance(configured, dict) or not configured.get("class"):
            raise MLOpsError(
                f"factory: dask config {DASK_CONFIG_KEY} needs a 'class' (a dotted path)",
                ErrorCode.UNAVAILABLE,
                field="factory",
            )
        return ClusterFactory(
            str(configured["class"]),
            _normalise_kwargs(dict(configured.get("kwargs") or {})),
            f"dask config {DASK_CONFIG_KEY}",
        )
    return ClusterFactory(DEFAULT_CLASS, {}, "default")


@dataclass(frozen=True)
class ClusterPlan:
    """What to construct for one start: class, keyword arguments, then scale or adapt."""

    cls: type[Any]
    class_path: str
    kind: ClusterKind
    kwargs: dict[str, Any]
    scale_to: int | None
    gpu_indexes: list[int]

    @property
    def security(self) -> Any | None:
        """The `distributed.Security` the cluster starts with (None: the class's own)."""
        return self.kwargs.get("security")


def secure_local_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` with fresh in-memory TLS credentials and scrubbed worker environments.

    A configured `security` or `protocol` is left as configured (the deployment decides).
    """
    from distributed.security import Security

    secured = dict(kwargs)
    if "security" not in secured and str(secured.get("protocol", "")).startswith("tls"):
        secured["security"] = Security.temporary()
    if secured.get("processes", True) is not False:
        secured["env"] = {**{name: "" for name in SCRUBBED_ENV}, **secured.get("env", {})}
    return secured


def plan_cluster(
    request: StartCluster, factory: ClusterFactory, gpus: GPUSelection | None
) -> ClusterPlan:
    """Turn a validated start request into a construction plan (no cluster is made here)."""
    if gpus is not None:
        return _plan_gpu_cluster(request, gpus)
    cls = factory.load()
    kind: ClusterKind = "local" if factory.source == "default" else "configured"
    if not _is_local_cluster(cls):
        for name in ("threads", "memory", "processes"):
            if getattr(request, name) is not None:
                raise MLOpsError(
                    f"{name}: the cluster class {factory.class_path} ({factory.source}) takes "
                    f"its worker sizes from its kwargs in the configuration, not from a start",
                    field=name,
                )
        return ClusterPlan(cls, factory.class_path, kind, dict(factory.kwargs), request.workers, [])
    kwargs = {**LOCAL_DEFAULTS, **factory.kwargs}
    if request.workers is not None or request.adapt is not None:
        kwargs["n_workers"] = request.workers if request.adapt is None else request.adapt.minimum
    if request.threads is not None:
        kwargs["threads_per_worker"] = request.threads
    if request.memory_bytes is not None:
        kwargs["memory_limit"] = request.memory_bytes
    if request.processes is not None:
        kwargs["processes"] = request.processes
    if kwargs.get("processes") is False:
        from .inprocess_worker import InProcessWorker

        kwargs.setdefault("worker_class", InProcessWorker)
    return ClusterPlan(cls, factory.class_path, kind, secure_local_kwargs(kwargs), None, [])


def _plan_gpu_cluster(request: StartCluster, gpus: GPUSelection) -> ClusterPlan:
    count = len(gpus.indexes)
    if request.workers is not None and request.workers != count:
        raise MLOpsError(
            f"workers: a GPU cluster runs one worker per GPU ({count} here); leave workers out "
            "or ask for that many GPUs",
            field="workers",
        )
    if request.adapt is not None and request.adapt.maximum > count:
        raise MLOpsError(
            f"adapt.maximum: a GPU cluster has at most one worker per GPU ({count})",
            field="adapt.maximum",
        )
    if request.processes is False:
        raise MLOpsError("processes: GPU workers run in their own processes", field="processes")
    module = importlib.import_module("dask_cuda")  # select_gpus checked that it is installed
    kwargs: dict[str, Any] = {
        **LOCAL_DEFAULTS,
        "CUDA_VISIBLE_DEVICES": gpus.indexes,
        "resources": {"GPU": 1},
    }
    if request.adapt is not None:
        kwargs["n_workers"] = max(request.adapt.minimum, 1)
    if request.threads is not None:
        kwargs["threads_per_worker"] = request.threads
    if request.memory_bytes is not None:
        kwargs["memory_limit"] = request.memory_bytes
    return ClusterPlan(
        module.LocalCUDACluster, GPU_CLASS, "gpu", secure_local_kwargs(kwargs), None,
        list(gpus.indexes),
    )  # fmt: skip
