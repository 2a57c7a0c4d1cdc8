"""Example notebook 04 as a job through the REST API: it trains, logs a tracking run and a
model, and the job run and the tracking run are linked both ways; a model below the bar fails
the run at the failing cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.jobs.test_jobs_api import call, finished

pytestmark = pytest.mark.capabilities("jobs", "tracking")

EXAMPLE = Path(__file__).parents[2] / "example_notebooks" / "04_scheduled_training.ipynb"


@pytest.mark.slow
async def test_the_retraining_notebook_runs_as_a_job_linked_to_its_tracking_run(
    jp_fetch, jp_root_dir
):
    shutil.copy(EXAMPLE, jp_root_dir / EXAMPLE.name)
    _, job = await call(
        jp_fetch, "jobs", method="POST",
        body={"notebook_path": EXAMPLE.name, "parameters": {"n_estimators": 10}, "run_now": True},
    )  # fmt: skip
    run = await finished(jp_fetch, job["last_run"]["run_id"], timeout=240)
    assert run["status"] == "succeeded", run["error"]
    (tracking_id,) = run["tracking_run_ids"]
    _, tracked = await call(jp_fetch, "runs", tracking_id)
    tags = tracked["tags"]
    assert tags["mlops.job_run_id"] == run["run_id"]
    assert tags["mlops.job_id"] == job["job_id"]
    assert "mlops.model.model" in tags
    # Too high a bar: the run fails at the check, with the error shown.
    _, failed = await call(
        jp_fetch, "jobs", job["job_id"], "runs", method="POST",
        body={"parameters": {"n_estimators": 2, "min_accuracy": 1.5}},
    )  # fmt: skip
    failed = await finished(jp_fetch, failed["run_id"], timeout=240)
    assert failed["status"] == "failed"
    assert "below 1.5" in failed["error"] and "min_accuracy" in failed["failed_cell_source"]
    # Counted as the user counts: their code cells (no markdown, no injected parameters).
    assert failed["error"].startswith("code cell 4 of 5: "), failed["error"]
    # A retraining job's label column without a monitor's window file: a clear error naming
    # data_path (was pandas' KeyError: ['label']).
    _, unlabelled = await call(
        jp_fetch, "jobs", job["job_id"], "runs", method="POST",
        body={"parameters": {"n_estimators": 2, "target": "label"}},
    )  # fmt: skip
    unlabelled = await finished(jp_fetch, unlabelled["run_id"], timeout=240)
    assert unlabelled["status"] == "failed"
    assert unlabelled["error"].startswith("code cell 2 of 5: ValueError: no column 'label'")
    assert "data_path" in unlabelled["error"]
