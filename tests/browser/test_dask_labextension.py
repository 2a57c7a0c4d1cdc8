"""dask-labextension's panes on our cluster, in a real JupyterLab: "Dask panes" on a cluster card
points its dashboard launcher at the cluster (through our authenticated proxy) and reveals its
sidebar; its cluster list shows our clusters; a Task Stream pane loads the Bokeh page through
our proxy, in an opaque origin."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.browser import screenshot
from tests.support.dialogs import confirm_dialog

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

CARD = "[data-testid=mlops-cluster]"


def test_dask_panes_show_our_cluster_through_our_proxy(lab_page, lab_server):
    page = lab_page
    info = lab_server.api("clusters", method="POST",
                body={"name": "for-panes", "workers": 1, "threads": 1, "memory": "512MiB",
                      "processes": False})  # fmt: skip
    cluster_id = info["id"]
    try:
        tab = page.locator('.jp-SideBar [data-id="jupyter-mlops-clusters"]')
        tab.wait_for()
        if "lm-mod-current" not in (tab.get_attribute("class") or ""):
            tab.click()
        card = page.locator(f'{CARD}[data-cluster-id="{cluster_id}"]')
        card.locator(".jp-MLOps-clusterStatus", has_text="running").wait_for(timeout=60_000)
        # One "Dask panes" button replaces our own row of pane links.
        assert card.locator(".jp-MLOps-daskPanes").count() == 0
        card.locator("[data-testid=mlops-dask-panes]").click()

        sidebar = page.locator("#dask-dashboard-launcher")
        sidebar.wait_for(state="visible")
        url_box = sidebar.locator("input[placeholder='DASK DASHBOARD URL']")
        base = re.escape(lab_server.url)
        keyed = rf"{base}/mlops/api/clusters/{cluster_id}/dashboard/[0-9a-f]{{32}}/"
        # Its launcher points at its own path for our cluster, which our server redirects to
        # our keyed proxy (never jupyter-server-proxy).
        launcher_url = f"dask/dashboard/{cluster_id}"
        page.wait_for_function(
            "url => document.querySelector('#dask-dashboard-launcher input').value.endsWith(url)",
            arg=launcher_url,
        )
        # Its cluster list is hidden by our settings override (the Cluster panel is the list;
        # the launcher URL above proves our cluster was selected in it, by id).
        assert sidebar.locator(".dask-DaskClusterManager").is_hidden()

        # Its launcher lists the dashboard's plots once it has read individual-plots.json.
        button = sidebar.locator(".dask-DashboardListing-item button", has_text="Task Stream")
        button.wait_for(timeout=30_000)
        button.click()
        widget = page.locator(".dask-DaskDashboard-widget").first
        widget.wait_for()
        frame = widget.locator("iframe")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.dask-DaskDashboard-widget iframe')]"
            ".some(f => (f.getAttribute('src') || '').includes('individual-task-stream'))"
        )
        src = frame.get_attribute("src") or ""
        assert src == f"{lab_server.url}/{launcher_url}/individual-task-stream", src
        assert url_box.input_value().endswith(launcher_url)
        inner = page.frame_locator(".dask-DaskDashboard-widget iframe").first
        inner.locator("canvas").first.wait_for(state="attached", timeout=60_000)
        # Our proxy's CSP sandbox wins over its frame's allow-same-origin: an opaque origin.
        bokeh = next(f for f in page.frames if "individual-task-stream" in f.url)
        assert bokeh.evaluate("() => window.origin") == "null"
        assert re.fullmatch(rf"{keyed}individual-task-stream", bokeh.url), bokeh.url

        # Its default layout (File menu) docks Task Stream, Workers Memory and Progress.
        page.locator(".lm-MenuBar-itemLabel", has_text="File").click()
        page.locator(".lm-Menu-itemLabel", has_text="Launch Dask Dashboard Layout").click()
        for label in ("Workers Memory", "Progress"):
            tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tabLabel", has_text=label)
            tab.first.wait_for()
        page.wait_for_function(
            "() => document.querySelectorAll('.dask-DaskDashboard-widget iframe').length >= 3"
        )

        screenshot(page, "dask-panes", settle_ms=1000)  # Bokeh draws a frame first

        # Stopping the cluster from our panel empties the Dask launcher's URL: it no longer
        # polls the gone dashboard's individual-plots.json (a 404 and a warning every 13 s).
        page.locator('.jp-SideBar [data-id="jupyter-mlops-clusters"]').click()
        card.locator("button", has_text="Stop").click()
        confirm_dialog(page, "Stop for-panes", "Stop")
        page.wait_for_function(
            "() => document.querySelector('#dask-dashboard-launcher input').value === ''"
        )
    finally:
        if any(c["id"] == cluster_id for c in lab_server.api("clusters")["clusters"]):
            lab_server.api(f"clusters/{cluster_id}", method="DELETE")


def test_the_shipped_lab_closes_raw_ports_and_answers_dask_routes(lab_server):
    """The browser Lab runs with the installed configuration: jupyter-server-proxy loaded, its
    raw port routes refused; dask-labextension's routes answered by us."""
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        sock.setblocking(False)
        port = sock.getsockname()[1]
        request = urllib.request.Request(
            f"{lab_server.url}/proxy/{port}/",
            headers={"Authorization": f"token {lab_server.token}"},
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=30)
        assert error.value.code == 403
        assert "allow_raw_port_proxy" in json.loads(error.value.read())["message"]
        with pytest.raises(BlockingIOError):
            sock.accept()
    request = urllib.request.Request(
        f"{lab_server.url}/server-proxy/servers-info",
        headers={"Authorization": f"token {lab_server.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # its extension is loaded
        assert response.status == 200
    request = urllib.request.Request(
        f"{lab_server.url}/dask/clusters", headers={"Authorization": f"token {lab_server.token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        ours = {c["id"] for c in lab_server.api("clusters")["clusters"]}
        assert {c["id"] for c in json.loads(response.read())} == ours
