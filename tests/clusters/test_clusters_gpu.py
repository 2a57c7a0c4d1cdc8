"""GPU workers through the ClusterManager: dask-cuda, `resources={"GPU": 1}`, NVML, CuPy.

These skip, saying why, on machines without an NVIDIA GPU or without dask-cuda. They use the
manager directly (no Jupyter server), so they also run where only the clusters core and its
wheels are installed: `pytest --noconftest -m gpu tests/clusters/test_clusters_gpu.py`.
"""

from __future__ import annotations

import pytest

from jupyter_mlops.clusters.entities import AdaptRange, StartCluster
from jupyter_mlops.clusters.gpus import dask_cuda_installed, gpu_environment, list_gpus, select_gpus
from jupyter_mlops.clusters.manager import ClusterManager
from jupyter_mlops.core.errors import MLOpsError

pytestmark = pytest.mark.gpu


def _require_gpu() -> None:
    if not list_gpus():
        pytest.skip(f"no NVIDIA GPU: {gpu_environment().note}")
    if not dask_cuda_installed():
        pytest.skip("no dask-cuda: pip install 'jupyter-mlops[gpu]'")


@pytest.fixture(scope="module")
def gpu_cluster():
    _require_gpu()
    manager = ClusterManager()
    info = manager.run_sync(manager.start(StartCluster(gpus="all", name="gpu-test")))
    yield manager, info
    manager.shutdown_sync()


def test_one_worker_per_gpu_each_advertising_one_gpu(gpu_cluster):
    _, info = gpu_cluster
    assert info.kind == "gpu"
    assert info.cluster_class == "dask_cuda.LocalCUDACluster"
    assert info.status == "running"
    assert len(info.workers) == len(list_gpus())
    for worker in info.workers:
        assert worker.resources == {"GPU": 1.0}


def test_gpu_names_and_memory_come_from_nvml(gpu_cluster):
    _, info = gpu_cluster
    by_index = {gpu.index: gpu for gpu in list_gpus()}
    for worker in info.workers:
        assert worker.gpu is not None
        expected = by_index[int(worker.name)]
        assert worker.gpu.name == expected.name
        assert worker.gpu.memory_total == expected.memory_total
        assert worker.gpu.memory_used is not None
    assert info.gpus == len(info.workers)


def test_work_that_asks_for_a_gpu_runs_on_a_gpu_worker(gpu_cluster):
    pytest.importorskip("cupy", reason="CuPy is not installed")
    from distributed import Client

    def gpu_matmul(n: int) -> tuple[str, str, float]:
        # Defined here so that cloudpickle ships it by value to the worker processes.
        import os

        import cupy as cp

        a = cp.random.random((n, n), dtype=cp.float32)
        name = cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
        return os.environ.get("CUDA_VISIBLE_DEVICES", ""), name, float((a @ a).sum())

    _, info = gpu_cluster
    with Client(info.scheduler_address) as client:
        visible, name, total = client.submit(gpu_matmul, 1024, resources={"GPU": 1}).result(120)
    assert visible.split(",")[0] == str(list_gpus()[0].index)
    assert name == list_gpus()[0].name
    assert total > 0


def test_a_gpu_cluster_cannot_grow_past_one_worker_per_gpu(gpu_cluster):
    manager, info = gpu_cluster
    with pytest.raises(MLOpsError) as error:
        manager.run_sync(manager.scale(info.id, len(list_gpus()) + 1))
    assert error.value.field == "workers"
    with pytest.raises(MLOpsError) as error:
        manager.run_sync(
            manager.adapt(info.id, AdaptRange(minimum=1, maximum=len(list_gpus()) + 1))
        )
    assert error.value.field == "adapt.maximum"


def test_more_gpus_than_exist_is_an_error_naming_gpus():
    _require_gpu()
    with pytest.raises(MLOpsError) as error:
        select_gpus(len(list_gpus()) + 1)
    assert error.value.field == "gpus"
    assert "found" in error.value.message
