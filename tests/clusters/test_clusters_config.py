"""Other cluster classes by configuration: a traitlet or the dask config key names the class."""

from __future__ import annotations

import dask
import pytest
from tornado.httpclient import HTTPClientError

from jupyter_mlops.clusters.capability import CLUSTERS
from tests.support.clusters import api
from tests.support.rest import error_body

# The server runs only what these tests need (tests/conftest.py, jp_server_config).
pytestmark = pytest.mark.capabilities("clusters")


@pytest.fixture
def jp_server_config():
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_mlops": True}},
        "ClusterManager": {
            "cluster_class": "distributed.LocalCluster",
            "cluster_kwargs": {"processes": False, "n_workers": 1, "threads_per_worker": 2},
        },
    }


async def test_the_traitlet_names_the_cluster_class_and_its_kwargs(jp_fetch):
    listing = await api(jp_fetch)
    assert listing["factory"] == {
        "cluster_class": "distributed.LocalCluster",
        "source": "ClusterManager.cluster_class",
        "accepts_sizes": True,
    }
    info = await api(jp_fetch, method="POST", body={})
    assert info["kind"] == "configured"
    assert info["cluster_class"] == "distributed.LocalCluster"
    [worker] = info["workers"]
    assert worker["threads"] == 2  # from cluster_kwargs
    await api(jp_fetch, info["id"], method="DELETE")


async def test_a_start_request_overrides_the_configured_sizes(jp_fetch):
    info = await api(jp_fetch, method="POST", body={"threads": 1, "memory": "300MB"})
    [worker] = info["workers"]
    assert worker["threads"] == 1
    assert worker["memory_limit"] == 300_000_000
    await api(jp_fetch, info["id"], method="DELETE")


async def test_the_dask_config_key_names_the_class_when_no_traitlet_does(jp_fetch, mlops_app):
    manager = mlops_app.services.get(CLUSTERS)
    manager.cluster_class = ""
    factory = {
        "class": "distributed.LocalCluster",
        "kwargs": {"processes": False, "n-workers": 1, "threads-per-worker": 3},
    }
    with dask.config.set({"jupyter-mlops.cluster.factory": factory}):
        listing = await api(jp_fetch)
        assert listing["factory"]["source"] == "dask config jupyter-mlops.cluster.factory"
        info = await api(jp_fetch, method="POST", body={})
    assert [w["threads"] for w in info["workers"]] == [3]
    await api(jp_fetch, info["id"], method="DELETE")


async def test_a_class_path_that_does_not_import_is_an_error_naming_the_factory(
    jp_fetch, mlops_app
):
    mlops_app.services.get(CLUSTERS).cluster_class = "dask_nowhere.NoCluster"
    listing = await api(jp_fetch)
    assert listing["factory"]["accepts_sizes"] is False
    with pytest.raises(HTTPClientError) as error:
        await api(jp_fetch, method="POST", body={})
    body = error_body(error.value)
    assert error.value.code == 503
    assert body["field"] == "factory"
    assert "dask_nowhere.NoCluster" in body["message"]


async def test_sizes_a_non_local_class_takes_from_its_kwargs_are_refused(jp_fetch, mlops_app):
    mlops_app.services.get(CLUSTERS).cluster_class = "distributed.SpecCluster"
    with pytest.raises(HTTPClientError) as error:
        await api(jp_fetch, method="POST", body={"threads": 2})
    body = error_body(error.value)
    assert error.value.code == 400
    assert body["field"] == "threads"
    assert "kwargs" in body["message"]
