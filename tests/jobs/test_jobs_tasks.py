"""Tasks and shutdowns: profiling jobs are persisted runs of the runner (failed, not running
forever, after a restart), and stopping the runner (server shutdown) kills what runs and
cancels what waits."""

from __future__ import annotations

import json
import socket
import subprocess
import time

import pytest

from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.entities import JobSpec, RunStatus
from jupyter_mlops.jobs.runner import JobRunner
from jupyter_mlops.jobs.service import JobService
from jupyter_mlops.jobs.store import JobStore, now_ms
from tests.support.jobs import outputs_text, write_notebook
from tests.support.processes import wait_gone

pytestmark = pytest.mark.capabilities("profiling")


@pytest.fixture
def dead_profiling_run(mlops_store):
    """A profiling task that a server, now gone, left running (its pid no longer exists)."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    run = JobStore(get_database()).create_run(
        kind="profiling.profile_file",
        title="Profile data/iris.csv",
        trigger="api",
        status="running",
        parameters={"path": "data/iris.csv", "target": "/nowhere", "name": None},
        host=socket.gethostname(),
        pid=gone.pid,
        start_time=now_ms(),
        heartbeat_time=now_ms(),
    )
    return run.run_id


async def test_a_profiling_job_of_a_stopped_server_is_failed_after_restart(
    dead_profiling_run, jp_fetch
):
    response = await jp_fetch("mlops", "api", "profiles", "jobs", dead_profiling_run)
    state = json.loads(response.body)
    assert state["job"]["status"] == "failed" and state["job"]["path"] == "data/iris.csv"
    assert "stopped before it finished" in state["job"]["error"]["message"]
    assert state["profile"] is None


def test_stopping_the_runner_kills_the_running_kernel_and_cancels_queued_runs(tmp_path):
    write_notebook(
        tmp_path / "slow.ipynb", "pause = 120",
        "import os, time\nprint(os.getpid(), flush=True)\nopen('started', 'w').close()\n"
        "time.sleep(pause)",
    )  # fmt: skip
    runner = JobRunner(get_database(), output_root=tmp_path / "out", root_dir=tmp_path,
                       concurrency=1)  # fmt: skip
    job = JobService(runner.store, tmp_path).create(JobSpec(notebook_path="slow.ipynb"))
    first = runner.run_job(job.job_id)
    second = runner.run_job(job.job_id)
    deadline = time.monotonic() + 120
    while not (tmp_path / "started").exists():
        assert time.monotonic() < deadline, "the first run never started"
        time.sleep(0.2)
    runner.stop()
    ran = runner.store.get_run(first.run_id)
    waited = runner.store.get_run(second.run_id)
    assert ran.status is RunStatus.CANCELLED and "kernel killed" in (ran.error or "")
    assert waited.status is RunStatus.CANCELLED and waited.start_time is None
    kernel = int(outputs_text(ran.outputs["ipynb"]).split()[0])
    wait_gone(kernel)  # the cancelled run's kernel is killed, not left running
