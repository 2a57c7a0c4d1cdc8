"""Example notebook 07 as a job of a real server (papermill in the job runner): it evaluates a
served version, suggests constraints and validates data, declares gates, sees a version worse on
one slice refused and a good one promoted, all through the public API."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jupyter_mlops as mlops
from tests.jobs.test_jobs_api import call, finished

pytestmark = [pytest.mark.capabilities("evaluation"), pytest.mark.timeout(900)]

EXAMPLE = Path(__file__).parents[2] / "example_notebooks" / "07_evaluate_and_gate.ipynb"


@pytest.mark.slow
async def test_the_evaluate_and_gate_notebook_runs_end_to_end(jp_fetch, jp_root_dir):
    shutil.copy(EXAMPLE, jp_root_dir / EXAMPLE.name)
    _, job = await call(
        jp_fetch,
        "jobs",
        method="POST",
        body={
            "notebook_path": EXAMPLE.name,
            "parameters": {"model_name": "nb-gated"},
            "run_now": True,
        },
    )
    run = await finished(jp_fetch, job["last_run"]["run_id"], timeout=800)
    assert run["status"] == "succeeded", (run["error"], run.get("failed_cell_source"))
    assert mlops.get_model_version("nb-gated", alias="champion").version == 3
    _, gate_runs = await call(jp_fetch, "evaluation", "gate-runs")
    statuses = {(r["version"], r["status"]) for r in gate_runs["gate_runs"]}
    assert statuses == {(2, "refused"), (3, "promoted")}
    _, endpoints = await call(jp_fetch, "endpoints")
    assert endpoints["endpoints"] == []
