"""`c.ProfilingSettings.small_file_bytes` in the server's config decides which files are
profiled in the server's thread pool: at 0, even a small file goes to the runner's task
process, with progress."""

from __future__ import annotations

from typing import Any

import pytest
from sklearn import datasets

from jupyter_mlops.profiling.capability import PROFILING

from .test_profiling_api import call, finished

pytestmark = pytest.mark.capabilities("profiling")


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    """The suite's server, with no file small enough to profile in the server."""
    return {**jp_server_config, "ProfilingSettings": {"small_file_bytes": 0}}


async def test_the_small_file_threshold_is_read_from_the_server_config(
    jp_fetch, jp_root_dir, jp_serverapp
):
    datasets.load_wine(as_frame=True).frame.to_csv(jp_root_dir / "wine.csv", index=False)
    assert jp_serverapp.web_app.settings["mlops_services"].get(PROFILING).small_file_bytes == 0
    code, job = await call(jp_fetch, "profiles", method="POST", body={"path": "wine.csv"})
    assert code == 202 and job["runs_in"] == "runner" and job["status"] == "running"
    state, _ = await finished(jp_fetch, job["id"])
    assert state["job"]["status"] == "done" and state["profile"]["n_rows"] == 178
