"""The server owns the clusters: dashboard proxy, link for kernels, closing at shutdown."""

from __future__ import annotations

import asyncio
import os
import re
import sys

import pytest
from tornado.httpclient import HTTPClientError
from tornado.websocket import websocket_connect

from jupyter_mlops.core.server_link import SERVER_TOKEN_ENV, SERVER_URL_ENV
from tests.support.clusters import SMALL, api, client_tls, wait_for_workers
from tests.support.ipython import ipython_shell

pytestmark = pytest.mark.capabilities("clusters")


async def test_the_dashboard_is_served_through_the_authenticated_proxy(
    jp_fetch, jp_http_port, jp_base_url, jp_auth_header, http_server_client
):
    info = await api(jp_fetch, method="POST", body=SMALL)
    key = info["dashboard_path"].split("/")[-2]
    assert info["dashboard_path"] == f"mlops/api/clusters/{info['id']}/dashboard/{key}/status"
    prefix = ("clusters", info["id"], "dashboard", key)
    page = await jp_fetch("mlops", "api", *prefix, "status")
    html = page.body.decode()
    assert page.headers["Content-Type"].startswith("text/html")
    policy = page.headers.get("Content-Security-Policy", "")
    assert "default-src 'none'" not in policy
    # Sandboxed in an origin of its own: its scripts cannot use the user's Jupyter session.
    assert "sandbox allow-scripts" in policy and "allow-same-origin" not in policy
    assert 'src="static/js/bokeh.min.js' in html  # relative: works under any prefix
    css = await jp_fetch("mlops", "api", *prefix, "statics", "css", "base.css")
    assert css.headers["Content-Type"].startswith("text/css")

    # Dask redirects / to /status: the redirect stays under the proxy's prefix.
    base = f"{jp_base_url}mlops/api/clusters/{info['id']}/dashboard/{key}"
    root = await http_server_client.fetch(
        f"{base}/", headers=jp_auth_header, follow_redirects=False, raise_error=False
    )
    assert root.code in (301, 302)
    assert root.headers["Location"] == f"{base}/status"

    # Bokeh's websocket, through the tunnel: the session token from the page opens it and
    # the dashboard's Bokeh server acknowledges.
    found = re.search(r'"token":"([^"]+)"', html)
    assert found is not None, html
    token = found.group(1)
    url = f"ws://127.0.0.1:{jp_http_port}{base}/status/ws"
    from tornado.httpclient import HTTPRequest

    # As a sandboxed page opens it: no cookie, `Origin: null`; the path's key vouches.
    request = HTTPRequest(url, headers={"Origin": "null"})
    connection = await websocket_connect(request, subprotocols=["bokeh", token])
    first = await asyncio.wait_for(connection.read_message(), 30)
    assert isinstance(first, str) and '"msgtype":"ACK"' in first.replace(" ", "")
    connection.close()

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("mlops", "api", "clusters", "nope", "dashboard", key, "status")
    assert error.value.code == 404
    # Logged in but without the key (or another cluster's): not found, nothing forwarded.
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("mlops", "api", "clusters", info["id"], "dashboard", "status")
    assert error.value.code == 404
    await api(jp_fetch, info["id"], method="DELETE")


async def test_the_dashboard_refuses_requests_without_credentials(
    jp_fetch, jp_base_url, http_server_client
):
    info = await api(jp_fetch, method="POST", body=SMALL)
    key = info["dashboard_path"].split("/")[-2]
    wrong = ("0" if key[0] != "0" else "1") + key[1:]
    for path in ("status", f"{wrong}/status", f"{wrong[:-1]}/status", "/status", "%C3%AF/x"):
        response = await http_server_client.fetch(
            f"{jp_base_url}mlops/api/clusters/{info['id']}/dashboard/{path}", raise_error=False
        )
        assert response.code == 403, path
    # The key alone opens the page: a sandboxed page's requests carry no Lax cookie.
    response = await http_server_client.fetch(f"{jp_base_url}{info['dashboard_path']}")
    assert response.code == 200
    await api(jp_fetch, info["id"], method="DELETE")


