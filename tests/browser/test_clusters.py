"""The Cluster section in a real JupyterLab: start a cluster from the panel, see its workers,
open its dashboard through the server's proxy, insert the connect code, see a cluster made
by another client (as a notebook would) appear, stop them; and the server closes its clusters
when it stops."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from tests.support.browser import screenshot
from tests.support.dialogs import confirm_dialog
from tests.support.lab import LabServer

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

CARD = "[data-testid=mlops-cluster]"

START_FROM_A_KERNEL = (
    "from jupyter_mlops.clusters import start_cluster\n"
    "start_cluster(workers=1, threads=1, processes=False, name='from-a-notebook')\n"
)


def _show_clusters(page) -> None:
    """Open the Cluster panel (its own tab in the left area) with its start form unfolded."""
    tab = page.locator('.jp-SideBar [data-id="jupyter-mlops-clusters"]')
    tab.wait_for()
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()
    page.locator("#jupyter-mlops-clusters").wait_for(state="visible")
    form = page.locator("[data-testid=mlops-cluster-form]")
    summary = page.locator(".jp-MLOps-clusterFormBox > summary")
    summary.wait_for()
    if not form.is_visible():  # the start form folds away once clusters exist
        summary.click()
    form.wait_for(state="visible")


def _kernel_env(server: LabServer) -> dict[str, str]:
    # What the server exports to the kernels it starts.
    return {
        **server.env(),
        "JUPYTER_MLOPS_SERVER_URL": server.url + "/",
        "JUPYTER_MLOPS_SERVER_TOKEN": server.token,
    }


@pytest.mark.slow
def test_start_see_workers_dashboard_insert_code_and_stop(blank_page, lab_server):
    page = blank_page  # nothing loaded: the test opens its Lab URL first
    page.goto(lab_server.lab_url("lab/tree/00_getting_started.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    _show_clusters(page)

    form = page.locator("[data-testid=mlops-cluster-form]")
    form.locator("input[name=name]").fill("panel-made")
    form.locator("input[name=workers]").fill("1")
    form.locator("input[name=threads]").fill("1")
    form.locator("input[name=memory]").fill("1GB")
    form.locator("button[type=submit]").click()
    card = page.locator(CARD).first
    card.locator(".jp-MLOps-clusterStatus", has_text="running").wait_for(timeout=90_000)
    assert "panel-made" in card.locator(".jp-MLOps-clusterName").inner_text()
    rows = card.locator("[data-testid=mlops-cluster-workers] tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[1] == "1"  # cores
    bar = rows.first.locator(".jp-MLOps-memoryBar")
    assert bar.get_attribute("title").endswith(" of 0.93 GiB")  # the 1GB memory limit
    # One line per worker: the row is no taller than one line of text.
    assert rows.first.bounding_box()["height"] < 30
    cluster_id = card.get_attribute("data-cluster-id")
    # The start form folds away once a cluster runs, leaving the room to the cards.
    assert not form.is_visible()

    # An empty "Scale to" cannot be sent; 0 workers asks first (cancelled here).
    scale_box = card.locator("input[name=scale-workers]")
    scale_button = card.locator("button", has_text="Scale")
    scale_box.fill("")
    assert scale_button.is_disabled()
    scale_box.fill("0")
    scale_button.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    assert "0 workers" in dialog.inner_text()
    dialog.locator("button", has_text="Cancel").click()
    dialog.wait_for(state="detached")
    page.wait_for_timeout(500)
    assert rows.count() == 1 and "(scaling to 0)" not in card.inner_text()
    scale_box.fill("1")
    screenshot(page, "cluster_panel")

    # "Dashboard in Lab": a tab whose frame is sandboxed without allow-same-origin.
    card.locator("button", has_text="Dashboard in Lab").click()
    frame = page.locator(f"#mlops-dask-dashboard-{cluster_id} iframe")
    frame.wait_for(state="attached")
    sandbox = frame.get_attribute("sandbox") or ""
    assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox
    # One "Dask panes" button points dask-labextension's sidebar at this cluster
    # (tests/browser/test_dask_labextension.py opens a pane); no row of our own pane links.
    assert card.locator(".jp-MLOps-daskPanes").count() == 0
    card.locator("[data-testid=mlops-dask-panes]").click()
    page.locator("#dask-dashboard-launcher").wait_for(state="visible")
    _show_clusters(page)
    page.locator(
        "[data-testid=mlops-cluster-message]", has_text="Dask panes now show panel-made"
    ).wait_for()

    # The dashboard through the server's proxy, Bokeh's websocket included.
    link = card.locator("a", has_text="Dashboard")
    href = link.get_attribute("href")
    # The page's own origin and base URL: no guessed host or port.
    assert re.fullmatch(
        rf"{lab_server.url}/mlops/api/clusters/{cluster_id}/dashboard/[0-9a-f]{{32}}/status", href
    )
    dashboard = page.context.new_page()
    dashboard.goto(href)
    dashboard.wait_for_function(
        "() => window.Bokeh && Bokeh.documents && Bokeh.documents.length > 0", timeout=60_000
    )
    dashboard.close()

    card.locator("button", has_text="Insert connect code").click()
    page.wait_for_function(
        f"() => [...document.querySelectorAll('.jp-Cell .cm-content')]"
        f".some(c => c.textContent.includes('get_client(\"{cluster_id}\")'))"
    )

    # A cluster started through the server's API by someone else (a notebook's magic does
    # the same) shows up on the next poll.
    subprocess.run(
        [sys.executable, "-c", START_FROM_A_KERNEL], env=_kernel_env(lab_server), check=True,
        timeout=120,
    )  # fmt: skip
    other = page.locator(CARD, has_text="from-a-notebook")
    other.locator(".jp-MLOps-clusterStatus", has_text="running").wait_for(timeout=30_000)
    assert "★" in other.locator(".jp-MLOps-clusterName").inner_text()  # now the current one

    for name in ("from-a-notebook", "panel-made"):
        target = page.locator(CARD, has_text=name)
        target.locator("button", has_text="Stop").click()
        confirm_dialog(page, f"Stop {name}?", "Stop")
        target.wait_for(state="detached", timeout=60_000)
    assert page.locator(CARD).count() == 0
    # The stopped cluster's dashboard tab is closed, and the panel says so.
    frame.wait_for(state="detached", timeout=30_000)
    assert (
        "Closed the dashboard of panel-made"
        in page.locator("[data-testid=mlops-cluster-message]").inner_text()
    )


def test_bad_sizes_are_refused_before_a_start(lab_page):
    _show_clusters(lab_page)
    form = lab_page.locator("[data-testid=mlops-cluster-form]")
    submit = form.locator("button[type=submit]")
    form.locator("input[name=workers]").fill("1")
    problem = lab_page.locator("[data-testid=mlops-cluster-memory-error]")
    form.locator("input[name=memory]").fill("lots")
    assert "not a memory size" in problem.inner_text() and submit.is_disabled()
    # More than the machine has (the server's bound) is refused in the form.
    form.locator("input[name=memory]").fill("1e99")
    assert "per worker on this machine" in problem.inner_text() and submit.is_disabled()
    form.locator("input[name=memory]").fill("")
    assert problem.count() == 0 and submit.is_enabled()
    assert lab_page.locator(CARD).count() == 0


def test_the_server_closes_its_clusters_when_it_stops(browser, tmp_path):
    import psutil
    from distributed import Client

    root = tmp_path / "root"
    root.mkdir()
    server = LabServer(root, tmp_path).start()
    try:
        info = server.api("clusters", "POST", {"workers": 1, "threads": 1, "memory": "512MiB"})
        # Server-owned clusters take mutual TLS: the credentials come over the REST API.
        connection = server.api(f"clusters/{info['id']}/connection")
        from distributed.security import Security

        tls = connection["tls"]
        security = Security(
            tls_ca_file=tls["ca"],
            tls_client_cert=tls["cert"],
            tls_client_key=tls["key"],
            require_encryption=True,
        )
        with Client(connection["address"], security=security, timeout=30) as client:
            pids = list(client.run(os.getpid).values())
        assert pids and all(psutil.pid_exists(pid) for pid in pids)
    finally:
        server.stop()
    assert f"closed cluster {info['id']}" in server.log()
    deadline = time.monotonic() + 30
    while any(psutil.pid_exists(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(psutil.pid_exists(pid) for pid in pids)
