"""The clusters REST API on pytest-jupyter's real server, with real Dask LocalClusters."""

from __future__ import annotations

import re

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_mlops.clusters.capability import CLUSTERS
from jupyter_mlops.clusters.gpus import list_gpus
from tests.support.clusters import SMALL, api, start_external_scheduler, wait_for_workers
from tests.support.rest import error_body

# The server runs only what these tests need (tests/conftest.py, jp_server_config).
pytestmark = pytest.mark.capabilities("clusters")


async def test_start_scale_adapt_and_stop_a_local_cluster(jp_fetch):
    info = await api(jp_fetch, method="POST", body={**SMALL, "name": "tiny"})
    assert info["status"] == "running"
    assert info["name"] == "tiny"
    assert info["kind"] == "local"
    assert info["cluster_class"] == "distributed.LocalCluster"
    assert info["scheduler_address"].startswith("tls://127.0.0.1:")
    assert info["secured"] is True
    assert info["current"] is True
    [worker] = info["workers"]
    assert worker["threads"] == 1
    assert worker["memory_limit"] == 512 * 2**20
    assert worker["memory_used"] > 0
    assert re.fullmatch(
        rf"mlops/api/clusters/{info['id']}/dashboard/[0-9a-f]{{32}}/status", info["dashboard_path"]
    )
    assert f'get_client("{info["id"]}")' in info["connect_code"]

    listing = await api(jp_fetch)
    assert listing["current"] == info["id"]
    assert [c["id"] for c in listing["clusters"]] == [info["id"]]

    scaled = await api(jp_fetch, info["id"], method="PATCH", body={"workers": 2})
    assert scaled["requested_workers"] == 2
    await wait_for_workers(jp_fetch, info["id"], 2)

    adapted = await api(
        jp_fetch, info["id"], method="PATCH", body={"adapt": {"minimum": 1, "maximum": 2}}
    )
    assert adapted["adapt"] == {"minimum": 1, "maximum": 2}
    rescaled = await api(jp_fetch, info["id"], method="PATCH", body={"workers": 1})
    assert rescaled["adapt"] is None
    await wait_for_workers(jp_fetch, info["id"], 1)

    closed = await api(jp_fetch, info["id"], method="DELETE")
    assert closed["status"] == "closed"
    assert (await api(jp_fetch))["clusters"] == []
    with pytest.raises(HTTPClientError) as error:
        await api(jp_fetch, info["id"])
    assert error.value.code == 404
    assert error_body(error.value)["field"] == "id"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"workers": -1}, "workers"),
        ({"workers": "two"}, "workers"),
        ({"threads": 0}, "threads"),
        ({"memory": "lots"}, "memory"),
        ({"memory": "0GB"}, "memory"),
        ({"memory": -5}, "memory"),
        ({"gpus": -2}, "gpus"),
        ({"gpus": "some"}, "gpus"),
        ({"adapt": {"minimum": 3, "maximum": 1}}, "adapt.minimum"),
        ({"adapt": {"minimum": 0, "maximum": 0}}, "adapt.maximum"),
        ({"workers": 2, "adapt": {"minimum": 1, "maximum": 2}}, "workers"),
        ({"worker": 2}, "worker"),
        ({"address": "localhost:8786"}, "address"),
        ({"address": "tcp://127.0.0.1:9", "workers": 2}, "workers"),
        # Bounded sizes (issue 9): absurd numbers, and numbers above this machine's limits.
        ({"workers": 10**12}, "workers"),
        ({"workers": 500}, "workers"),
        ({"adapt": {"minimum": 0, "maximum": 10**12}}, "adapt.maximum"),
        ({"adapt": {"minimum": 0, "maximum": 500}}, "adapt.maximum"),
        ({"threads": 5000}, "threads"),
        ({"memory": "1e99"}, "memory"),
        ({"memory": "100PB"}, "memory"),
        ({"workers": ""}, "workers"),
        # Scheduler addresses take Dask comm schemes only; a dashboard only with an address.
        ({"address": "http://127.0.0.1:8787"}, "address"),
        ({"address": "file:///etc/passwd"}, "address"),
        ({"address": "tcp://"}, "address"),
        ({"address": "tcp://127.0.0.1:9", "dashboard": "javascript:alert(1)"}, "dashboard"),
        ({"dashboard": "http://127.0.0.1:8787/status"}, "dashboard"),
    ],
)
async def test_bad_start_requests_are_400_naming_the_field(jp_fetch, body, field):
    with pytest.raises(HTTPClientError) as error:
        await api(jp_fetch, method="POST", body=body)
    assert error.value.code == 400
    assert error_body(error.value)["field"] == field
    assert (await api(jp_fetch))["clusters"] == []


async def test_asking_for_gpus_without_any_says_none_were_found(jp_fetch):
    if list_gpus():
        pytest.skip("this machine has an NVIDIA GPU; the no-GPU answer cannot be seen here")
    listing = await api(jp_fetch)
    assert listing["gpus"]["devices"] == []
    assert "no NVIDIA GPU found" in listing["gpus"]["note"]
    for gpus in ("all", 1):
        with pytest.raises(HTTPClientError) as error:
            await api(jp_fetch, method="POST", body={"gpus": gpus})
        body = error_body(error.value)
        assert error.value.code == 400
        assert body["field"] == "gpus"
        assert "no NVIDIA GPU was found" in body["message"]


