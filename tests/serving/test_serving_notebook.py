"""Example notebook 05 as a job of a real server: it registers, deploys, calls the endpoint,
promotes version 2 and stops the endpoint, all through the public API."""

from __future__ import annotations

import shutil
from pathlib import Path

import jupyter_mlops as mlops
from tests.jobs.test_jobs_api import call, finished

EXAMPLE = Path(__file__).parents[2] / "example_notebooks" / "05_deploy_model.ipynb"


async def test_the_deploy_notebook_runs_end_to_end(jp_fetch, jp_root_dir):
    shutil.copy(EXAMPLE, jp_root_dir / EXAMPLE.name)
    _, job = await call(
        jp_fetch,
        "jobs",
        method="POST",
        body={
            "notebook_path": EXAMPLE.name,
            "parameters": {"model_name": "nb-model"},
            "run_now": True,
        },
    )
    run = await finished(jp_fetch, job["last_run"]["run_id"], timeout=300)
    assert run["status"] == "succeeded", (run["error"], run.get("failed_cell_source"))
    assert mlops.get_model_version("nb-model", alias="champion").version == 2
    assert [v.version for v in mlops.list_model_versions("nb-model")] == [2, 1]
    assert mlops.get_model_version("nb-model", version=1).training_profile
    _, endpoints = await call(jp_fetch, "endpoints")
    assert endpoints["endpoints"] == []
    logged = mlops.read_requests("nb-model")
    assert set(logged["_mlops_model_version"]) == {1, 2}
