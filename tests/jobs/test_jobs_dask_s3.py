"""A job with target=dask under an S3 artifact root (a real moto server): the worker gets the
notebook as JSON and writes the executed notebook to `<root>/jobs/<run_id>/` itself, so it needs
nothing from the Lab's disk; the run's output location is that object, readable from there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from jupyter_mlops.core import artifact_store
from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.entities import JobSpec, RunStatus
from jupyter_mlops.jobs.runner import JobRunner
from jupyter_mlops.jobs.service import JobService
from tests.support.jobs import write_notebook


@pytest.mark.timeout(600)
def test_a_dask_job_writes_its_outputs_to_the_s3_root(s3_root: str, tmp_path: Path) -> None:
    write_notebook(tmp_path / "where.ipynb", "label = 'none'", "print('ran on', label)")
    with (
        LocalCluster(n_workers=1, processes=True, threads_per_worker=1, dashboard_address=None)
        as local,
        Client(local) as client,
    ):  # fmt: skip
        runner = JobRunner(
            get_database(), output_root=tmp_path / "out", root_dir=tmp_path,
            dask_client=lambda: client,
        )  # fmt: skip
        try:
            job = JobService(runner.store, tmp_path).create(
                JobSpec(notebook_path="where.ipynb", target="dask", parameters={"label": "dask"})
            )
            run = runner.wait(runner.run_job(job.job_id).run_id, timeout=300)
        finally:
            runner.close(wait=True)
    assert run.status is RunStatus.SUCCEEDED, run.error
    location = run.outputs["ipynb"]
    assert location.startswith(f"{s3_root}/jobs/{run.run_id}/") and location.endswith(".ipynb")
    notebook = json.loads(artifact_store.read_bytes(location))
    printed = "".join(
        "".join(output.get("text", ""))
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )
    assert "ran on dask" in printed
    assert not (tmp_path / "out").exists()  # nothing written on the Lab's side
