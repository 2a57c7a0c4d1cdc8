"""The log -> register -> deploy -> monitor -> retrain loop with the artifact root on S3 (a real
moto server on loopback), on a PostgreSQL store (the team deployment a remote root is for): the
endpoint process reads its model from S3, writes its request log there, the monitor's window file
is an S3 object and the retraining job reads it from there; nothing of it lands in the local data
folder.

Not on SQLite as well: where files go does not depend on the store (`core.artifact_store` reads
the root, not the database), and the same loop on SQLite runs in
tests/monitoring/test_monitoring_loop.py (local root), log/register/deploy from S3 on both
stores in tests/scale_out/test_artifacts_s3.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core import artifact_store
from jupyter_mlops.serving.request_log import read_requests
from tests.monitoring.test_monitoring_loop import COLUMNS, RETRAIN
from tests.support.rest import call, until

from ..support.jobs import write_notebook


@pytest.mark.timeout(900)
@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_loop_with_every_file_on_s3(
    db_url: str, s3_root: str, jp_fetch: Any, jp_root_dir: Path, mlops_store: Path
) -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(1500, 3)), columns=COLUMNS)
    with mlops.start_run(experiment="s3-loop") as run:
        mlops.log_model(LogisticRegression().fit(X, X["a"] > X["b"]), "model", X=X)
    version = mlops.register_model(f"runs:/{run.run_id}/model", "clf")
    assert version.storage_location.startswith(f"{s3_root}/registry/clf/")
    endpoint = await call(jp_fetch, "POST", "endpoints", body={"model": "clf"})
    write_notebook(jp_root_dir / "retrain.ipynb", "data_path = ''\nmodel_name = 'clf'", RETRAIN)
    job = await call(jp_fetch, "POST", "jobs", body={"notebook_path": "retrain.ipynb"})
    monitor = await call(
        jp_fetch, "POST", "monitors",
        body={"endpoint_name": "clf", "min_rows": 100, "retrain_job_id": job["job_id"]},
    )  # fmt: skip

    shifted = pd.DataFrame(rng.normal(size=(200, 3)), columns=COLUMNS)
    shifted[["a", "b"]] += 2.0
    ids = [f"r{i}" for i in range(len(shifted))]
    headers = {"Authorization": f"Bearer {mlops.get_endpoint('clf').token}"}
    async with httpx.AsyncClient(base_url=endpoint["url"], timeout=120) as client:
        for request_id, (_, row) in zip(ids, shifted.iterrows(), strict=True):
            answer = await client.post(
                "/invocations",
                json={"dataframe_records": [row.to_dict()]},
                headers={**headers, "x-request-id": request_id},
            )
            assert answer.status_code == 200, answer.text

    async def logged() -> bool:
        return len(read_requests("clf")) >= len(shifted)

    await until(logged)
    log_keys = list(artifact_store.walk_files(f"{s3_root}/serving/requests/clf"))
    assert log_keys and all(key.endswith(".parquet") for key in log_keys)
    assert not (mlops_store / "serving" / "requests" / "clf").exists()
    truth = (shifted["a"] - shifted["b"] > 0.5).astype(int).tolist()
    await call(
        jp_fetch, "POST", "monitors", monitor["monitor_id"], "labels",
        body={"request_ids": ids, "labels": truth},
    )  # fmt: skip
    window = await call(jp_fetch, "POST", "monitors", monitor["monitor_id"], "windows")

    async def evaluated() -> Any:
        task = await call(jp_fetch, "GET", "job-runs", window["task_run_id"])
        return task if task["status"] not in ("queued", "running") else None

    task = await until(evaluated, timeout=300)
    assert task["status"] == "succeeded", task.get("error")
    done = await call(
        jp_fetch, "GET", "monitors", monitor["monitor_id"], "windows", str(window["window_id"])
    )
    assert done["status"] == "done" and done["dataset_drifted"], done["error"]
    assert done["data_path"].startswith(f"{s3_root}/monitoring/windows/")
    assert artifact_store.exists(done["data_path"])
    assert not (mlops_store / "monitoring" / "windows").exists()
    alerts = (await call(jp_fetch, "GET", "monitors", monitor["monitor_id"], "alerts"))["alerts"]
    alert = next(a for a in alerts if a["job_run_id"])  # the one that started the retraining

    async def retrained() -> Any:
        job_run = await call(jp_fetch, "GET", "job-runs", alert["job_run_id"])
        return job_run if job_run["status"] not in ("queued", "running") else None

    job_run = await until(retrained, timeout=300)
    assert job_run["status"] == "succeeded", job_run.get("error")
    assert job_run["parameters"]["data_path"] == done["data_path"]
    versions = await call(jp_fetch, "GET", "models", "clf")
    stored = {v["version"]: v["storage_location"] for v in versions["versions"]}
    assert sorted(stored) == [1, 2] and stored[2].startswith(f"{s3_root}/registry/clf/v2")
    await call(jp_fetch, "DELETE", "endpoints", "clf")
