"""The drift loop after the retraining, on a real server: a drift alert's retraining job (a real
papermill run over REST) registers a version, the monitoring ticker follows the alert up with a
`propose` gate run (a jobs-runner task) and the endpoint serves the new version when every gate
passes and the gates say `auto_promote`; without it an approval request appears. The chain is
read from the alert over REST (`monitors/{id}/alerts/{alert_id}/chain`).

Data: scikit-learn's bundled breast cancer set; `size_band` (mean radius above or below its
median) is a slice derived from a measured feature, not a protected attribute.

The alert is recorded directly (the window and drift steps before it are covered by
tests/monitoring/test_monitoring_loop.py); its job run is a real one started over REST.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import jupyter_mlops as mlops
from jupyter_mlops.core.store import get_database
from jupyter_mlops.monitoring.store import MonitorStore
from tests.support.jobs import write_notebook
from tests.support.rest import call, until

# The whole loop (monitoring, jobs, tracking, team approvals, evaluation): every capability.
pytestmark = pytest.mark.timeout(900)

RETRAIN = """
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
import jupyter_mlops as mlops

rows = pd.read_parquet(data_path)
X, y = rows.drop(columns=["target"]), rows["target"]
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=0.5)).fit(X, y)
with mlops.start_run() as run:
    mlops.log_model(model, "model", X=X)
print("registered", mlops.register_model(run.run_id, model_name).version)
"""


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    """The suite's server, with a ticker that ticks every half second (it follows alerts up)."""
    return {
        **jp_server_config,
        "MLOpsApp": {**jp_server_config["MLOpsApp"], "monitoring_interval": 0.5},
    }


@pytest.fixture
def data(tmp_path: Path) -> dict[str, str]:
    """v1 serves `cancer@champion`; the retraining's training file and the labelled holdout
    (with `size_band`)."""
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    band = np.where(X["mean radius"] > X["mean radius"].median(), "large", "small")
    X_train, X_test, y_train, y_test, _b, band_test = train_test_split(
        X, y, band, test_size=0.4, random_state=0, stratify=y
    )
    first = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    mlops.register_model(first.fit(X_train, y_train), "cancer", X=X_train)
    mlops.set_model_alias("cancer", "champion", 1)
    train, holdout = tmp_path / "train.parquet", tmp_path / "holdout.parquet"
    X_train.assign(target=y_train.to_numpy()).to_parquet(train)
    X_test.assign(target=y_test.to_numpy(), size_band=band_test).to_parquet(holdout)
    return {"train": str(train), "holdout": str(holdout)}


async def _alert_with_retraining(
    jp_fetch: Any, monitor_id: str, job_id: str, train: str, slot: int
) -> tuple[int, str]:
    """Start the retraining job over REST (as `raise_alert` does) and record its alert."""
    run = await call(jp_fetch, "POST", "jobs", job_id, "runs",
                     body={"parameters": {"data_path": train}, "trigger": "alert"})  # fmt: skip
    store = MonitorStore(get_database())
    start = int(time.time() * 1000) - 3_600_000 + slot * 1000
    window = store.claim_window(monitor_id, start, start + 500)
    assert window is not None
    alert = store.add_alert(
        monitor_id, window.window_id, "data_drift", "cancer: drifted", run["run_id"]
    )
    return alert.alert_id, run["run_id"]


async def _chain_settled(jp_fetch: Any, monitor_id: str, alert_id: int) -> dict[str, Any]:
    async def settled() -> Any:
        chain = await call(jp_fetch, "GET", "monitors", monitor_id, "alerts", str(alert_id),
                           "chain")  # fmt: skip
        final = ("promoted", "approval_requested", "refused", "error", "job_failed",
                 "no_version", "no_gates")  # fmt: skip
        return chain if chain["outcome"] in final else None

    settled_chain: dict[str, Any] = await until(settled)
    return settled_chain


@pytest.mark.slow
async def test_drift_loop_promotes_with_auto_promote_else_asks_for_approval(
    jp_fetch, jp_root_dir: Path, data: dict[str, str]
) -> None:
    endpoint = await call(jp_fetch, "POST", "endpoints", body={"model": "cancer@champion"})
    assert endpoint["serving_version"] == 1
    gates = {"holdout": data["holdout"], "target": "target", "metric": "roc_auc",
             "tolerance": 0.01, "slices": ["size_band"], "max_slice_drop": 0.05}  # fmt: skip
    await call(jp_fetch, "PUT", "evaluation", "models", "cancer", "gates", body=gates)
    write_notebook(jp_root_dir / "retrain.ipynb", "data_path = ''\nmodel_name = 'cancer'", RETRAIN)
    job = await call(jp_fetch, "POST", "jobs", body={"notebook_path": "retrain.ipynb"})
    watch = {"endpoint_name": "cancer", "retrain_job_id": job["job_id"]}
    monitor = await call(jp_fetch, "POST", "monitors", body=watch)
    monitor_id = monitor["monitor_id"]

    # Without auto_promote: every gate passes, and an approval request for v2 appears.
    alert_id, run_id = await _alert_with_retraining(
        jp_fetch, monitor_id, job["job_id"], data["train"], 0
    )
    chain = await _chain_settled(jp_fetch, monitor_id, alert_id)
    assert chain["outcome"] == "approval_requested", chain
    assert chain["alert"]["job_run_id"] == run_id
    assert chain["job_run"]["status"] == "succeeded"
    assert chain["versions"] == [2] and chain["followup"]["version"] == 2
    assert chain["gate_run"]["status"] == "pending" and chain["gate_run"]["failed"] == []
    assert chain["approval"]["state"] == "pending" and chain["approval"]["alias"] == "champion"
    approvals = await call(jp_fetch, "GET", "approvals")
    assert any(a["id"] == chain["approval"]["id"] and a["version"] == 2
               for a in approvals["approvals"])  # fmt: skip
    served = await call(jp_fetch, "GET", "endpoints", "cancer")
    assert served["serving_version"] == 1

    # With auto_promote: the next retraining's version (v3) is promoted and served.
    await call(jp_fetch, "PUT", "evaluation", "models", "cancer", "gates",
               body={**gates, "auto_promote": True})  # fmt: skip
    alert_id, run_id = await _alert_with_retraining(
        jp_fetch, monitor_id, job["job_id"], data["train"], 1
    )
    chain = await _chain_settled(jp_fetch, monitor_id, alert_id)
    assert chain["outcome"] == "promoted", chain
    assert chain["versions"] == [3] and chain["gate_run"]["status"] == "promoted"
    assert chain["approval"] is None
    served = await call(jp_fetch, "GET", "endpoints", "cancer")
    assert served["serving_version"] == 3
    await call(jp_fetch, "DELETE", "endpoints", "cancer")
