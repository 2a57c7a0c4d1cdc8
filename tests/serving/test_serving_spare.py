"""The supervisor's warm spare (`spare_pool`, `spare`) on real processes: the spare becomes the
next deployed, restarted or persistent endpoint (its pid is the endpoint's), writes to the
endpoint's log, refuses a model as a cold process does, never outlives its supervisor or the
Jupyter server (nor a supervisor killed: its stdin closes), and `warm_spare=False` starts
every endpoint cold as before."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import psutil
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import reset_database
from jupyter_mlops.model_format import save_model
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.endpoint_files import LOG_FILE, endpoint_folder
from jupyter_mlops.serving.model_uri import ModelRef
from jupyter_mlops.serving.supervisor import EndpointSupervisor
from tests.support.lab import LabServer
from tests.support.ports import free_port
from tests.support.processes import wait_gone

pytestmark = pytest.mark.timeout(900)

X = pd.DataFrame(np.random.default_rng(4).normal(size=(100, 2)), columns=["a", "b"])


@pytest.fixture
def registered() -> None:
    mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "warm", X=X)


def _supervisor(data_dir: Path, warm_spare: bool = True) -> EndpointSupervisor:
    return EndpointSupervisor(get_registry(), data_dir, free_port(), warm_spare=warm_spare)


async def _spare_pid(supervisor: EndpointSupervisor) -> int:
    pid = await supervisor.spares.spare_pid()
    assert pid is not None, "no spare was started after the first deploy"
    return pid


def _spare_children() -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process().children()
        if child.is_running() and "--spare" in child.cmdline()
    ]


async def _predict(supervisor: EndpointSupervisor, name: str) -> int:
    endpoint = get_registry().get_endpoint(name)
    headers = {"Authorization": f"Bearer {supervisor.token(name)}"}
    body = {"dataframe_split": {"columns": ["a", "b"], "data": [[1.0, 2.0]]}}
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{endpoint.url}/invocations", json=body, headers=headers)
    return answer.status_code


async def test_a_second_deploy_is_served_by_the_spare_and_the_next_spare_ends_with_the_supervisor(
    registered, mlops_store: Path
) -> None:
    """Also the spare's end with its supervisor (it was a test of its own that paid for one
    more cold endpoint process; the spare waiting here is the same kind of process)."""
    supervisor = _supervisor(mlops_store)
    try:
        first = await supervisor.deploy("warm/1", "first")
        spare = await _spare_pid(supervisor)
        assert spare != first.pid
        second = await supervisor.deploy("warm/1", "second")
        assert second.pid == spare and second.state == "running"
        assert await _predict(supervisor, "second") == 200
        assert os.getsid(spare) == os.getsid(0)  # not persistent: the server's session
        log = endpoint_folder(mlops_store, "second") / LOG_FILE
        assert "jupyter-mlops: serving second on http://127.0.0.1" in log.read_text()
        first_log = endpoint_folder(mlops_store, "first") / LOG_FILE
        assert "serving second" not in first_log.read_text()
        # The log is the endpoint's own, private file; the next spare is another process.
        assert log.stat().st_mode & 0o777 == 0o600
        next_spare = await _spare_pid(supervisor)
        assert next_spare not in (spare, first.pid)
        # The spare ends with its supervisor: the one waiting and the one now serving "second"
        # (a spare keeps its command line), then none.
        assert sorted(child.pid for child in _spare_children()) == sorted([spare, next_spare])
    finally:
        await supervisor.close()
    wait_gone(next_spare)
    assert _spare_children() == []


async def test_a_persistent_endpoint_and_a_killed_ones_restart_come_from_the_spare(
    registered, mlops_store: Path
) -> None:
    """A persistent endpoint from the spare runs in its own session; an endpoint killed is
    restarted from the next spare (two tests before, each with a cold first endpoint)."""
    supervisor = _supervisor(mlops_store)
    registry = get_registry()
    try:
        first = await supervisor.deploy("warm/1", "first")
        spare = await _spare_pid(supervisor)
        kept = await supervisor.deploy("warm/1", "kept", persistent=True)
        assert kept.pid == spare
        assert os.getsid(spare) == spare != os.getsid(0)
        assert await _predict(supervisor, "kept") == 200
        await supervisor.stop("kept")
        wait_gone(spare)

        next_spare = await _spare_pid(supervisor)
        assert first.pid is not None and next_spare not in (spare, first.pid)
        os.kill(first.pid, signal.SIGKILL)
        for _ in range(1200):  # a bound, not a measurement
            endpoint = registry.get_endpoint("first")
            if endpoint.state == "running" and endpoint.pid != first.pid:
                break
            await asyncio.sleep(0.1)
        assert (endpoint.state, endpoint.pid, endpoint.restarts) == ("running", next_spare, 1)
        assert await _predict(supervisor, "first") == 200
    finally:
        await supervisor.close()


async def test_without_a_spare_endpoints_start_cold_and_a_refused_model_fails_alike_from_one(
    registered, mlops_store: Path
) -> None:
    """`warm_spare=False` starts every endpoint cold (a good one, then the refused one, with no
    spare between); with a spare waiting the refused model fails from it with the cold
    failure's message. One test: the cold supervisor's endpoints are the ones both checks need."""
    mlops.register_model(LogisticRegression().fit(X, X["b"] > 0), "other", X=X)
    # Another genuine model written over version 1's file: its hash no longer matches.
    version = get_registry().get_version(ModelRef("warm", version=1))
    save_model(Path(version.storage_location), LogisticRegression(C=0.1).fit(X, X["a"] > 0), X)
    failures = []
    for warm in (False, True):
        supervisor = _supervisor(mlops_store, warm_spare=warm)
        try:
            first = await supervisor.deploy("other/1", f"first-{warm}")
            if warm:  # a healthy endpoint of another model first, so that a spare is waiting
                spare = await _spare_pid(supervisor)
            else:
                assert await supervisor.spares.spare_pid() is None
                assert _spare_children() == []
                assert first.pid is not None
                assert "--spare" not in psutil.Process(first.pid).cmdline()
                assert "--endpoint" in psutil.Process(first.pid).cmdline()
                assert await _predict(supervisor, "first-False") == 200
            with pytest.raises(MLOpsError) as error:
                await supervisor.deploy("warm/1", f"refused-{warm}")
            endpoint = get_registry().get_endpoint(f"refused-{warm}")
            assert endpoint.state == "failed"
            if warm:
                assert endpoint.pid == spare
                wait_gone(spare)
            else:  # cold as well: still no spare anywhere
                assert await supervisor.spares.spare_pid() is None
                assert _spare_children() == []
            log = (endpoint_folder(mlops_store, f"refused-{warm}") / LOG_FILE).read_text()
            assert "changed since it was logged" in log  # the refusal, in the endpoint's log
            failures.append(error.value.message.replace(f"refused-{warm}", "NAME"))
        finally:
            await supervisor.close()
    cold, from_spare = failures
    assert "exited with status 3" in cold  # uvicorn's startup failure
    assert from_spare == cold


def test_the_spare_ends_when_the_jupyter_server_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (tmp_path / "root").mkdir()
    home.mkdir()
    lab = LabServer(tmp_path / "root", home, ui=False)
    monkeypatch.setenv("JUPYTER_MLOPS_DATA_DIR", lab.env()["JUPYTER_MLOPS_DATA_DIR"])
    reset_database()
    mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "warm", X=X)
    lab.start(timeout=300)
    try:
        assert lab.process is not None
        server = psutil.Process(lab.process.pid)
        endpoint = lab.api("endpoints", "POST", {"model": "warm/1", "name": "srv"})
        spares: list[int] = []
        for _ in range(600):  # started in the background once the endpoint answered (a bound)
            spares = [c.pid for c in server.children() if "--spare" in c.cmdline()]
            if spares:
                break
            time.sleep(0.1)
        assert len(spares) == 1
    finally:
        lab.stop()
    wait_gone(endpoint["pid"])
    wait_gone(spares[0])


def test_a_spare_whose_server_was_killed_ends_by_itself(registered, mlops_store: Path) -> None:
    # The supervisor's process dies without a chance to end its spare: the spare's stdin closes.
    code = (
        "import asyncio, os, signal, sys\n"
        "from jupyter_mlops.serving.api import get_registry\n"
        "from jupyter_mlops.serving.supervisor import EndpointSupervisor\n"
        "async def main():\n"
        "    supervisor = EndpointSupervisor(get_registry(), sys.argv[1], int(sys.argv[2]))\n"
        "    endpoint = await supervisor.deploy('warm/1', 'orphan')\n"
        "    print(endpoint.pid, await supervisor.spares.spare_pid(), flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(mlops_store), str(free_port())],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    endpoint, spare = (int(pid) for pid in done.stdout.split())
    try:
        wait_gone(spare, timeout=300)  # after its imports it reads the end of its stdin
    finally:
        os.kill(endpoint, signal.SIGTERM)  # not persistent, but its server could not stop it
        wait_gone(endpoint)
