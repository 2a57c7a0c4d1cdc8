"""Clusters the server starts accept only holders of their credentials, and the dashboard
proxy cannot be aimed anywhere else (issue 9, items 2 and 3)."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap

import pytest
from tornado import web
from tornado.httpclient import HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from jupyter_mlops.clusters.capability import CLUSTERS
from jupyter_mlops.core.server_link import SERVER_TOKEN_ENV
from tests.support.clusters import (
    LYING_SCHEDULER_SCRIPT,
    SMALL,
    api,
    client_tls,
    start_external_scheduler,
)
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("clusters")

# Tries to run a task that creates a marker file, three ways, none with the cluster's
# credentials: plain TLS, plain TCP, and TLS with a certificate of its own.
INTRUDER = textwrap.dedent(
    """
    import sys
    from distributed import Client
    from distributed.security import Security

    address, marker = sys.argv[1], sys.argv[2]

    def touch():
        open(marker, "w").close()

    attempts = {
        "tls": dict(address=address),
        "tcp": dict(address=address.replace("tls://", "tcp://")),
        "own-cert": dict(address=address, security=Security.temporary()),
    }
    for name, kwargs in attempts.items():
        try:
            with Client(timeout=5, **kwargs) as client:
                client.submit(touch).result(timeout=5)
            print(name, "RAN")
        except Exception as exc:
            print(name, "refused", type(exc).__name__)
    """
)


async def test_a_process_without_the_credentials_cannot_submit_work(jp_fetch, tmp_path):
    info = await api(jp_fetch, method="POST", body=SMALL)
    assert info["secured"] is True and info["scheduler_address"].startswith("tls://")
    marker = tmp_path / "ran"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", INTRUDER, info["scheduler_address"], str(marker),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={"PATH": os.environ.get("PATH", "")},  # an empty environment: no server link
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    lines = out.decode().splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["tls", "refused"],
        ["tcp", "refused"],
        ["own-cert", "refused"],
    ], err.decode()[-2000:]
    assert not marker.exists()
    await api(jp_fetch, info["id"], method="DELETE")


async def test_the_connection_route_hands_the_credentials_that_work(jp_fetch):
    from distributed.core import rpc

    info = await api(jp_fetch, method="POST", body=SMALL)
    connection = await api(jp_fetch, info["id"], "connection")
    assert connection["address"] == info["scheduler_address"]
    assert connection["tls"]["key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert connection["dashboard_link"] == info["dashboard_path"]
    comm = rpc(info["scheduler_address"], connection_args=await client_tls(jp_fetch, info["id"]))
    assert (await comm.identity())["type"] == "Scheduler"
    await comm.close_rpc()
    await api(jp_fetch, info["id"], method="DELETE")


async def test_process_workers_do_not_inherit_the_server_token(jp_fetch):
    from distributed import Client
    from distributed.security import Security

    assert os.environ.get(SERVER_TOKEN_ENV)  # the server exported its token for kernels
    body = {"workers": 1, "threads": 1, "memory": "512MiB", "processes": True}
    info = await api(jp_fetch, method="POST", body=body)
    tls = (await api(jp_fetch, info["id"], "connection"))["tls"]
    security = Security(
        tls_ca_file=tls["ca"], tls_client_cert=tls["cert"], tls_client_key=tls["key"],
        require_encryption=True,
    )  # fmt: skip

    def worker_token() -> list[tuple[int, str | None]]:
        with Client(info["scheduler_address"], security=security, timeout=30) as client:
            found = client.run(lambda: (os.getpid(), os.environ.get(SERVER_TOKEN_ENV)))
            return list(found.values())

    [(pid, token)] = await asyncio.wait_for(asyncio.to_thread(worker_token), 60)
    assert pid != os.getpid()  # a real worker process
    assert not token
    await api(jp_fetch, info["id"], method="DELETE")


class _Secret(web.RequestHandler):
    hits = 0

    def get(self) -> None:
        _Secret.hits += 1
        self.write("SECRET")


def _secret_server() -> tuple[HTTPServer, int]:
    """An HTTP server on the loopback that nobody should reach through the proxy."""
    [sock] = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(web.Application([(r"/.*", _Secret)]))
    server.add_sockets([sock])
    _Secret.hits = 0
    return server, sock.getsockname()[1]


async def test_a_scheduler_cannot_aim_the_proxy_at_another_port(jp_fetch, mlops_app):
    server, secret_port = _secret_server()
    process, address = await start_external_scheduler(LYING_SCHEDULER_SCRIPT, str(secret_port))
    try:
        info = await api(jp_fetch, method="POST", body={"address": address})
        assert info["status"] == "running"
        assert info["dashboard_path"] is None and info["dashboard_url"] is None
        # Even with the right key for that id, nothing is forwarded for a connected scheduler.
        key = mlops_app.services.get(CLUSTERS).dashboard_key(info["id"])
        for path in ("status", "anything"):
            with pytest.raises(HTTPClientError) as error:
                await jp_fetch("mlops", "api", "clusters", info["id"], "dashboard", key, path)
            assert error.value.code == 404
            assert error_body(error.value)["field"] == "id"
        assert _Secret.hits == 0
        connection = await api(jp_fetch, info["id"], "connection")
        assert connection["tls"] is None
        await api(jp_fetch, info["id"], method="DELETE")
    finally:
        process.kill()
        await process.wait()
        server.stop()


async def test_a_connected_cluster_opens_the_dashboard_url_given_directly(jp_fetch):
    process, address = await start_external_scheduler()
    try:
        body = {"address": address, "dashboard": "https://dask.example.org/status"}
        info = await api(jp_fetch, method="POST", body=body)
        assert info["dashboard_url"] == "https://dask.example.org/status"
        assert info["dashboard_path"] is None
        await api(jp_fetch, info["id"], method="DELETE")
    finally:
        process.kill()
        await process.wait()


async def test_the_limits_are_listed_and_configurable(jp_fetch, mlops_app):
    limits = (await api(jp_fetch))["limits"]
    assert limits["max_workers"] == os.cpu_count()
    assert limits["max_threads"] == os.cpu_count()
    assert limits["max_memory"] > 2**20
    manager = mlops_app.services.get(CLUSTERS)
    manager.max_workers = 1
    assert (await api(jp_fetch))["limits"]["max_workers"] == 1
    with pytest.raises(HTTPClientError) as error:
        await api(jp_fetch, method="POST", body={**SMALL, "workers": 2})
    body = error_body(error.value)
    assert error.value.code == 400 and body["field"] == "workers"
    assert "at most 1 workers" in body["message"]


async def test_a_started_cluster_is_proxied_at_the_port_its_scheduler_bound(jp_fetch, mlops_app):
    from distributed.core import rpc

    server, secret_port = _secret_server()
    try:
        info = await api(jp_fetch, method="POST", body=SMALL)
        scheduler = mlops_app.services.get(CLUSTERS)._clusters[info["id"]].cluster.scheduler
        honest = scheduler.identity

        def lying(*args, **kwargs):
            found = honest(*args, **kwargs)
            found["services"] = {"dashboard": secret_port}
            return found

        scheduler.handlers["identity"] = lying  # what it reports no longer matters
        comm = rpc(
            info["scheduler_address"], connection_args=await client_tls(jp_fetch, info["id"])
        )
        assert (await comm.identity())["services"] == {"dashboard": secret_port}
        await comm.close_rpc()
        await api(jp_fetch, info["id"])
        page = await jp_fetch(*info["dashboard_path"].split("/"))
        assert b"bokeh" in page.body.lower() and b"SECRET" not in page.body
        assert _Secret.hits == 0
        await api(jp_fetch, info["id"], method="DELETE")
    finally:
        server.stop()
