"""How long a cluster takes to start through the ClusterManager, and what a panel poll costs.

Prints: the manager's start of a small LocalCluster against constructing the same LocalCluster
directly (the manager's overhead), the time of `list()` (what every Cluster panel poll costs,
one scheduler `identity()` per cluster), and dask-labextension's manager on the same work when
it is importable. With `--gpu` (on a machine with NVIDIA GPUs and dask-cuda): the GPU cluster
path end to end: LocalCUDACluster start, `resources={"GPU": 1}` on every worker, NVML names
and memory, and a CuPy matrix product submitted with `resources={"GPU": 1}`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

from jupyter_mlops.clusters.entities import StartCluster
from jupyter_mlops.clusters.gpus import gpu_environment
from jupyter_mlops.clusters.manager import ClusterManager

SIZE = {"workers": 2, "threads": 1, "processes": False}


async def _raw_local_cluster(tls: bool = False) -> float:
    from distributed import LocalCluster
    from distributed.security import Security

    began = time.perf_counter()
    secured = {"protocol": "tls://", "security": Security.temporary()} if tls else {}
    secured.setdefault("protocol", "tcp://")
    cluster = await LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False,
        host="127.0.0.1", dashboard_address="127.0.0.1:0", asynchronous=True, **secured,
    )  # fmt: skip
    took = time.perf_counter() - began
    await cluster.close()
    return took


async def _manager_start(manager: ClusterManager) -> tuple[float, float]:
    began = time.perf_counter()
    info = await manager.start(StartCluster(**SIZE))
    took = time.perf_counter() - began
    polls = []
    for _ in range(20):
        began = time.perf_counter()
        await manager.list()
        polls.append(time.perf_counter() - began)
    await manager.close(info.id)
    return took, statistics.median(polls)


async def _labextension_start() -> float | None:
    try:
        from dask_labextension.manager import DaskClusterManager
    except ImportError:
        return None
    import dask

    config = {"labextension.factory": {"module": "distributed", "class": "LocalCluster",
              "args": [], "kwargs": {"processes": False, "threads_per_worker": 1}}}  # fmt: skip
    with dask.config.set(config):
        manager = DaskClusterManager()
        began = time.perf_counter()
        model = await manager.start_cluster(configuration={"workers": 2})
        took = time.perf_counter() - began
        await manager.close_cluster(model["id"])
    return took


async def cpu_figures(rounds: int) -> None:
    manager = ClusterManager()
    raw, raw_tls, ours, polls, peer = [], [], [], [], []
    for _ in range(rounds):
        raw.append(await _raw_local_cluster())
        raw_tls.append(await _raw_local_cluster(tls=True))
        start, poll = await _manager_start(manager)
        ours.append(start)
        polls.append(poll)
        if (took := await _labextension_start()) is not None:
            peer.append(took)
    await manager.shutdown()
    print(f"LocalCluster, 2 thread workers, median of {rounds} rounds:")
    print(f"  direct construction, TCP     {statistics.median(raw) * 1000:8.1f} ms")
    print(f"  direct construction, TLS     {statistics.median(raw_tls) * 1000:8.1f} ms")
    print(f"  ClusterManager.start (TLS)   {statistics.median(ours) * 1000:8.1f} ms")
    print(f"  ClusterManager.list (a poll) {statistics.median(polls) * 1000:8.1f} ms")
    if peer:
        print(f"  dask-labextension start      {statistics.median(peer) * 1000:8.1f} ms")
    else:
        print("  dask-labextension: not importable, not timed")


async def gpu_check() -> bool:
    from distributed import Client
    from distributed.security import Security

    environment = gpu_environment()
    print(f"GPUs: {environment.note}")
    for gpu in environment.devices:
        print(f"  NVML {gpu.index}: {gpu.name}, {gpu.memory_total} bytes")
    manager = ClusterManager()
    began = time.perf_counter()
    info = await manager.start(StartCluster(gpus="all", name="gpu-check"))
    print(f"GPU cluster {info.cluster_class} started in {time.perf_counter() - began:.1f} s")
    ok = info.kind == "gpu" and len(info.workers) == len(environment.devices)
    for worker in info.workers:
        gpu = worker.gpu
        print(
            f"  worker {worker.name}: resources={worker.resources} gpu={gpu.name if gpu else None} "
            f"memory {gpu.memory_used if gpu else '?'} / {gpu.memory_total if gpu else '?'} bytes"
        )
        ok = ok and worker.resources == {"GPU": 1.0} and gpu is not None

    def matmul(n: int) -> tuple[str, str, float, float]:
        import os
        import time as clock

        import cupy as cp

        a = cp.random.random((n, n), dtype=cp.float32)
        (a @ a).sum()
        cp.cuda.Device().synchronize()
        began = clock.perf_counter()
        total = float((a @ a).sum())
        seconds = clock.perf_counter() - began
        name = cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
        return os.environ.get("CUDA_VISIBLE_DEVICES", ""), name, total, seconds

    connection = await manager.connection(info.id)
    assert connection.tls is not None
    security = Security(
        tls_ca_file=connection.tls.ca, tls_client_cert=connection.tls.cert,
        tls_client_key=connection.tls.key, require_encryption=True,
    )  # fmt: skip
    async with Client(info.scheduler_address, security=security, asynchronous=True) as client:
        visible, name, total, seconds = await client.submit(matmul, 8192, resources={"GPU": 1})
    print(
        f"CuPy 8192x8192 float32 matmul with resources={{'GPU': 1}}: ran on {name} "
        f"(CUDA_VISIBLE_DEVICES={visible}) in {seconds * 1000:.1f} ms, "
        f"{2 * 8192**3 / seconds / 1e12:.1f} TFLOP/s; sum {total:.4g}"
    )
    await manager.shutdown()
    print("GPU CHECK", "PASSED" if ok else "FAILED")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gpu", action="store_true", help="also run the GPU cluster check")
    args = parser.parse_args()
    asyncio.run(cpu_figures(args.rounds))
    if args.gpu and not asyncio.run(gpu_check()):
        sys.exit(1)


if __name__ == "__main__":
    main()
