"""The Cluster panel of a Lab configured with `MLOpsApp.cluster_backend = "gateway"` against a
real `dask-gateway-server` (local backend): a cluster started through the REST API and one the
same user started elsewhere (`dask_gateway.Gateway().new_cluster()`, as a notebook would) are
listed with their workers and the gateway proxy's dashboard link; stopping both from the panel
ends them on the gateway."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import wait_for_lab
from tests.support.dialogs import confirm_dialog
from tests.support.gateway import GatewayServer
from tests.support.lab import LabServer

pytestmark = pytest.mark.browser

CARD = "[data-testid=mlops-cluster]"


@pytest.fixture
def gateway_lab(
    browser: Any, gateway_server: GatewayServer, tmp_path: Path
) -> Iterator[tuple[LabServer, Any]]:
    """A Lab whose clusters are the gateway's, and a page on it."""
    root = tmp_path / "root"
    root.mkdir()
    server = LabServer(
        root, tmp_path,
        [
            "--MLOpsApp.cluster_backend=gateway",
            f"--MLOpsApp.gateway_address={gateway_server.address}",
            f"--MLOpsApp.gateway_proxy_address={gateway_server.proxy_address}",
            "--MLOpsApp.gateway_auth=basic",
        ],
    ).start()  # fmt: skip
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(server.lab_url())
        wait_for_lab(page)
        yield server, page
    finally:
        context.close()
        server.stop()


def test_the_panel_lists_gateway_clusters_and_stops_them(
    gateway_lab: tuple[LabServer, Any], gateway_server: GatewayServer
) -> None:
    from dask_gateway import Gateway

    server, page = gateway_lab
    gateway = Gateway(
        gateway_server.address, proxy_address=gateway_server.proxy_address, auth="basic"
    )
    try:
        started = server.api("clusters", "POST", {"name": "gw-rest", "workers": 1})
        assert started["cluster_class"] == "dask_gateway.GatewayCluster"
        elsewhere = gateway.new_cluster(shutdown_on_close=False)
        other_name = str(elsewhere.name)
        elsewhere.close()

        tab = page.locator('.jp-SideBar [data-id="jupyter-mlops-clusters"]')
        tab.wait_for()
        if "lm-mod-current" not in (tab.get_attribute("class") or ""):
            tab.click()
        rest_card = page.locator(CARD, has_text="gw-rest")
        rest_card.locator(".jp-MLOps-clusterStatus", has_text="running").wait_for(timeout=90_000)
        rest_card.locator("[data-testid=mlops-cluster-workers] tbody tr").first.wait_for(
            timeout=90_000
        )
        href = rest_card.locator("a", has_text="Dashboard").get_attribute("href") or ""
        assert href.startswith(f"{gateway_server.address}/clusters/")  # the gateway's proxy
        other_card = page.locator(CARD, has_text=f"Gateway cluster {other_name[:8]}")
        other_card.locator(".jp-MLOps-clusterStatus", has_text="running").wait_for(timeout=60_000)
        assert page.locator(CARD).count() == 2

        for card, title in ((other_card, other_name[:8]), (rest_card, "gw-rest")):
            card.locator("button", has_text="Stop").click()
            confirm_dialog(page, title, "Stop")
            card.wait_for(state="detached", timeout=60_000)
        assert page.locator(CARD).count() == 0
        running = [c.name for c in gateway.list_clusters()]
        assert running == []
    finally:
        for report in gateway.list_clusters():
            gateway.stop_cluster(report.name)
        gateway.close()