async def test_the_server_tells_its_kernels_where_it_is(jp_fetch, jp_serverapp, jp_http_port):
    url = os.environ[SERVER_URL_ENV]
    assert url == f"http://{jp_serverapp.ip}:{jp_http_port}{jp_serverapp.base_url}"
    assert os.environ[SERVER_TOKEN_ENV] == jp_serverapp.identity_provider.token


async def test_every_cluster_closes_when_the_server_stops(jp_fetch, mlops_app):
    from distributed.core import rpc

    info = await api(jp_fetch, method="POST", body=SMALL)
    comm = rpc(info["scheduler_address"], connection_args=await client_tls(jp_fetch, info["id"]))
    assert (await comm.identity())["type"] == "Scheduler"
    await mlops_app.stop_extension()  # the capabilities' teardowns, clusters' included
    with pytest.raises(OSError):
        await asyncio.wait_for(comm.identity(), 5)
    await comm.close_rpc()


async def test_the_link_is_withdrawn_when_the_server_stops(jp_fetch, mlops_app):
    await mlops_app.stop_extension()
    assert SERVER_URL_ENV not in os.environ


KERNEL_CODE = """
from jupyter_mlops import get_client
client = get_client()
print(client.scheduler.address)
print(client.submit(sum, [1, 2, 3]).result(timeout=30))
print(client.dashboard_link)
"""


async def test_a_process_started_by_the_server_reaches_its_cluster(jp_fetch):
    info = await api(jp_fetch, method="POST", body=SMALL)
    # The environment a kernel inherits from the server (the server runs in this process).
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", KERNEL_CODE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=dict(os.environ),
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    # First: did the process find the server (else it fell back to a cluster of its own)?
    assert b"no Jupyter server" not in err, err.decode()
    assert process.returncode == 0, err.decode()
    # The Client's dashboard link is the server's proxy (works wherever the Lab is opened).
    assert out.decode().split() == [
        info["scheduler_address"],
        "6",
        "/a%40b/" + info["dashboard_path"],
    ]
    await api(jp_fetch, info["id"], method="DELETE")


async def test_the_magic_in_a_kernel_acts_on_the_servers_clusters(jp_fetch, capsys):
    shell = ipython_shell()

    def magic(line: str):
        return shell.run_line_magic("mlops", line)

    # The magic calls the server over HTTP; the server answers on this test's event loop.
    await asyncio.to_thread(magic, "cluster start --workers 1 --threads 1 --no-processes")
    assert "Started on the Jupyter server at http://" in capsys.readouterr().out
    listing = await api(jp_fetch)
    [info] = listing["clusters"]
    assert listing["current"] == info["id"]
    await asyncio.to_thread(magic, "cluster scale 2")
    await wait_for_workers(jp_fetch, info["id"], 2)
    report = await asyncio.to_thread(magic, "cluster")
    assert f"dashboard: /a%40b/{info['dashboard_path']}" in repr(report)
    await asyncio.to_thread(magic, "cluster stop")
    assert (await api(jp_fetch))["clusters"] == []

    with pytest.raises(Exception) as error:
        await asyncio.to_thread(magic, "cluster start --threads 0")
    assert getattr(error.value, "field", None) == "threads"


async def test_each_client_links_to_its_own_clusters_dashboard(jp_fetch):
    from jupyter_mlops.clusters.client import get_client

    first = await api(jp_fetch, method="POST", body={**SMALL, "name": "first"})
    second = await api(jp_fetch, method="POST", body={**SMALL, "name": "second"})
    clients = [await asyncio.to_thread(get_client, name) for name in ("first", "second")]
    links = [client.dashboard_link for client in clients]
    assert links == [f"/a%40b/{first['dashboard_path']}", f"/a%40b/{second['dashboard_path']}"]
    assert links[0] in clients[0]._repr_html_()
    # Last made, first closed: each default client restores dask's scheduler setting to what
    # it found, so closing in creation order would leave "dask.distributed" with no client.
    for client in reversed(clients):
        await asyncio.to_thread(client.close)
    for info in (first, second):
        await api(jp_fetch, info["id"], method="DELETE")
