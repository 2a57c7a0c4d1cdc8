"""Dask Gateway as the cluster engine, against a real `dask-gateway-server` (local backend) on
loopback ports: `MLOpsApp.cluster_backend = "gateway"` by configuration alone; a 2-worker
cluster started from the REST API; a Parquet dataset profiled on it; a run tracked from a task
on a gateway worker (metrics reach the store through its URL); a cluster the same user started
elsewhere is listed and stopped from here; stopping ends it on the gateway."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlops.core.config import resolve_db_url
from tests.support.rest import call, error_body, until

from ..support.gateway import GatewayServer
from ..support.jobs import write_notebook

pytestmark = pytest.mark.capabilities("clusters")

# A job's notebook: its kernel's parent is the worker process that ran the task.
WHERE = "import os\nprint('ran', label, 'under', os.getppid())"


@pytest.fixture
def jp_server_config(gateway_server: GatewayServer) -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_mlops": True}},
        "MLOpsApp": {
            "cluster_backend": "gateway",
            "gateway_address": gateway_server.address,
            "gateway_proxy_address": gateway_server.proxy_address,
            "gateway_auth": "basic",
        },
    }


def _tracked_on_worker(db_url: str, data_dir: str) -> str:
    """Runs on a gateway worker: a run whose metrics go to the store named by URL."""
    import os

    os.environ["JUPYTER_MLOPS_DB_URL"] = db_url
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = data_dir
    import jupyter_mlops as mlops

    with mlops.start_run(experiment="on-gateway") as run:
        mlops.log_metric("rows", 42.0)
        mlops.log_param("where", "gateway worker")
    return str(run.run_id)


def _gateway_names(server: GatewayServer) -> set[str]:
    from dask_gateway import Gateway

    with Gateway(server.address, proxy_address=server.proxy_address, auth="basic") as gateway:
        return {c.name for c in gateway.list_clusters()}


@pytest.mark.timeout(900)
@pytest.mark.slow
async def test_gateway_clusters_from_the_rest_api(
    jp_fetch: Any, mlops_app: Any, gateway_server: GatewayServer, tmp_path: Path, jp_root_dir: Path
) -> None:
    import pandas as pd

    started = await call(jp_fetch, "POST", "clusters", body={"workers": 2})
    assert started["cluster_class"] == "dask_gateway.GatewayCluster"
    assert started["status"] == "running" and started["secured"]
    assert started["dashboard_url"].startswith(f"{gateway_server.address}/clusters/")
    cluster_id = started["id"]

    async def two_workers() -> Any:
        listed = await call(jp_fetch, "GET", "clusters")
        (info,) = [c for c in listed["clusters"] if c["id"] == cluster_id]
        return info if len(info["workers"]) == 2 else None

    await until(two_workers)

    # A kernel's view: get_client through the server link (a thread: the server shares our loop).
    frame = pd.DataFrame({"x": range(1000), "y": [i % 7 for i in range(1000)]})
    dataset = tmp_path / "data.parquet"
    frame.to_parquet(dataset)

    def profile_on_cluster() -> tuple[int, str, set[int]]:
        import dask.dataframe as dd

        import jupyter_mlops as mlops

        client = mlops.get_client(cluster_id)
        assert client.scheduler is not None  # None only before the client connects
        address = client.scheduler.address
        assert address is not None and address.startswith("gateway://")
        report = mlops.profile(dd.read_parquet(str(dataset)))
        run_id = client.submit(_tracked_on_worker, resolve_db_url(), str(tmp_path)).result(300)
        worker_pids = set(client.run(lambda: __import__("os").getpid()).values())
        return int(report.n_rows), run_id, worker_pids

    n_rows, run_id, worker_pids = await asyncio.to_thread(profile_on_cluster)
    assert n_rows == 1000
    from jupyter_mlops.tracking.process_client import get_client as tracking_client

    run = tracking_client().store.get_run(run_id)  # written by the worker, read here
    assert dict(run.params) == {"where": "gateway worker"}
    assert dict(run.metrics) == {"rows": 42.0}

    # A notebook job with target=dask runs as a task on the gateway cluster (the current one).
    write_notebook(jp_root_dir / "where.ipynb", "label = 'none'", WHERE)
    job = await call(
        jp_fetch, "POST", "jobs",
        body={"notebook_path": "where.ipynb", "target": "dask", "parameters": {"label": "gw"}},
    )  # fmt: skip
    queued = await call(jp_fetch, "POST", "jobs", job["job_id"], "runs", body={})

    async def job_done() -> Any:
        job_run = await call(jp_fetch, "GET", "job-runs", queued["run_id"])
        return job_run if job_run["status"] not in ("queued", "running") else None

    job_run = await until(job_done, timeout=300)
    assert job_run["status"] == "succeeded", job_run.get("error")
    assert job_run["cells_done"] == job_run["cells_total"] == 3
    executed = await jp_fetch("mlops", "api", "job-runs", queued["run_id"], "outputs", "ipynb")
    printed = "".join(
        "".join(output.get("text", ""))
        for cell in json.loads(executed.body)["cells"]
        for output in cell.get("outputs", [])
    )
    assert printed.startswith("ran gw under ") and int(printed.split()[3]) in worker_pids

    # A cluster this user started elsewhere shows up, and stopping it here stops it there.
    def start_elsewhere() -> str:
        from dask_gateway import Gateway

        with Gateway(
            gateway_server.address, proxy_address=gateway_server.proxy_address, auth="basic"
        ) as gateway:
            cluster = gateway.new_cluster(shutdown_on_close=False)
            name = str(cluster.name)
            cluster.close()
            return name

    elsewhere = await asyncio.to_thread(start_elsewhere)
    listed = await call(jp_fetch, "GET", "clusters")
    adopted = [c for c in listed["clusters"] if c["scheduler_address"].endswith(elsewhere)]
    assert len(adopted) == 1 and adopted[0]["status"] == "running"
    await call(jp_fetch, "DELETE", "clusters", adopted[0]["id"])
    # Stopped as a kernel would (clusters.client.stop_cluster): its client closes and dask's
    # default scheduler goes back (a DELETE from elsewhere left this process's client behind).
    await asyncio.to_thread(mlops_stop_cluster, cluster_id)

    async def gone() -> bool:
        return not await asyncio.to_thread(_gateway_names, gateway_server)

    await until(gone)


def mlops_stop_cluster(cluster_id: str) -> None:
    """`stop_cluster` of the clusters' Python API in this process (the test plays the kernel)."""
    from jupyter_mlops.clusters.client import stop_cluster

    stop_cluster(cluster_id)


