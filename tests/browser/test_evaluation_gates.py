"""The Promote button of a model that declares gates, in a real JupyterLab: the gates run first
and their verdicts show inline in the confirm dialog; a version worse on the holdout offers only
an override (cancelled here, nothing moves), a good one is promoted. Data: scikit-learn's breast
cancer dataset."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot
from tests.support.dialogs import confirm_dialog

# Each check evaluates two versions on the holdout in a task: minutes on a loaded machine.
# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab, pytest.mark.timeout(900)]

REGISTER = """
import sys
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
import jupyter_mlops as mlops
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)
logistic = lambda **o: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, **o))
mlops.register_model(logistic().fit(X_train, y_train), "gated-model", X=X_train)
stump = DecisionTreeClassifier(max_depth=1).fit(X_train, y_train)
mlops.register_model(stump, "gated-model", X=X_train)
mlops.register_model(logistic(C=0.5).fit(X_train, y_train), "gated-model", X=X_train)
mlops.set_model_alias("gated-model", "champion", 1)
X_test.assign(target=y_test.to_numpy()).to_parquet(sys.argv[1])
mlops.set_gates(
    "gated-model", holdout=sys.argv[1], target="target", metric="roc_auc", tolerance=0.01
)
"""


@pytest.mark.slow
def test_promote_shows_the_gates_inline_before_confirming(lab_page, lab_server, tmp_path):
    page = lab_page  # the sidebar reads the models when it shows
    holdout = str(tmp_path / "holdout.parquet")
    subprocess.run([sys.executable, "-c", REGISTER, holdout], env=lab_server.env(), check=True)
    lab_server.api("endpoints", "POST", {"model": "gated-model@champion"})
    open_mlops_sidebar(page)
    page.locator('[data-testid=mlops-model][data-model="gated-model"]').click()
    view = page.locator("[data-testid=mlops-model-view]")
    card = view.locator("[data-testid=mlops-endpoint]")
    card.locator("xpath=self::*[@data-state='running'][@data-version='1']").wait_for(
        timeout=120_000
    )

    def promote(version: int) -> None:
        view.locator(
            f'[data-testid=mlops-model-version][data-version="{version}"] '
            "[data-testid=mlops-promote]"
        ).click()

    promote(2)
    results = page.locator(".jp-Dialog [data-testid=mlops-gate-results]")
    results.wait_for(timeout=300_000)
    expect(results).to_contain_text("failed: holdout_metric")
    gate = results.locator("tr[data-gate=holdout_metric]")
    expect(gate).to_have_attribute("data-passed", "false")
    expect(gate).to_contain_text("roc_auc")
    screenshot(page, "evaluation-gates-refused")
    confirm_dialog(page, "Promote v2 on gated-model?", "Cancel")
    expect(card).to_have_attribute("data-version", "1")

    promote(3)
    results.wait_for(timeout=300_000)
    expect(results).to_contain_text("every gate passed")
    expect(results.locator("tr[data-gate=holdout_metric]")).to_have_attribute("data-passed", "true")
    confirm_dialog(page, "Promote v3 on gated-model?", "Promote")
    card.locator("xpath=self::*[@data-state='running'][@data-version='3']").wait_for(
        timeout=300_000
    )
    # The endpoint may serve v3 a moment before its gate run records that it promoted.
    deadline = time.monotonic() + 120
    while True:
        runs = lab_server.api("evaluation/gate-runs?model=gated-model")["gate_runs"]
        statuses = [r["status"] for r in runs]
        if statuses == ["promoted", "passed", "failed"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert statuses == ["promoted", "passed", "failed"]
