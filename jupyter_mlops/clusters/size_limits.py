"""The sizes a cluster start, scale or adapt may ask for, and the 400 naming the field beyond.

The ceilings are `ClusterManager.max_workers`, `max_threads` and `max_memory`; 0 in a traitlet
means what this machine has (its CPUs, its memory).
"""

from __future__ import annotations

import os

from ..core.errors import MLOpsError
from .entities import ClusterLimits, StartCluster


def _machine_memory() -> int:
    import psutil

    return int(psutil.virtual_memory().total)


def configured_limits(max_workers: int, max_threads: int, max_memory: int) -> ClusterLimits:
    """The configured ceilings (0 in a traitlet means: what this machine has)."""
    cpus = os.cpu_count() or 1
    return ClusterLimits(
        max_workers=max_workers or cpus,
        max_threads=max_threads or cpus,
        max_memory=max_memory or _machine_memory(),
    )


def check_request(request: StartCluster, limits: ClusterLimits) -> None:
    """Refuse sizes beyond the limits with a 400 naming the field."""
    check_workers(request.workers, "workers", limits)
    if request.adapt is not None:
        check_workers(request.adapt.maximum, "adapt.maximum", limits)
    if request.threads is not None and request.threads > limits.max_threads:
        raise MLOpsError(
            f"threads: at most {limits.max_threads} threads per worker here "
            "(ClusterManager.max_threads)",
            field="threads",
        )
    memory = request.memory_bytes
    if memory is not None and memory > limits.max_memory:
        raise MLOpsError(
            f"memory: at most {limits.max_memory} bytes per worker here "
            "(ClusterManager.max_memory)",
            field="memory",
        )


def check_workers(workers: int | None, field: str, limits: ClusterLimits) -> None:
    """Refuse more than `limits.max_workers` workers with a 400 naming `field`."""
    if workers is not None and workers > limits.max_workers:
        raise MLOpsError(
            f"{field}: at most {limits.max_workers} workers here (ClusterManager.max_workers)",
            field=field,
        )


def check_gpu_size(gpu_indexes: list[int], workers: int, field: str) -> None:
    """Refuse more workers than a GPU cluster has GPUs (one worker each), naming `field`."""
    if gpu_indexes and workers > len(gpu_indexes):
        raise MLOpsError(
            f"{field}: a GPU cluster has at most one worker per GPU ({len(gpu_indexes)})",
            field=field,
        )
