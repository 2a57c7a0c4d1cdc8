"""A job run's outputs in a real JupyterLab (issue 19): the HTML export draws its plotly
figure with the network cut off, at once (no "Trust HTML"), in a frame sandboxed without the
Lab's origin; the executed notebook opens read-only and starts no kernel."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot
from tests.support.jobs import write_notebook
from tests.support.lab import LabServer

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

NOTEBOOK = "plotly_report.ipynb"


@pytest.fixture
def report_notebook(lab_home: Path) -> str:
    write_notebook(
        lab_home / "root" / NOTEBOOK,
        "bars: int = 3",
        "import plotly.express as px\n"
        "px.bar(x=list('abc')[:bars], y=[3, 1, 2][:bars], title='offline bars')",
        "print('report done')",
    )
    return NOTEBOOK


def _get(server: LabServer, path: str) -> bytes:
    request = urllib.request.Request(
        f"{server.url}/{path}", headers={"Authorization": f"token {server.token}"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body: bytes = response.read()
        return body


def _block_the_network(page: Any) -> list[str]:
    """Abort every request that leaves this machine; returns the list of those refused."""
    refused: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if re.match(r"^https?://127\.0\.0\.1[:/]", url) or not url.startswith("http"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.context.route("**/*", route)
    return refused


def test_a_run_s_html_draws_offline_and_its_notebook_opens_without_a_kernel(
    lab_page, lab_server, report_notebook
):
    page = lab_page
    refused = _block_the_network(page)
    job = lab_server.api(
        "jobs",
        "POST",
        {"notebook_path": report_notebook, "name": "plotly report", "outputs": ["ipynb", "html"]},
    )
    run = lab_server.api(f"jobs/{job['job_id']}/runs", "POST", {})

    open_mlops_sidebar(page)
    section = page.locator("#jupyter-mlops-jobs")
    card = section.locator("[data-testid=mlops-job]", has_text="plotly report")
    card.wait_for(state="visible")
    # Collapsed, the card shows its last run.
    line = card.locator(f".jp-MLOps-jobRun[data-run-id='{run['run_id']}']")
    line.and_(page.locator("[data-status=succeeded]")).wait_for(timeout=180_000)

    # The export loads no script from elsewhere: plotly.js is inlined once.
    html = _get(lab_server, f"mlops/api/job-runs/{run['run_id']}/outputs/html").decode()
    assert not re.search(r"<script[^>]*\bsrc=[\"']?https?:", html), "a script loads from a CDN"
    assert html.count("plotly.js v") == 1

    # The HTML view draws the figure at once, with the network cut off.
    line.get_by_test_id("mlops-job-open-html").click()
    view = page.locator(".jp-MLOps-jobHtml")
    view.wait_for(state="visible")
    frame_element = view.locator("iframe")
    expect(frame_element).to_have_attribute("sandbox", "allow-scripts")
    frame = page.frame_locator(".jp-MLOps-jobHtml iframe")
    frame.locator(".plotly-graph-div .main-svg").first.wait_for()
    expect(frame.locator(".plotly-graph-div .gtitle")).to_have_text("offline bars")
    expect(frame.locator(".plotly-graph-div .point")).to_have_count(3)
    expect(page.get_by_text("Trust HTML")).to_have_count(0)
    screenshot(page, "jobs-html-output")

    # The executed notebook opens read-only, and no kernel starts for it.
    line.get_by_test_id("mlops-job-open-output").click()
    panel = page.locator(".jp-NotebookPanel.jp-MLOps-jobOutputNotebook:visible")
    panel.locator(".jp-OutputArea-output", has_text="report done").wait_for()
    expect(panel.locator(".jp-Toolbar-kernelName")).to_contain_text("No Kernel")
    editor = panel.locator(".jp-Cell .cm-content").first
    expect(editor).to_have_attribute("aria-readonly", "true")
    outputs = lab_server.api(f"job-runs/{run['run_id']}")["outputs"]
    output_path = next(o["lab_path"] for o in outputs if o["format"] == "ipynb")
    sessions = json.loads(_get(lab_server, "api/sessions"))
    assert [s for s in sessions if s["path"].endswith(Path(output_path).name)] == []
    # Nothing the Lab needed was refused (what it asked for, it asked this machine).
    assert not [url for url in refused if "plot.ly" in url or "cdnjs" in url], refused
