"""The Models section and a model's page in a real JupyterLab: Deploy, live stats, Promote,
and a retrained version compared with the served one, promoted from the comparison."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot
from tests.support.dialogs import confirm_dialog

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

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


@pytest.mark.slow
def test_deploy_then_promote_from_the_model_page(lab_page, lab_server):
    page = lab_page  # the sidebar reads the models when it shows
    subprocess.run([sys.executable, "-c", REGISTER], env=lab_server.env(), check=True)
    open_mlops_sidebar(page)
    page.locator('[data-testid=mlops-model][data-model="browser-model"]').click()
    view = page.locator("[data-testid=mlops-model-view]")
    view.wait_for(state="visible")
    expect(view.locator("[data-testid=mlops-model-version]")).to_have_count(2)
    # The version's training-data profile (the drift baseline) opens in the profile view.
    view.locator('[data-testid=mlops-model-version][data-version="1"]').locator(
        "[data-testid=mlops-version-profile]"
    ).click()
    report = page.locator("[data-testid=mlops-profile-report]")
    expect(report).to_contain_text("model:browser-model/v1:training")
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Model browser-model").click()

    view.locator(
        '[data-testid=mlops-model-version][data-version="1"] [data-testid=mlops-deploy]'
    ).click()
    card = view.locator("[data-testid=mlops-endpoint]")
    card.locator("xpath=self::*[@data-state='running'][@data-version='1']").wait_for(
        timeout=120_000
    )
    url_line = card.locator("[data-testid=mlops-endpoint-url]")
    expect(url_line).to_have_text(re.compile(r"^http://127\.0\.0\.1:\d+"))
    url = url_line.inner_text()
    expect(card.locator("[data-testid=mlops-endpoint-restarts]")).to_have_text("0 restarts")
    # The endpoint requires its bearer token: the "How to call" snippet shows it on request.
    card.locator("[data-testid=mlops-endpoint-call] summary").click()
    snippet = card.locator("[data-testid=mlops-endpoint-snippet]")
    expect(snippet).to_contain_text(f"curl -X POST {url}/invocations")
    card.locator("[data-testid=mlops-endpoint-show-token]").click()
    expect(snippet).not_to_contain_text("<token>")
    found = re.search(r"Bearer ([\w-]+)'", snippet.inner_text())
    assert found is not None, snippet.inner_text()
    token = found.group(1)
    body = {"dataframe_records": [{"a": 1.0, "b": 0.0, "c": 0.0}]}
    assert httpx.post(f"{url}/invocations", json=body, timeout=30).status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(5):
        answer = httpx.post(f"{url}/invocations", json=body, headers=headers, timeout=30)
        assert answer.status_code == 200
    stats = card.locator("[data-testid=mlops-endpoint-stats]")
    stats.filter(has_text="6 requests").wait_for(timeout=30_000)
    expect(stats).to_contain_text("1 error")
    expect(stats).not_to_contain_text("1 errors")  # the call without the token

    view.locator(
        '[data-testid=mlops-model-version][data-version="2"] [data-testid=mlops-promote]'
    ).click()
    confirm_dialog(page, "Promote v2 on", "Promote")
    card.locator("xpath=self::*[@data-state='running'][@data-version='2']").wait_for(
        timeout=120_000
    )
    assert httpx.get(f"{url}/health", timeout=10).json()["version"] == 2
    expect(view.locator('[data-testid=mlops-model-version][data-version="2"]')).to_contain_text(
        "@champion"
    )

    card.locator("button", has_text="Delete").click()
    confirm_dialog(page, "Delete endpoint", "Delete")
    card.wait_for(state="detached", timeout=60_000)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/health", timeout=5)


RETRAIN = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops

def train(shift, accuracy, description=None):
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(shift, 1, 500), "b": rng.normal(size=500)})
    y = (X["b"] > 0).astype(int)
    with mlops.start_run() as run:
        mlops.log_metric("accuracy", accuracy)
        mlops.log_model(LogisticRegression().fit(X, y), "model", X=X)
    return mlops.register_model(run.run_id, "compare-model", description=description)

train(0.0, 0.81)
mlops.set_model_alias("compare-model", "champion", 1)
train(2.5, 0.88, "retrained on window-7.csv")
"""


def test_compare_a_retrained_version_with_the_served_one_and_promote_it(lab_page, lab_server):
    subprocess.run([sys.executable, "-c", RETRAIN], env=lab_server.env(), check=True)
    api = f"{lab_server.url}/mlops/api"
    auth = {"Authorization": f"token {lab_server.token}"}
    deployed = httpx.post(
        f"{api}/endpoints",
        json={"model": "compare-model@champion", "name": "compare-ep"},
        headers=auth,
        timeout=300,
    )
    assert deployed.status_code == 201, deployed.text
    url = deployed.json()["url"]
    try:
        open_mlops_sidebar(lab_page)
        lab_page.locator('[data-testid=mlops-model][data-model="compare-model"]').click()
        view = lab_page.locator("[data-testid=mlops-model-view]")
        view.wait_for(state="visible")
        served = view.locator('[data-testid=mlops-model-version][data-version="1"]')
        served.wait_for()
        candidate = view.locator('[data-testid=mlops-model-version][data-version="2"]')
        button = candidate.locator("[data-testid=mlops-compare]")
        # Once the candidate offers the comparison, the served version shows none of its own.
        expect(button).to_have_text("Compare with v1")
        expect(served.locator("[data-testid=mlops-compare]")).to_have_count(0)
        button.click()

        compare = view.locator("[data-testid=mlops-version-compare]")
        compare.wait_for()
        accuracy = compare.locator('[data-testid=mlops-compare-metric][data-key="accuracy"]')
        expect(accuracy.locator("td")).to_have_text(["accuracy", "0.8800", "0.8100", "+0.0700"])
        lineage = compare.locator("[data-testid=mlops-compare-lineage]")
        expect(lineage).to_contain_text("retrained on window-7.csv")
        drift = compare.locator("[data-testid=mlops-compare-drift][data-drifted]")
        drift.wait_for(timeout=30_000)
        expect(drift).to_have_attribute("data-drifted", "a")
        expect(drift).to_contain_text("1 of 2 columns drifted (50%)")
        screenshot(view, "model_compare")

        compare.locator("[data-testid=mlops-compare-promote]").click()
        confirm_dialog(lab_page, "Promote v2 on compare-ep", "Promote")
        card = view.locator("[data-testid=mlops-endpoint]")
        card.locator("xpath=self::*[@data-state='running'][@data-version='2']").wait_for(
            timeout=120_000
        )
        assert httpx.get(f"{url}/health", timeout=10).json()["version"] == 2
        # v2 is served now: the comparison is offered on v1 instead.
        expect(served.locator("[data-testid=mlops-compare]")).to_have_text("Compare with v2")
        expect(candidate.locator("[data-testid=mlops-compare]")).to_have_count(0)
    finally:
        httpx.delete(f"{api}/endpoints/compare-ep", headers=auth, timeout=120)
