"""The Models section and a model's page in a real JupyterLab: Deploy, live stats, Promote."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.support.browser import open_mlops_sidebar

pytestmark = pytest.mark.browser

REGISTER = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
import jupyter_mlops as mlops
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
y = (X["a"] > 0).astype(int)
mlops.register_model(LogisticRegression().fit(X, y), "browser-model", X=X)
mlops.register_model(DecisionTreeClassifier().fit(X, y), "browser-model", X=X)
"""


def test_deploy_then_promote_from_the_model_page(lab_page, lab_server):
    subprocess.run([sys.executable, "-c", REGISTER], env=lab_server.env(), check=True)
    lab_page.goto(lab_server.lab_url())
    lab_page.wait_for_selector("#jp-main-dock-panel", state="attached")
    lab_page.on("dialog", lambda dialog: dialog.accept())
    open_mlops_sidebar(lab_page)
    lab_page.locator('[data-testid=mlops-model][data-model="browser-model"]').click()
    view = lab_page.locator("[data-testid=mlops-model-view]")
    view.wait_for(state="visible")
    assert view.locator("[data-testid=mlops-model-version]").count() == 2
    # The version's training-data profile (the drift baseline) opens in the profile view.
    view.locator('[data-testid=mlops-model-version][data-version="1"]').locator(
        "[data-testid=mlops-version-profile]"
    ).click()
    report = lab_page.wait_for_selector("[data-testid=mlops-profile-report]", timeout=30_000)
    assert "model:browser-model/v1:training" in report.inner_text()
    lab_page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Model browser-model").click()

    view.locator(
        '[data-testid=mlops-model-version][data-version="1"] [data-testid=mlops-deploy]'
    ).click()
    card = view.locator("[data-testid=mlops-endpoint]")
    card.locator("xpath=self::*[@data-state='running'][@data-version='1']").wait_for(
        timeout=120_000
    )
    url = card.locator("[data-testid=mlops-endpoint-url]").inner_text()
    assert url.startswith("http://127.0.0.1:")
    body = {"dataframe_records": [{"a": 1.0, "b": 0.0, "c": 0.0}]}
    for _ in range(5):
        assert httpx.post(f"{url}/invocations", json=body, timeout=30).status_code == 200
    stats = card.locator("[data-testid=mlops-endpoint-stats]")
    stats.filter(has_text="5 requests").wait_for(timeout=30_000)
    assert "0 errors" in stats.inner_text()

    view.locator(
        '[data-testid=mlops-model-version][data-version="2"] [data-testid=mlops-promote]'
    ).click()
    card.locator("xpath=self::*[@data-state='running'][@data-version='2']").wait_for(
        timeout=120_000
    )
    assert httpx.get(f"{url}/health", timeout=10).json()["version"] == 2
    assert (
        "@champion"
        in view.locator('[data-testid=mlops-model-version][data-version="2"]').inner_text()
    )

    card.locator("button", has_text="Delete").click()
    card.wait_for(state="detached", timeout=60_000)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=5)
