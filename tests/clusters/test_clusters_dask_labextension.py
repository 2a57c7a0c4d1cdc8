"""dask-labextension's `/dask/...` routes answered from our ClusterManager, and
jupyter-server-proxy's raw `/proxy/<port>` closed, on a real server that also loads both of
those server extensions (so our routes must win over theirs), with real LocalClusters."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPClientError

from jupyter_mlops.clusters.capability import CLUSTERS
from jupyter_mlops.clusters.dask_labextension import front_routes
from tests.support.clusters import SMALL, api, wait_for_workers
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("clusters")


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from a named server"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def named_site() -> Iterator[int]:
    """A local web server (a thread of this process) behind a named ServerProxy server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def jp_server_config(named_site: int) -> dict[str, Any]:
    """Our extension plus dask-labextension's and jupyter-server-proxy's server extensions;
    the manager's defaults (used by dask-labextension's "NEW") kept small."""
    return {
        "ServerApp": {
            "jpserver_extensions": {
                "jupyter_mlops": True,
                "dask_labextension": True,
                "jupyter_server_proxy": True,
            }
        },
        # A named jupyter-server-proxy server (not under /proxy/): it must keep working.
        "ServerProxy": {"servers": {"named-site": {"command": [], "port": named_site}}},
        "ClusterManager": {
            "cluster_class": "distributed.LocalCluster",
            "cluster_kwargs": {"n_workers": 1, "threads_per_worker": 1, "processes": False},
        },
    }


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local port that records connections: nothing may ever connect to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def _never_connected(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


async def dask(jp_fetch: Any, *path: str, method: str = "GET", body: Any = None, **kw: Any) -> Any:
    """Call /dask/... and return the response."""
    if method != "GET":
        kw["allow_nonstandard_methods"] = True
        kw["body"] = json.dumps(body) if body is not None else b""
    return await jp_fetch("dask", *path, method=method, **kw)


async def test_theirs_and_jupyter_server_proxy_are_loaded(jp_serverapp):
    """The other tests prove something only if both extensions mounted their routes."""
    loaded = jp_serverapp.extension_manager.extensions
    assert loaded["dask_labextension"].enabled and loaded["jupyter_server_proxy"].enabled
    names = set()
    pending = list(jp_serverapp.web_app.default_router.rules)
    while pending:
        rule = pending.pop()
        if hasattr(rule.target, "rules"):
            pending.extend(rule.target.rules)
        elif isinstance(rule.target, type):
            names.add(rule.target.__name__)
    assert {"LocalProxyHandler", "DaskClusterHandler", "DaskDashboardCheckHandler"} <= names


async def test_the_list_is_ours_and_its_buttons_act_on_our_manager(jp_fetch, jp_base_url):
    info = await api(jp_fetch, method="POST", body={**SMALL, "name": "shared"})
    listing = json.loads((await dask(jp_fetch, "clusters")).body)
    ours = (await api(jp_fetch))["clusters"]
    assert [c["id"] for c in listing] == [c["id"] for c in ours] == [info["id"]]
    [model] = listing
    assert model["name"] == "shared"
    assert model["scheduler_address"] == info["scheduler_address"]
    assert model["dashboard_link"] == url_path_join(jp_base_url, info["dashboard_path"])
    assert (model["workers"], model["cores"], model["adapt"]) == (1, 1, None)
    assert model["memory"] == "512.00 MiB"
    one = json.loads((await dask(jp_fetch, "clusters", info["id"])).body)
    assert one == model

    # Its "Scale" dialog sends its whole model with `workers` (or `adapt`) changed.
    scaled = await dask(jp_fetch, "clusters", info["id"], method="PATCH",
                        body={**model, "workers": 2})  # fmt: skip
    assert scaled.code == 200
    await wait_for_workers(jp_fetch, info["id"], 2)
    adapt = {"minimum": 1, "maximum": 2}
    adapted = json.loads((await dask(jp_fetch, "clusters", info["id"], method="PATCH",
                                     body={**model, "adapt": adapt})).body)  # fmt: skip
    assert adapted["adapt"] == adapt
    assert (await api(jp_fetch, info["id"]))["adapt"] == adapt

    with pytest.raises(HTTPClientError) as error:
        await dask(jp_fetch, "clusters", info["id"], method="PATCH", body={**model, "workers": -1})
    assert error.value.code == 400

    deleted = await dask(jp_fetch, "clusters", info["id"], method="DELETE")
    assert deleted.code == 204
    assert (await api(jp_fetch))["clusters"] == []
    assert json.loads((await dask(jp_fetch, "clusters")).body) == []
    with pytest.raises(HTTPClientError) as error:
        await dask(jp_fetch, "clusters", info["id"])
    assert error.value.code == 404


async def test_its_new_button_starts_a_cluster_with_our_defaults(jp_fetch):
    started = json.loads((await dask(jp_fetch, "clusters", method="PUT")).body)
    [ours] = (await api(jp_fetch))["clusters"]
    assert started["id"] == ours["id"]
    assert ours["status"] == "running" and ours["secured"] is True
    assert started["workers"] == len(ours["workers"]) == 1
    with pytest.raises(HTTPClientError) as error:
        await dask(jp_fetch, "clusters", "chosen-id", method="PUT")
    assert error.value.code == 400
    await dask(jp_fetch, "clusters", ours["id"], method="DELETE")


async def _check(jp_fetch: Any, url: str) -> dict[str, Any]:
    response = await dask(jp_fetch, "dashboard-check", urllib.parse.quote(url, safe=""))
    result: dict[str, Any] = json.loads(response.body)
    return result


async def test_dashboard_check_is_active_only_for_our_clusters(
    jp_fetch, jp_base_url, jp_serverapp, listener
):
    info = await api(jp_fetch, method="POST", body=SMALL)
    proxied = url_path_join(jp_base_url, info["dashboard_path"])
    manager = jp_serverapp.web_app.settings["mlops_services"].get(CLUSTERS)
    port = (await manager.dashboard_ports())[info["id"]]
    for url in (proxied, f"http://127.0.0.1:{port}/status", f"http://localhost:{port}"):
        result = await _check(jp_fetch, url)
        assert result["isActive"] is True, url
        assert "Individual Task Stream" in result["plots"]
        assert result["effectiveUrl"].endswith(proxied.removesuffix("status"))

    other = listener.getsockname()[1]
    for url in (
        f"http://127.0.0.1:{other}/",
        f"http://127.0.0.1:{other}/status",
        f"http://localhost:{other}",
        proxied.replace(info["dashboard_path"].split("/")[5], "0" * 32),  # a wrong key
    ):
        result = await _check(jp_fetch, url)
        assert result == {"url": result["url"], "isActive": False, "effectiveUrl": None,
                          "plots": {}}, url  # fmt: skip
    # Our keyed path named on another host and port: recognised by its path and key, served
    # from the cluster's real dashboard and our proxy; the named host is never contacted.
    result = await _check(jp_fetch, f"http://127.0.0.1:{other}{proxied}")
    assert result["isActive"] is True
    assert f":{other}/" not in result["effectiveUrl"]
    assert _never_connected(listener)
    await api(jp_fetch, info["id"], method="DELETE")


async def test_its_dashboard_path_redirects_to_our_proxy_never_to_server_proxy(
    jp_fetch, jp_base_url
):
    info = await api(jp_fetch, method="POST", body=SMALL)
    response = await dask(
        jp_fetch, "dashboard", info["id"], "individual-plots.json", follow_redirects=False,
        raise_error=False,
    )  # fmt: skip
    assert response.code == 302
    keyed = url_path_join(jp_base_url, info["dashboard_path"]).removesuffix("status")
    assert response.headers["Location"] == keyed + "individual-plots.json"
    relative = response.headers["Location"].removeprefix(jp_base_url)
    followed = await jp_fetch(*relative.split("/"))
    assert "Individual Task Stream" in json.loads(followed.body)
    for path in (("dashboard", "nosuchid", "status"), ("other", "route")):
        with pytest.raises(HTTPClientError) as error:
            await dask(jp_fetch, *path)
        assert error.value.code == 404
    await api(jp_fetch, info["id"], method="DELETE")


@pytest.mark.parametrize(
    "path",
    ["{port}/", "{port}/status", "127.0.0.1:{port}/", "absolute/{port}/", "localhost:{port}"],
)
async def test_raw_port_proxy_is_refused(jp_fetch, listener, path):
    port = listener.getsockname()[1]
    for method in ("GET", "POST"):
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch("proxy", *path.format(port=port).split("/"), method=method,
                           **({"body": b"x"} if method == "POST" else {}))  # fmt: skip
        assert error.value.code == 403
        body = error_body(error.value)
        assert "MLOpsApp.allow_raw_port_proxy" in body["message"]
    assert _never_connected(listener)


async def test_raw_port_proxy_refuses_websockets(jp_ws_fetch, listener):
    port = listener.getsockname()[1]
    with pytest.raises(HTTPClientError) as error:
        await jp_ws_fetch("proxy", str(port), "ws")
    assert error.value.code == 403
    assert _never_connected(listener)


async def test_named_server_proxy_servers_keep_working(
    http_server_client, jp_base_url, jp_auth_header
):
    url = url_path_join(jp_base_url, "named-site/")
    response = await http_server_client.fetch(url, headers=jp_auth_header)
    assert response.body == b"hello from a named server"


async def test_routes_refuse_unauthenticated_requests(http_server_client, jp_base_url, listener):
    port = listener.getsockname()[1]
    for path, method in [("dask/clusters", "GET"), ("dask/clusters", "PUT"),
                         ("dask/dashboard-check/http%3A%2F%2F127.0.0.1", "GET"),
                         (f"proxy/{port}/", "GET")]:  # fmt: skip
        response = await http_server_client.fetch(
            url_path_join(jp_base_url, path), method=method, raise_error=False,
            body=b"" if method == "PUT" else None, allow_nonstandard_methods=True,
        )  # fmt: skip
        assert response.code == 403, path
    assert _never_connected(listener)


async def test_routes_are_in_the_openapi_document(jp_fetch, jp_base_url):
    document = json.loads((await jp_fetch("mlops", "api", "openapi.json")).body)
    for path, verbs in {
        "/dask/clusters": {"get", "put"},
        "/dask/clusters/{cluster_id}": {"get", "put", "patch", "delete"},
        "/dask/dashboard-check/{url}": {"get"},
        "/proxy/{target}": {"get", "post", "put", "patch", "delete"},
    }.items():
        item = document["paths"][path]
        assert verbs <= set(item), path
        assert item["servers"] == [{"url": jp_base_url.rstrip("/")}]


def test_the_raw_proxy_opens_only_by_configuration():
    def paths(allow: bool) -> list[str]:
        return [path for path, _ in front_routes(SimpleNamespace(allow_raw_port_proxy=allow))]

    assert "proxy/(?P<target>.*)" in paths(False)
    assert not any(path.startswith("proxy/") for path in paths(True))
