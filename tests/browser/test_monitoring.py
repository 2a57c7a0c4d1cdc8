"""The Monitoring section and a monitor's page in a real JupyterLab: timeline, latest window
with the drifted columns first, alerts; Evaluate now closes a window from the page."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

# A model with its training profile, an endpoint record, two windows of logged traffic (the
# second shifted in a and b), both evaluated: one quiet window and one drifted with an alert.
SETUP = """
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
mlops.register_model(LogisticRegression().fit(X, X["a"] > X["b"]), "watched", X=X)
get_registry().create_endpoint("watched", ModelRef("watched", version=1), "127.0.0.1", 1)

def log(frame, ts):
    rows = frame.copy()
    rows["_mlops_request_id"] = [f"r{ts}-{i}" for i in range(len(rows))]
    rows["_mlops_ts_ms"] = ts
    rows["_mlops_model_version"] = 1
    rows["_mlops_latency_ms"] = rng.gamma(2.0, 2.0, len(rows))
    rows["_mlops_prediction"] = (frame["a"] > frame["b"]).astype(int)
    rows["_mlops_status"] = 200
    folder = requests_folder("watched")
    folder.mkdir(parents=True, exist_ok=True)
    rows.to_parquet(folder / f"{ts:013d}-{ts:013d}-1-000001.parquet", index=False)

now = int(time.time() * 1000)
hour = 3_600_000
service = MonitorService(get_database(), resolve_data_dir())
monitor = service.create(MonitorSpec("watched", min_rows=50), start_ms=now - 2 * hour)
log(pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "c"]), now - 2 * hour + 1000)
service.evaluate_now(monitor.monitor_id, runner=None, now=now - hour)
shifted = pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "c"])
shifted[["a", "b"]] += 1.5
log(shifted, now - hour + 1000)
service.evaluate_now(monitor.monitor_id, runner=None, now=now - 1000)
"""


def test_the_monitor_page_shows_drift_alerts_and_evaluates_now(lab_page, lab_server):
    page = lab_page  # the sidebar reads the monitors when it shows
    subprocess.run([sys.executable, "-c", SETUP], env=lab_server.env(), check=True)
    open_mlops_sidebar(page)
    item = page.locator('[data-testid=mlops-monitor][data-endpoint="watched"]')
    item.filter(has_text="DRIFT").wait_for(timeout=30_000)
    item.click()

    view = page.locator("[data-testid=mlops-monitor-view]")
    view.wait_for(state="visible")
    view.locator("[data-testid=mlops-monitor-timeline] .main-svg").first.wait_for(timeout=30_000)
    cards = view.locator("[data-testid=mlops-drift-column]")
    expect(cards).to_have_count(3)
    # Drifted columns come first.
    for index, drifted in enumerate(["true", "true", "false"]):
        expect(cards.nth(index)).to_have_attribute("data-drifted", drifted)
    assert {cards.nth(i).get_attribute("data-column") for i in range(2)} == {"a", "b"}
    # The summary table above the charts, as Evidently's: drifted columns first.
    summary = view.locator("[data-testid=mlops-drift-summary]")
    expect(summary.locator("th")).to_have_text(
        ["Column", "Type", "Test", "Score", "Threshold", "Verdict"]
    )
    rows = summary.locator("[data-testid=mlops-drift-summary-row]")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_have_attribute("data-column", "c")
    expect(rows.nth(0).locator("td").last).to_have_text("Drift")
    expect(rows.nth(2).locator("td").last).to_have_text("No drift")
    # The histograms say which colour is the training data and which the traffic.
    expect(view.locator("[data-testid=mlops-drift-legend]")).to_have_text(
        re.compile(r"training\s*current")
    )
    alerts = view.locator("[data-testid=mlops-monitor-alerts] tbody tr")
    expect(alerts).to_have_count(1)
    expect(alerts.first).to_contain_text("watched")
    # Windows are numbered per monitor: the drifted one is this monitor's second.
    expect(view.get_by_test_id("mlops-window-number")).to_have_text("window 2")
    expect(alerts.first.get_by_test_id("mlops-alert-window")).to_have_text("window 2")
    screenshot(page, "monitoring")

    # No traffic since the last window: evaluating now claims a window that is skipped.
    view.locator("[data-testid=mlops-monitor-evaluate]").click()
    page.locator(".jp-toast-message", has_text="Evaluating window").wait_for(timeout=30_000)


def test_one_window_reads_on_sane_axes(lab_page, lab_server):
    """With one window the time axes span that window (ticks to the minute, never
    "15:53:31.9995") and its traffic bar does not fill the chart's width."""
    one = SETUP.replace('"watched"', '"watched-one"')
    one = one[: one.index("shifted = ")]
    # Another (paused) monitor's window first: window ids are global, numbers per monitor.
    one = one.replace(
        "monitor = service.create(",
        "other = service.store.create_monitor(MonitorSpec('unwatched', paused=True), start_ms=0)\n"
        "service.store.claim_window(other.monitor_id, 0, hour)\n"
        "monitor = service.create(",
    )
    subprocess.run([sys.executable, "-c", one], env=lab_server.env(), check=True)
    open_mlops_sidebar(lab_page)
    lab_page.locator('[data-testid=mlops-monitor][data-endpoint="watched-one"]').click()
    view = lab_page.locator("[data-testid=mlops-monitor-view]")
    for chart in ("timeline", "traffic"):
        ticks = view.locator(f"[data-testid=mlops-monitor-{chart}] .xtick text")
        ticks.first.wait_for(timeout=30_000)
        labels = ticks.all_text_contents()
        assert labels and all(re.fullmatch(r"\d\d:\d\d", label) for label in labels), labels
    traffic = view.locator("[data-testid=mlops-monitor-traffic]")
    plot_width = traffic.locator(".nsewdrag").first.bounding_box()["width"]
    bar_width = traffic.locator(".bars path").first.bounding_box()["width"]
    assert 0 < bar_width < plot_width / 2, (bar_width, plot_width)
    expect(view.get_by_test_id("mlops-window-number")).to_have_text("window 1")
    screenshot(view, "monitoring_one_window")
