"""GET /mlops/api/health through a real Jupyter server."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_mlops import __version__
from jupyter_mlops.capabilities import installed_capabilities
from jupyter_mlops.core import schema


async def test_health_reports_version_store_schema_and_capabilities(jp_fetch, mlops_store):
    response = await jp_fetch("mlops", "api", "health")
    health = json.loads(response.body)
    assert health["version"] == __version__
    assert health["store_backend"] == "sqlite"
    assert health["store_url"].endswith(str(mlops_store / "mlops.db"))
    assert health["schema_revision"] == list(schema.head_revisions())
    assert health["schema_up_to_date"] is True
    names = [c["name"] for c in health["capabilities"]]
    six = ["profiling", "clusters", "tracking", "jobs", "serving", "monitoring"]
    assert names[:6] == six
    assert names == [c.name for c in installed_capabilities() if c.name != "health"]
    assert all(c["enabled"] for c in health["capabilities"])


async def test_unknown_api_path_is_a_json_404(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("mlops", "api", "no-such-thing")
    assert info.value.code == 404


async def test_server_exports_its_store_to_child_processes(jp_fetch, mlops_app, mlops_store):
    import os

    await jp_fetch("mlops", "api", "health")
    assert os.environ["JUPYTER_MLOPS_DB_URL"] == mlops_app.database.url
    assert os.environ["JUPYTER_MLOPS_DATA_DIR"] == str(mlops_store)
