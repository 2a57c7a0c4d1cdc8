"""The whole loop on a real server: an endpoint process receives shifted traffic, its monitor's
window (a jobs-runner task) drifts, the alert starts the retraining job (a papermill run), and
the job registers a new model version, ready to promote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from tornado.httpclient import HTTPClientError

import jupyter_mlops as mlops
from jupyter_mlops.serving.request_log import read_requests
from tests.support.jobs import write_notebook
from tests.support.rest import call, error_body, until

pytestmark = pytest.mark.capabilities("monitoring")

COLUMNS = ["a", "b", "c"]

RETRAIN = """
import pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops

rows = pd.read_parquet(data_path)
rows = rows[rows["label"].notna()]
X, y = rows[["a", "b", "c"]], rows["label"].astype(int)
version = mlops.register_model(LogisticRegression().fit(X, y), model_name, X=X)
print("registered", version.version)
"""


@pytest.mark.timeout(600)  # an endpoint, a task process and a papermill kernel on 2 loaded cores
@pytest.mark.slow
async def test_drift_alert_retrains_and_registers_a_new_version(
    jp_fetch, jp_root_dir: Path, mlops_store: Path
) -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(1500, 3)), columns=COLUMNS)
    mlops.register_model(LogisticRegression().fit(X, X["a"] > X["b"]), "clf", X=X)
    endpoint = await call(jp_fetch, "POST", "endpoints", body={"model": "clf"})
    write_notebook(jp_root_dir / "retrain.ipynb", "data_path = ''\nmodel_name = 'clf'", RETRAIN)
    job = await call(jp_fetch, "POST", "jobs", body={"notebook_path": "retrain.ipynb"})
    monitor = await call(
        jp_fetch, "POST", "monitors",
        body={"endpoint_name": "clf", "min_rows": 100, "retrain_job_id": job["job_id"]},
    )  # fmt: skip

    # Traffic where a and b moved by two standard deviations; one row per request, 150 of them:
    # above the monitor's min_rows of 100 (each request is a round trip to the endpoint).
    shifted = pd.DataFrame(rng.normal(size=(150, 3)), columns=COLUMNS)
    shifted[["a", "b"]] += 2.0
    ids = [f"r{i}" for i in range(len(shifted))]
    token = mlops.get_endpoint("clf").token  # deployed endpoints require their bearer token
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=endpoint["url"], timeout=120) as client:
        for request_id, (_, row) in zip(ids, shifted.iterrows(), strict=True):
            answer = await client.post(
                "/invocations",
                json={"dataframe_records": [row.to_dict()]},
                headers={**headers, "x-request-id": request_id},
            )
            assert answer.status_code == 200, answer.text

    async def logged() -> bool:
        return len(read_requests("clf", data_dir=mlops_store)) >= len(shifted)

    await until(logged)
    truth = (shifted["a"] - shifted["b"] > 0.5).astype(int).tolist()
    saved = await call(
        jp_fetch, "POST", "monitors", monitor["monitor_id"], "labels",
        body={"request_ids": ids, "labels": truth},
    )  # fmt: skip
    assert saved == {"saved": len(ids)}

    window = await call(jp_fetch, "POST", "monitors", monitor["monitor_id"], "windows")
    assert window["task_run_id"]

    # Wait for the evaluation task's run, not for the window's status: the task stores the
    # window's result first and then its alert, which starts the retraining over REST first; a
    # window seen "done" may not have its alert yet. The task's run ends after both.
    async def evaluated() -> Any:
        task = await call(jp_fetch, "GET", "job-runs", window["task_run_id"])
        return task if task["status"] not in ("queued", "running") else None

    task = await until(evaluated)
    assert task["status"] == "succeeded", task.get("error")
    done = await call(
        jp_fetch, "GET", "monitors", monitor["monitor_id"], "windows", str(window["window_id"])
    )
    assert done["status"] == "done", done["error"]
    assert done["n_rows"] == len(shifted) and done["dataset_drifted"]
    drifted = {c["column"] for c in done["report"]["columns"] if c["drifted"]}
    assert drifted == {"a", "b"}
    assert done["n_labels"] == len(ids) and 0 <= done["performance"]["accuracy"] <= 1

    alerts = await call(jp_fetch, "GET", "monitors", monitor["monitor_id"], "alerts")
    (alert,) = alerts["alerts"]
    assert alert["job_error"] is None and alert["job_run_id"]

    async def retrained() -> Any:
        run = await call(jp_fetch, "GET", "job-runs", alert["job_run_id"])
        return run if run["status"] not in ("queued", "running") else None

    run = await until(retrained)
    assert run["status"] == "succeeded", run.get("error")
    assert run["parameters"]["data_path"] == done["data_path"]
    versions = await call(jp_fetch, "GET", "models", "clf")
    assert sorted(v["version"] for v in versions["versions"]) == [1, 2]
    await call(jp_fetch, "DELETE", "endpoints", "clf")


async def test_monitor_routes_refuse_bad_input_naming_the_field(jp_fetch, mlops_store) -> None:
    for body, field in (
        ({"endpoint_name": "nope"}, "endpoint_name"),
        ({"endpoint_name": "x", "window_seconds": 0}, "window_seconds"),
        ({"endpoint_name": "x", "surprise": 1}, "surprise"),
    ):
        with pytest.raises(HTTPClientError) as info:
            await call(jp_fetch, "POST", "monitors", body=body)
        assert info.value.code in (400, 404)
        assert error_body(info.value)["field"] == field
    with pytest.raises(HTTPClientError) as info:
        await call(jp_fetch, "GET", "monitors", "nope", "windows", "not-a-number")
    assert info.value.code in (400, 404)
    with pytest.raises(HTTPClientError) as info:
        await call(jp_fetch, "POST", "drift", body={"reference": "none", "current": "none"})
    assert error_body(info.value)["field"] == "reference"


async def test_drift_between_two_stored_profiles_over_rest(jp_fetch, mlops_store) -> None:
    rng = np.random.default_rng(1)
    reference = pd.DataFrame({"x": rng.normal(0, 1, 3000)})
    current = pd.DataFrame({"x": rng.normal(1, 1, 3000)})
    mlops.save_profile(mlops.profile(reference), "ref")
    mlops.save_profile(mlops.profile(current), "cur")
    report = await call(jp_fetch, "POST", "drift", body={"reference": "ref", "current": "cur"})
    assert report["dataset_drifted"] and report["columns"][0]["column"] == "x"