async def test_bad_changes_are_400_naming_the_field(jp_fetch):
    info = await api(jp_fetch, method="POST", body=SMALL)
    for body, field in [
        ({"workers": -1}, "workers"),
        ({}, "body"),
        ({"workers": 1, "adapt": {"minimum": 0, "maximum": 1}}, "body"),
        ({"adapt": {"minimum": 2, "maximum": 1}}, "adapt.minimum"),
        ({"current": False}, "current"),
        ({"workers": ""}, "workers"),  # an empty "Scale to" is not 0 workers
        ({"workers": None}, "body"),
        ({"workers": 150}, "workers"),  # 150 thread workers exhausted the server's files
        ({"adapt": {"minimum": 0, "maximum": 150}}, "adapt.maximum"),
    ]:
        with pytest.raises(HTTPClientError) as error:
            await api(jp_fetch, info["id"], method="PATCH", body=body)
        assert error.value.code == 400, body
        assert error_body(error.value)["field"] == field
    with pytest.raises(HTTPClientError) as error:
        await api(jp_fetch, "nope", method="PATCH", body={"workers": 1})
    assert error.value.code == 404
    await api(jp_fetch, info["id"], method="DELETE")


async def test_a_connected_scheduler_shows_as_lost_when_it_dies(jp_fetch):
    process, address = await start_external_scheduler()
    try:
        info = await api(jp_fetch, method="POST", body={"address": address})
        assert info["kind"] == "connected"
        assert info["status"] == "running"
        assert info["current"] is True
        again = await api(jp_fetch, method="POST", body={"address": address})
        assert again["id"] == info["id"]
        with pytest.raises(HTTPClientError) as error:
            await api(jp_fetch, info["id"], method="PATCH", body={"workers": 2})
        assert error.value.code == 409
    finally:
        process.kill()
        await process.wait()
    lost = await api(jp_fetch, info["id"])
    assert lost["status"] == "lost"
    assert "does not answer" in lost["error"]
    assert lost["workers"] == []
    forgotten = await api(jp_fetch, info["id"], method="DELETE")
    assert forgotten["status"] == "closed"


async def test_a_started_cluster_whose_scheduler_died_shows_as_lost(jp_fetch, mlops_app):
    info = await api(jp_fetch, method="POST", body=SMALL)
    manager = mlops_app.services.get(CLUSTERS)
    record = manager._clusters[info["id"]]
    # Kill the scheduler under the cluster, as a crash would, without telling the manager.
    await manager._loop.run(record.cluster.scheduler.close())
    lost = await api(jp_fetch, info["id"])
    assert lost["status"] == "lost"
    listing = await api(jp_fetch)
    assert listing["clusters"][0]["status"] == "lost"
    closed = await api(jp_fetch, info["id"], method="DELETE")
    assert closed["status"] == "closed"


async def test_connecting_to_nothing_is_a_400_naming_the_address(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await api(jp_fetch, method="POST", body={"address": "tcp://127.0.0.1:9"})
    assert error.value.code == 400
    assert error_body(error.value)["field"] == "address"


async def test_the_current_cluster_can_be_chosen(jp_fetch):
    first = await api(jp_fetch, method="POST", body=SMALL)
    second = await api(jp_fetch, method="POST", body=SMALL)
    assert (await api(jp_fetch))["current"] == second["id"]
    chosen = await api(jp_fetch, first["id"], method="PATCH", body={"current": True})
    assert chosen["current"] is True
    assert (await api(jp_fetch))["current"] == first["id"]
    await api(jp_fetch, first["id"], method="DELETE")
    assert (await api(jp_fetch))["current"] == second["id"]
    await api(jp_fetch, second["id"], method="DELETE")
    assert (await api(jp_fetch))["current"] is None


async def test_thread_workers_keep_running_when_the_server_outgrows_their_budget(jp_fetch):
    # A thread worker's memory monitor sees the whole server process (here, pytest: far over
    # 64 MiB); pausing on that would stop the cluster. Work must still run, scaled workers too.
    import asyncio

    from distributed import Client
    from distributed.security import Security

    body = {"workers": 1, "threads": 1, "memory": "64MiB", "processes": False}
    info = await api(jp_fetch, method="POST", body=body)
    await api(jp_fetch, info["id"], method="PATCH", body={"workers": 2})
    await wait_for_workers(jp_fetch, info["id"], 2)

    connection = await api(jp_fetch, info["id"], "connection")
    security = Security(
        tls_ca_file=connection["tls"]["ca"],
        tls_client_cert=connection["tls"]["cert"],
        tls_client_key=connection["tls"]["key"],
        require_encryption=True,
    )

    def compute() -> list[int]:
        with Client(info["scheduler_address"], security=security, timeout=30) as client:
            # Let the workers' memory monitors tick (every 100 ms) before asking for work.
            client.run(lambda: None)
            futures = client.map(lambda x: x + 1, range(4), pure=False)
            return client.gather(futures, direct=False)

    await asyncio.sleep(1)
    assert await asyncio.wait_for(asyncio.to_thread(compute), 60) == [1, 2, 3, 4]
    await api(jp_fetch, info["id"], method="DELETE")
