"""The model page's Evaluation tab and the monitor page's data-validation violations, in a real
JupyterLab.

Evaluation tab: Run the gates checks a version (a jobs-runner task; progress shows until it is
decided), then the tab shows its gate results, its metrics beside the served version's on the
same holdout, its slices and its fairness gaps. Data: scikit-learn's breast cancer dataset;
`size_band` (mean radius above or below its median) is derived from a measured feature, a slice
of the data and not a protected attribute of the patients.

Monitor page: a window of requests with one column far outside the training range and another
with missing values lists each violation (column, check, rows).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot

# A check evaluates two versions on the holdout in a task: minutes on a loaded machine.
# The tests on `lab_page` take one loaded Lab in turn (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab, pytest.mark.timeout(900)]

REGISTER = """
import sys
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
import jupyter_mlops as mlops
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
band = np.where(X["mean radius"] > X["mean radius"].median(), "large", "small")
X_train, X_test, y_train, y_test, _b, band_test = train_test_split(
    X, y, band, test_size=0.4, random_state=0, stratify=y
)
logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
mlops.register_model(logistic.fit(X_train, y_train), "evaluated-model", X=X_train)
stump = DecisionTreeClassifier(max_depth=1).fit(X_train, y_train)
mlops.register_model(stump, "evaluated-model", X=X_train)
mlops.set_model_alias("evaluated-model", "champion", 1)
X_test.assign(target=y_test.to_numpy(), size_band=band_test).to_parquet(sys.argv[1])
mlops.set_gates(
    "evaluated-model", holdout=sys.argv[1], target="target", metric="roc_auc", tolerance=0.01,
    slices=["size_band"], max_slice_drop=0.05, sensitive_features=["size_band"],
    fairness_metric="true_positive_rate", max_fairness_difference=0.5,
)
"""


@pytest.mark.slow
def test_the_evaluation_tab_runs_the_gates_and_compares(lab_page, lab_server, tmp_path):
    holdout = str(tmp_path / "holdout.parquet")
    subprocess.run([sys.executable, "-c", REGISTER, holdout], env=lab_server.env(), check=True)
    lab_server.api("endpoints", "POST", {"model": "evaluated-model@champion"})
    open_mlops_sidebar(lab_page)
    lab_page.locator('[data-testid=mlops-model][data-model="evaluated-model"]').click()
    view = lab_page.locator("[data-testid=mlops-model-view]")
    view.locator("[data-testid=mlops-endpoint][data-state=running]").wait_for(timeout=120_000)

    view.locator("[data-testid=mlops-model-tab-evaluation]").click()
    tab = view.locator("[data-testid=mlops-evaluation-tab]")
    # The newest version not served is chosen; it was never evaluated.
    expect(tab.locator("[data-testid=mlops-evaluation-version]")).to_have_value("2")
    expect(tab.locator("[data-testid=mlops-evaluation-none]")).to_be_visible()

    tab.locator("[data-testid=mlops-evaluation-run]").click()
    expect(tab.locator("[data-testid=mlops-evaluation-progress]")).to_be_visible()
    expect(tab.locator("[data-testid=mlops-evaluation-run]")).to_be_disabled()
    latest = tab.locator("[data-testid=mlops-evaluation-latest][data-status=failed]")
    latest.wait_for(timeout=300_000)
    expect(tab.locator("[data-testid=mlops-evaluation-progress]")).to_have_count(0)

    gates = latest.locator("[data-testid=mlops-gate-results]")
    expect(gates.locator("tr[data-gate=holdout_metric]")).to_have_attribute("data-passed", "false")
    metrics = latest.locator("[data-testid=mlops-evaluation-metrics]")
    expect(metrics.locator("th")).to_have_text(["Metric", "v2", "v1 (served)", "Change"])
    expect(metrics.locator("tr[data-row=roc_auc]")).to_have_attribute("data-verdict", "worse")
    slices = latest.locator("[data-testid=mlops-evaluation-slices] tbody tr")
    expect(slices).to_have_count(2)
    expect(slices.first).to_have_attribute("data-row", "size_band=large")
    fairness = latest.locator("[data-testid=mlops-evaluation-fairness][data-feature=size_band]")
    expect(fairness.locator("tr[data-row=true_positive_rate]")).to_be_visible()
    screenshot(lab_page, "evaluation-tab")

    runs = lab_server.api("evaluation/gate-runs?model=evaluated-model")["gate_runs"]
    assert [(r["mode"], r["status"], r["version"]) for r in runs] == [("check", "failed", 2)]
    # Nothing was promoted.
    expect(view.locator("[data-testid=mlops-model-tab-model]")).to_be_visible()
    assert lab_server.api("models/evaluated-model")["aliases"]["champion"] == 1


# A model whose training data had `c` in about (-4, 4) and no missing `a`; a window of 400
# requests where 20 have c = 1e6 and 20 more have no `a`.
MONITORED = """
import time
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops
from jupyter_mlops.core.config import resolve_data_dir
from jupyter_mlops.core.store import get_database
from jupyter_mlops.monitoring.entities import MonitorSpec
from jupyter_mlops.monitoring.service import MonitorService
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.model_uri import ModelRef
from jupyter_mlops.serving.request_log import requests_folder

rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(2000, 3)), columns=["a", "b", "c"])
mlops.register_model(LogisticRegression().fit(X, X["a"] > X["b"]), "validated", X=X)
get_registry().create_endpoint("validated", ModelRef("validated", version=1), "127.0.0.1", 1)
traffic = pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "c"])
traffic.loc[:19, "c"] = 1e6
traffic.loc[20:39, "a"] = np.nan
now = int(time.time() * 1000)
hour = 3_600_000
rows = traffic.copy()
rows["_mlops_request_id"] = [f"r{i}" for i in range(len(rows))]
rows["_mlops_ts_ms"] = now - hour + 1000
rows["_mlops_model_version"] = 1
rows["_mlops_latency_ms"] = 2.0
rows["_mlops_prediction"] = 0
rows["_mlops_status"] = 200
folder = requests_folder("validated")
folder.mkdir(parents=True, exist_ok=True)
ts = now - hour + 1000
rows.to_parquet(folder / f"{ts:013d}-{ts:013d}-1-000001.parquet", index=False)
service = MonitorService(get_database(), resolve_data_dir())
monitor = service.create(MonitorSpec("validated", min_rows=50), start_ms=now - hour)
service.evaluate_now(monitor.monitor_id, runner=None, now=now - 1000)
"""


def test_the_monitor_page_lists_validation_violations(lab_page, lab_server):
    subprocess.run([sys.executable, "-c", MONITORED], env=lab_server.env(), check=True)
    open_mlops_sidebar(lab_page)
    lab_page.locator('[data-testid=mlops-monitor][data-endpoint="validated"]').click()
    view = lab_page.locator("[data-testid=mlops-monitor-view]")
    validation = view.locator("[data-testid=mlops-monitor-validation]")
    expect(validation).to_have_attribute("data-ok", "false")
    expect(validation).to_contain_text("in 400 requests")
    rows = validation.locator("[data-testid=mlops-monitor-violation]")
    expect(rows).to_have_count(2)
    range_row = validation.locator("[data-column=c][data-check=range]")
    expect(range_row).to_have_attribute("data-rows", "20")
    expect(range_row).to_contain_text("5.0%")
    missing = validation.locator("[data-column=a][data-check=completeness]")
    expect(missing).to_have_attribute("data-rows", "20")
    # The alert the violations raised is listed too.
    expect(view.locator("[data-testid=mlops-monitor-alerts]")).to_contain_text("invalid requests")
    screenshot(view, "monitoring-validation")
