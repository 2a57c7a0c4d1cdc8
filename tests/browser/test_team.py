"""The approval flow in a real JupyterLab: ana (another user, on the same store) asks to move a
protected alias; the Lab's user approves from the model page, once directly and once from the
comparison of the two versions; the History tab shows who did what."""

from __future__ import annotations

import getpass
import subprocess
import sys

import pytest

from tests.support.browser import expect, open_mlops_sidebar

# The tests on `lab_page` take one loaded Lab in turn (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

AS_ANA = """
import sys
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.team.permissions import Permission
from jupyter_mlops.core.team.service import TeamService
from jupyter_mlops.serving.api import get_registry

team = TeamService(get_database())
if sys.argv[1] == "setup":
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(100, 2)), columns=["a", "b"])
    for c in (1.0, 0.1):
        mlops.register_model(LogisticRegression(C=c).fit(X, X["a"] > 0), "team-model", X=X)
    get_registry().update_model("team-model", tags={"mlops.protected_aliases": "production"})
    team.set_grant("model", "team-model", sys.argv[2], Permission.MANAGE)
team.request_approval("team-model", "production", int(sys.argv[3]), sys.argv[4])
"""


def _as_ana(lab_server, *args: str) -> None:
    env = {**lab_server.env(), "JUPYTER_MLOPS_USER": "ana"}
    subprocess.run([sys.executable, "-c", AS_ANA, *args], env=env, check=True)


def test_approve_a_protected_alias_from_the_model_page(lab_page, lab_server):
    me = getpass.getuser()  # the Lab's (single) user acts as the server's user
    _as_ana(lab_server, "setup", me, "1", "first release")
    open_mlops_sidebar(lab_page)
    lab_page.locator('[data-testid=mlops-model][data-model="team-model"]').click()
    view = lab_page.locator("[data-testid=mlops-model-view]")
    request = view.locator("[data-testid=mlops-approval][data-state=pending]")
    expect(request).to_contain_text("ana asks to move @production from unset to v1")
    expect(request).to_contain_text("first release")
    request.locator("[data-testid=mlops-approve]").click()
    expect(view.locator('[data-testid=mlops-model-version][data-version="1"]')).to_contain_text(
        "@production"
    )
    expect(view.locator("[data-testid=mlops-approval-decided]")).to_contain_text(f"applied by {me}")

    # The next request is decided from the comparison of the two versions.
    _as_ana(lab_server, "request", me, "2", "smaller C")
    request = view.locator("[data-testid=mlops-approval][data-state=pending]")
    request.locator("[data-testid=mlops-approval-compare]").click()
    request.locator("button", has_text="Approve v2").first.click()
    expect(view.locator('[data-testid=mlops-model-version][data-version="2"]')).to_contain_text(
        "@production"
    )

    view.locator("[data-testid=mlops-model-tab-history]").click()
    history = view.locator("[data-testid=mlops-history]").first
    entries = history.locator("[data-testid=mlops-history-entry]")
    expect(entries.first).to_have_attribute("data-action", "alias.set")
    approvals = history.locator('[data-testid=mlops-history-entry][data-action="approval.approve"]')
    expect(approvals).to_have_count(2)
    expect(approvals.first).to_contain_text(me)
    requests = history.locator('[data-testid=mlops-history-entry][data-action="approval.request"]')
    expect(requests.first).to_contain_text("ana")


LOG_RUN = """
import sys
import jupyter_mlops as mlops

with mlops.start_run(experiment="team-mine", name=sys.argv[1]):
    mlops.log_metric("acc", 0.5)
"""


def test_the_mine_toggle_shows_only_the_labs_users_runs(lab_page, lab_server):
    me = getpass.getuser()
    for user in ("ana", me):  # each run records its user as tags.mlflow.user
        env = {**lab_server.env(), "JUPYTER_MLOPS_USER": user}
        subprocess.run([sys.executable, "-c", LOG_RUN, f"by-{user}"], env=env, check=True)
    open_mlops_sidebar(lab_page)
    name = lab_page.get_by_text("team-mine", exact=True)
    lab_page.locator("[data-testid=mlops-experiments] li").filter(has=name).locator(
        "button"
    ).click()
    view = lab_page.locator("[data-testid=mlops-experiment-view]", has_text="team-mine")
    rows = view.locator("[data-testid=mlops-runs-table] tbody tr")
    expect(rows).to_have_count(2)
    mine = view.locator("[data-testid=mlops-mine-toggle]")
    mine.click()
    expect(mine).to_be_checked()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"by-{me}")
    mine.click()
    expect(mine).not_to_be_checked()
    expect(rows).to_have_count(2)


NOTIFY = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.team import settings
from jupyter_mlops.core.team.notifications import Dispatcher

X = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 2)), columns=["a", "b"])
mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "notified-model", X=X)
# A server whose webhook is down: one attempt, failed, to be retried.
dead = settings.TeamSettings(channels=(settings.channel_from_dict({"url": "http://127.0.0.1:9/down"}),))
Dispatcher(get_database(), settings=lambda: dead).run_once()
"""


def test_the_notifications_section_shows_the_delivery_log(lab_page, lab_server):
    subprocess.run([sys.executable, "-c", NOTIFY], env=lab_server.env(), check=True)
    open_mlops_sidebar(lab_page)
    section = lab_page.locator("#jupyter-mlops-deliveries")
    delivery = section.locator(
        '[data-testid=mlops-delivery][data-event="model.version_registered"]'
    ).first
    expect(delivery).to_have_attribute("data-state", "pending")
    expect(delivery).to_contain_text("webhook http://127.0.0.1:9/down")
    expect(delivery.locator("[data-testid=mlops-delivery-attempts]")).to_have_text("1")
    expect(delivery.locator("[data-testid=mlops-delivery-error]")).not_to_be_empty()
