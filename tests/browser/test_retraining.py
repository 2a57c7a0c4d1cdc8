"""A drift alert's retraining, one click at a time in a real JupyterLab: the alert's cell and
the monitor page's Retraining block show the job run and the version it registered ("v2 ready:
Compare / Promote"); Promote (confirmed in the Lab's dialog) serves it on the real endpoint, and
every view of the endpoint updates from the action's answer, not from its next poll."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot
from tests.support.dialogs import confirm_dialog

pytestmark = pytest.mark.browser

# v1 trained in a tracking run, served by the endpoint through @champion.
TRAIN = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(500, 3)), columns=["a", "b", "c"])
with mlops.start_run() as run:
    mlops.log_model(LogisticRegression().fit(X, X["a"] > X["b"]), "model", X=X)
mlops.register_model(run.run_id, "retrain-model")
mlops.set_model_alias("retrain-model", "champion", 1)
"""

# A monitor with one drifted window and its alert; the retraining job run the alert started
# has succeeded and its notebook registered v2 from a tracking run tagged with the job run.
ALERT = """
import time
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops
from jupyter_mlops.core.config import resolve_data_dir
from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.store import JobStore
from jupyter_mlops.monitoring.entities import MonitorSpec
from jupyter_mlops.monitoring.service import MonitorService
from jupyter_mlops.serving.request_log import requests_folder

rng = np.random.default_rng(1)
now = int(time.time() * 1000)
hour = 3_600_000
shifted = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
shifted[["a", "b"]] += 2.0
rows = shifted.copy()
rows["_mlops_request_id"] = [f"r{i}" for i in range(len(rows))]
rows["_mlops_ts_ms"] = now - hour + 1000
rows["_mlops_model_version"] = 1
rows["_mlops_latency_ms"] = 2.0
rows["_mlops_prediction"] = 1
rows["_mlops_status"] = 200
folder = requests_folder("retrain-ep")
folder.mkdir(parents=True, exist_ok=True)
rows.to_parquet(folder / f"{now - hour:013d}-{now - hour:013d}-1-000001.parquet", index=False)

database = get_database()
service = MonitorService(database, resolve_data_dir())
monitor = service.create(MonitorSpec("retrain-ep", min_rows=50), start_ms=now - hour)
window = service.evaluate_now(monitor.monitor_id, runner=None, now=now - 1000)

job_run = JobStore(database).create_run(
    kind="notebook", title="retrain", trigger="alert", status="succeeded",
    start_time=now - 500, end_time=now
)
with mlops.start_run(tags={"mlops.job_run_id": job_run.run_id}) as run:
    X = shifted
    mlops.log_model(LogisticRegression().fit(X, X["a"] > X["b"]), "model", X=X)
mlops.register_model(run.run_id, "retrain-model")
service.store.add_alert(
    monitor.monitor_id, window.window_id, "drift", "retraining started", job_run_id=job_run.run_id
)
"""


@pytest.mark.slow
def test_promote_the_retrained_version_from_the_alert(blank_page, lab_server):
    page = blank_page  # nothing loaded: the test opens its Lab URL first
    subprocess.run([sys.executable, "-c", TRAIN], env=lab_server.env(), check=True)
    api = f"{lab_server.url}/mlops/api"
    auth = {"Authorization": f"token {lab_server.token}"}
    deployed = httpx.post(
        f"{api}/endpoints",
        json={"model": "retrain-model@champion", "name": "retrain-ep"},
        headers=auth,
        timeout=300,
    )
    assert deployed.status_code == 201, deployed.text
    url = deployed.json()["url"]
    try:
        subprocess.run([sys.executable, "-c", ALERT], env=lab_server.env(), check=True)
        # Polls 1000 times slower: what updates below after Promote, updates from the action.
        page.add_init_script("window.localStorage.setItem('jupyter-mlops:poll-scale', '1000');")
        page.goto(lab_server.lab_url())
        page.wait_for_selector("#jp-main-dock-panel", state="attached")
        open_mlops_sidebar(page)
        serving = page.locator(
            "[data-testid=mlops-models] .jp-MLOps-endpointLine", has_text="retrain-ep"
        )
        expect(serving).to_contain_text("retrain-ep · v1")

        page.locator('[data-testid=mlops-monitor][data-endpoint="retrain-ep"]').click()
        view = page.locator("[data-testid=mlops-monitor-view]")
        view.wait_for(state="visible")
        block = view.locator("[data-testid=mlops-monitor-retraining]")
        alerts = view.locator("[data-testid=mlops-monitor-alerts]")
        cell = alerts.locator("[data-testid=mlops-alert-retraining]")
        for place in (block, cell):
            expect(place.locator("[data-testid=mlops-alert-run]")).to_have_attribute(
                "data-status", "succeeded"
            )
            expect(place.locator("[data-testid=mlops-alert-version]")).to_contain_text("v2 ready:")
        view.locator("[data-testid=mlops-monitor-timeline] .main-svg").first.wait_for()
        screenshot(page, "monitor_retraining_ready")

        block.locator("[data-testid=mlops-alert-promote]").click()
        confirm_dialog(page, "Promote v2 on retrain-ep", "Promote")
        # The action's answer: both places say v2 serves, and so does the sidebar's Models
        # section, whose own poll is 1000 times slower than usual.
        for place in (block, cell):
            expect(place.locator("[data-testid=mlops-alert-version-serving]")).to_have_text(
                "v2 serving", timeout=120_000
            )
        expect(serving).to_contain_text("retrain-ep · v2")
        assert httpx.get(f"{url}/health", timeout=10).json()["version"] == 2
        screenshot(page, "monitor_retraining_serving")
    finally:
        httpx.delete(f"{api}/endpoints/retrain-ep", headers=auth, timeout=120)
