"""Example notebook 06 as a job of a real server: the whole drift -> retrain -> promote loop
through the public API, with notebook 04 as the retraining job."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jupyter_mlops as mlops
from tests.jobs.test_jobs_api import call, finished

pytestmark = pytest.mark.capabilities("monitoring")

EXAMPLES = Path(__file__).parents[2] / "example_notebooks"


@pytest.mark.slow
async def test_the_monitoring_notebook_closes_the_loop(jp_fetch, jp_root_dir, mlops_store):
    for name in ("04_scheduled_training.ipynb", "06_monitor_drift.ipynb"):
        shutil.copy(EXAMPLES / name, jp_root_dir / name)
    _, job = await call(
        jp_fetch, "jobs", method="POST",
        body={"notebook_path": "06_monitor_drift.ipynb", "run_now": True},
    )  # fmt: skip
    run = await finished(jp_fetch, job["last_run"]["run_id"], timeout=480)
    assert run["status"] == "succeeded", (run["error"], run.get("failed_cell_source"))
    windows = mlops.monitor_windows("drift-demo")
    assert [w.dataset_drifted for w in windows] == [False, True]
    assert all(w.performance and w.n_labels >= 100 for w in windows)
    alerts = mlops.monitor_alerts("drift-demo")
    # The shifted window drifts, and its inputs leave the ranges the training data suggested.
    assert sorted(a.kind for a in alerts) == ["data_drift", "data_validation"]
    (alert,) = [a for a in alerts if a.kind == "data_drift"]
    assert alert.job_run_id and alert.job_error is None
    retrain = await finished(jp_fetch, alert.job_run_id, timeout=240)
    assert retrain["status"] == "succeeded", retrain["error"]
    assert retrain["parameters"]["data_path"] == windows[1].data_path
    assert mlops.get_model_version("drift-demo", alias="champion").version == 2
    _, endpoints = await call(jp_fetch, "endpoints")
    assert endpoints["endpoints"] == []
