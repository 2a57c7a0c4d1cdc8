"""Job runs as tasks on a Dask cluster: a process `LocalCluster` runs the notebook (its kernel is
the worker's child), a GPU job goes to the worker that advertises a GPU, and on a machine with
an NVIDIA GPU and dask-cuda a GPU job's kernel sees its GPU (skips, saying why, elsewhere)."""

from __future__ import annotations

import pytest
from distributed import Client, LocalCluster

from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.entities import JobSpec, RunStatus
from jupyter_mlops.jobs.runner import JobRunner
from jupyter_mlops.jobs.service import JobService
from tests.support.jobs import outputs_text, write_notebook


def run_on(client: Client, root, **spec) -> tuple:
    write_notebook(
        root / "where.ipynb",
        "label = 'none'",
        "import os\nprint('parent', os.getppid(), label)",
    )
    runner = JobRunner(
        get_database(), output_root=root / "out", root_dir=root, dask_client=lambda: client
    )
    try:
        job = JobService(runner.store, root).create(
            JobSpec(
                notebook_path="where.ipynb", target="dask", parameters={"label": "dask"}, **spec
            )
        )
        run = runner.wait(runner.run_job(job.job_id).run_id, timeout=180)
    finally:
        runner.close(wait=True)
    return run, outputs_text(run.outputs["ipynb"]) if "ipynb" in run.outputs else ""


def test_a_gpu_job_runs_as_a_task_on_the_worker_that_advertises_a_gpu(tmp_path):
    # One plain worker and one advertising a GPU resource (no GPU needed to route by it).
    from distributed import Nanny

    with (
        LocalCluster(
            n_workers=1, processes=True, threads_per_worker=1, dashboard_address=None
        ) as local,
        Client(local) as client,
    ):

        async def add_gpu_worker() -> Nanny:
            return await Nanny(local.scheduler_address, resources={"GPU": 1}, nthreads=1)

        gpu = client.sync(add_gpu_worker)
        try:
            client.wait_for_workers(2)
            gpu_pid = client.run(lambda: __import__("os").getpid(), workers=[gpu.worker_address])
            run, text = run_on(client, tmp_path, gpu=True)
        finally:
            client.sync(gpu.close)
    assert run.status is RunStatus.SUCCEEDED, run.error
    # The kernel is the GPU worker's child; the parameter arrived; progress came from it.
    assert int(text.split()[1]) == next(iter(gpu_pid.values())) and "dask" in text
    assert run.cells_done == run.cells_total == 3
    assert run.outputs["ipynb"] == str(
        tmp_path / "out" / run.run_id / f"where-run-{run.run_id[:8]}.ipynb"
    )


@pytest.mark.gpu
def test_a_gpu_job_on_a_dask_cuda_worker_sees_its_gpu(tmp_path):
    from jupyter_mlops.clusters.gpus import dask_cuda_installed, gpu_environment, list_gpus

    if not list_gpus():
        pytest.skip(f"no NVIDIA GPU: {gpu_environment().note}")
    if not dask_cuda_installed():
        pytest.skip("no dask-cuda: pip install 'jupyter-mlops[gpu]'")
    from dask_cuda import LocalCUDACluster

    write_notebook(
        tmp_path / "gpu.ipynb",
        "size = 256",
        "import os\nprint('visible', os.environ.get('CUDA_VISIBLE_DEVICES'))",
    )
    with (
        LocalCUDACluster(resources={"GPU": 1}, dashboard_address=None) as local,
        Client(local) as client,
    ):
        runner = JobRunner(
            get_database(), output_root=tmp_path / "out", root_dir=tmp_path,
            dask_client=lambda: client,
        )  # fmt: skip
        try:
            job = JobService(runner.store, tmp_path).create(
                JobSpec(notebook_path="gpu.ipynb", target="dask", gpu=True)
            )
            run = runner.wait(runner.run_job(job.job_id).run_id, timeout=300)
        finally:
            runner.close(wait=True)
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert "visible " in outputs_text(run.outputs["ipynb"])
    assert "visible None" not in outputs_text(run.outputs["ipynb"])