def _gateway_options(server: GatewayServer) -> dict[str, dict[str, Any]]:
    from dask_gateway import Gateway

    with Gateway(server.address, proxy_address=server.proxy_address, auth="basic") as gateway:
        return {c.name: dict(c.options) for c in gateway.list_clusters()}


@pytest.mark.timeout(600)
async def test_gpu_options_pass_through_the_gateways_cluster_options(
    jp_fetch: Any, mlops_app: Any, gateway_server: GatewayServer
) -> None:
    from tornado.httpclient import HTTPClientError

    async def refused(body: dict[str, Any]) -> dict[str, Any]:
        with pytest.raises(HTTPClientError) as caught:
            await call(jp_fetch, "POST", "clusters", body=body)
        assert caught.value.code == 400
        return error_body(caught.value)

    # Options the gateway does not offer, or values it refuses: a 400 naming the field, and
    # nothing started on the gateway.
    unknown = await refused({"options": {"worker_gpus": 1}})
    assert unknown["field"] == "options.worker_gpus" and "gpus" in unknown["message"]
    assert (await refused({"gpus": 9}))["field"] == "gpus"  # the gateway's maximum is 4
    assert (await refused({"gpus": "all"}))["field"] == "gpus"
    assert (await refused({"options": {"worker_cores": "many"}}))["field"] == (
        "options.worker_cores"
    )
    assert not await asyncio.to_thread(_gateway_names, gateway_server)

    # No GPU here: the gateway is asked for them (its report keeps the options), NVML is not.
    started = await call(
        jp_fetch, "POST", "clusters", body={"gpus": 2, "options": {"worker_cores": 2}}
    )
    assert started["status"] == "running"
    options = await asyncio.to_thread(_gateway_options, gateway_server)
    assert list(options.values()) == [{"gpus": 2, "worker_cores": 2}]
    await call(jp_fetch, "DELETE", "clusters", started["id"])

    async def gone() -> bool:
        return not await asyncio.to_thread(_gateway_names, gateway_server)

    await until(gone)
