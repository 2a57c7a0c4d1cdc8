"""From a scheduler's `identity()` to the `ClusterInfo` and `WorkerInfo` the UI shows.

Pure functions: the manager fetches the identity, these only read it. A worker's GPU comes
from NVML on this machine when the worker is one of our dask-cuda workers (its name is its
GPU's index), else from what the worker itself reported (distributed's NVML diagnostics).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .entities import GPUInfo, WorkerInfo


def connect_code(cluster_id: str, name: str, address: str | None) -> str:
    """The code that connects a notebook to this cluster, through `get_client`."""
    comment = f"  # {name}: {address}" if address else f"  # {name}"
    call = f'client = get_client("{cluster_id}"){comment}'
    return f"from jupyter_mlops import get_client\n\n{call}\nclient"


def _reported_gpu(worker: Mapping[str, Any]) -> GPUInfo | None:
    startup = worker.get("gpu") or {}
    live = (worker.get("metrics") or {}).get("gpu") or {}
    if not startup and not live:
        return None
    return GPUInfo(
        name=str(startup.get("name") or "GPU"),
        memory_total=startup.get("memory-total"),
        memory_used=live.get("memory-used"),
        utilization=live.get("utilization"),
    )


def describe_worker(
    address: str,
    worker: Mapping[str, Any],
    gpu_indexes: list[int],
    nvml_info: Callable[[int], GPUInfo | None],
) -> WorkerInfo:
    """One worker of a scheduler identity; `gpu_indexes` are the GPUs of a dask-cuda cluster."""
    metrics = worker.get("metrics") or {}
    task_counts = metrics.get("task_counts") or {}
    gpu = None
    name = worker.get("name")
    if gpu_indexes and isinstance(name, int) and name in gpu_indexes:
        gpu = nvml_info(name)
    if gpu is None:
        gpu = _reported_gpu(worker)
    return WorkerInfo(
        address=address,
        name=str(name),
        threads=int(worker.get("nthreads") or 0),
        memory_limit=int(worker.get("memory_limit") or 0),
        memory_used=int(metrics.get("memory") or 0),
        cpu=float(metrics.get("cpu") or 0.0),
        executing=int(task_counts.get("executing") or 0),
        in_memory=int(task_counts.get("memory") or 0),
        resources={str(k): float(v) for k, v in (worker.get("resources") or {}).items()},
        gpu=gpu,
    )


def describe_workers(
    identity: Mapping[str, Any],
    gpu_indexes: list[int],
    nvml_info: Callable[[int], GPUInfo | None],
) -> list[WorkerInfo]:
    """Every worker of a scheduler identity, ordered by name."""
    workers = [
        describe_worker(address, worker, gpu_indexes, nvml_info)
        for address, worker in (identity.get("workers") or {}).items()
    ]
    return sorted(workers, key=lambda w: (len(w.name), w.name))
