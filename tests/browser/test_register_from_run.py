"""Register from a run's page (issue 19): the header offers Register for each model the run
logged, the name defaults to the experiment's, the new version's page opens, and the "Load this
model" snippet is the public `mlops.load_model("runs:/...")`, which loads that model."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.browser import expect, screenshot
from tests.support.experiments_panel import open_experiment, run_page_of

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

EXPERIMENT = "churn (weekly)"

LOG_MODEL = """
import json, sys
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
y = (X["a"] > 0).astype(int)
with mlops.start_run(sys.argv[1], name="with-a-model") as run:
    mlops.log_model(LogisticRegression().fit(X, y), "clf", X=X)
print(json.dumps(run.run_id))
"""

LOAD = """
import sys
import numpy as np
import jupyter_mlops as mlops
ns = {}
exec(sys.argv[1], ns)
print(ns["model"].predict(np.zeros((1, 2))).shape)
"""


def test_register_from_the_run_page_defaults_to_the_experiments_name(lab_page, lab_server):
    logged = subprocess.run(
        [sys.executable, "-c", LOG_MODEL, EXPERIMENT],
        env=lab_server.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    run_id = json.loads(logged.stdout.strip().splitlines()[-1])
    page = lab_page
    view = open_experiment(page, EXPERIMENT)
    view.get_by_role("button", name="with-a-model", exact=True).click()
    run_page = run_page_of(page, "with-a-model")

    # The model folder's snippet is the public API, and it loads the model in a new process.
    run_page.locator("[data-testid=mlops-artifacts] button", has_text="clf/").click()
    snippet = run_page.get_by_test_id("mlops-model-snippet")
    expect(snippet).to_contain_text(f'mlops.load_model("runs:/{run_id}/clf")')
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD, snippet.inner_text()],
        env=lab_server.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "(1,)"

    # Register is in the run's header, without opening the model folder first.
    register = run_page.get_by_test_id("mlops-run-register")
    expect(register).to_have_count(1)
    expect(register).to_have_text("Register model…")
    register.click()
    dialog = page.locator(".jp-Dialog")
    name_input = dialog.locator("input")
    expect(name_input).to_have_value("churn-weekly")
    screenshot(page, "register-from-run")
    dialog.locator(".jp-Dialog-footer .jp-mod-accept").click()
    model_view = page.locator("[data-testid=mlops-model-view]")
    expect(model_view.locator("[data-testid=mlops-model-version]")).to_have_count(1)
    detail = lab_server.api("models/churn-weekly")
    assert [v["source"] for v in detail["versions"]] == [f"runs:/{run_id}/clf"]
