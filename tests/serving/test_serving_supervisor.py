"""The endpoint supervisor outside a server: a persistent endpoint outlives its supervisor and
the next one adopts it (one that died is started again, from the warm spare once there is one);
a non-persistent one is stopped and marked so (both in one test: each endpoint process costs
about 3.5 s of CPU)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import psutil
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.processes import pid_alive
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.supervisor import EndpointSupervisor
from tests.support.ports import free_port


@pytest.fixture
def registered() -> None:
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(100, 2)), columns=["a", "b"])
    mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "sup", X=X)


async def test_a_port_in_use_is_a_conflict_naming_the_port(registered, mlops_store: Path) -> None:
    import socket

    supervisor = EndpointSupervisor(get_registry(), mlops_store)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(MLOpsError) as error:
            await supervisor.deploy("sup/1", "busy", port=port)
    assert (error.value.field, error.value.http_status) == ("port", 409)
    assert [e.name for e in get_registry().list_endpoints()] == []
    assert os.environ.get("JUPYTER_MLOPS_ENDPOINT_TOKEN") is None


async def test_adoption_starts_dead_endpoints_from_the_spare_and_keeps_one(
    registered, mlops_store: Path
) -> None:
    """Also what was a test of its own (two more endpoint processes): a non-persistent endpoint
    is stopped and marked so when its supervisor closes; a persistent one outlives it, is
    adopted with its pid and, stopped by the next supervisor, ends and leaves the registry."""
    registry = get_registry()
    first = EndpointSupervisor(registry, mlops_store, base_port=free_port(), warm_spare=False)
    dead = [await first.deploy("sup/1", name, persistent=True) for name in ("one", "two")]
    alive = await first.deploy("sup/1", "alive", persistent=True)
    gone = await first.deploy("sup/1", "gone")
    await first.close()
    assert pid_alive(alive.pid)
    assert registry.get_endpoint("gone").state == "stopped"
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{alive.url}/health")).status_code == 200
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{gone.url}/health")
    for endpoint in dead:  # die with no server to restart them
        assert endpoint.pid is not None
        os.kill(endpoint.pid, signal.SIGKILL)
        for _ in range(600):  # reaped by the loop's child watcher (a zombie still looks alive)
            if not pid_alive(endpoint.pid):
                break
            await asyncio.sleep(0.1)
        assert not pid_alive(endpoint.pid)

    second = EndpointSupervisor(registry, mlops_store, base_port=free_port())
    try:
        await second.adopt()
        started = [registry.get_endpoint(name) for name in ("one", "two")]
        assert [e.state for e in started] == ["running", "running"]
        # Adopting "alive" (endpoints are walked by name) started a spare: "one" was started
        # from it, "two" from the spare started once "one" answered.
        spare_started = ["--spare" in psutil.Process(e.pid).cmdline() for e in started]
        assert spare_started == [True, True]
        # The adopted one is watched, and a spare waits for its restart.
        assert registry.get_endpoint("alive").pid == alive.pid
        assert await second.spares.spare_pid() not in (None, alive.pid, *[e.pid for e in started])
        await second.stop("alive")
        for _ in range(100):
            if not pid_alive(alive.pid):
                break
            await asyncio.sleep(0.1)
        assert not pid_alive(alive.pid)
        with pytest.raises(MLOpsError):
            registry.get_endpoint("alive")
    finally:
        for name in ("one", "two", "alive"):
            with contextlib.suppress(MLOpsError):
                await second.stop(name)
        await second.close()


async def test_a_port_that_answers_no_http_is_not_healthy_yet(
    mlops_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a connection to a not yet listening port in the ephemeral range can meet: itself,
    # reading its own request back (BadStatusLine). Waiting goes on; it is no crash of a deploy.
    import socket
    import sys
    import threading

    from jupyter_mlops.serving import endpoint_waits
    from jupyter_mlops.serving.entities import Endpoint

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def echo() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.sendall(connection.recv(4096))

    threading.Thread(target=echo, daemon=True).start()
    monkeypatch.setattr(endpoint_waits, "HEALTH_TIMEOUT_S", 1.0)
    endpoint = Endpoint(
        "echo", "m", None, 1, None, "127.0.0.1", port, 1, False, False, "starting", None, 0,
        None, 0, 0,
    )  # fmt: skip
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "input()", stdin=-1)
    try:
        with pytest.raises(MLOpsError, match="did not answer /health"):
            await endpoint_waits.wait_healthy(endpoint, process, tmp_path / "log", "ours")
    finally:
        listener.close()
        process.kill()
        await process.wait()


async def test_a_port_taken_before_the_endpoint_binds_it_is_left_for_the_next(
    registered, mlops_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process takes the free port the supervisor chose before the endpoint binds it,
    # and answers /health as a healthy endpoint would. The deploy must not take that answer as
    # its own (its calls would reach someone else's model): its process fails to bind, and the
    # deploy goes on with the next free port.
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Impostor(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"status": "ok", "model": "sup", "version": 1}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    impostor = ThreadingHTTPServer(("127.0.0.1", 0), Impostor)
    taken = impostor.server_address[1]
    Thread(target=impostor.serve_forever, daemon=True).start()
    supervisor = EndpointSupervisor(
        get_registry(), mlops_store, base_port=free_port(), warm_spare=False
    )
    choose = supervisor._free_port
    chosen: list[int] = []

    def raced(host: str) -> int:  # the first choice is the port the impostor took meanwhile
        chosen.append(taken if not chosen else choose(host))
        return chosen[-1]

    monkeypatch.setattr(supervisor, "_free_port", raced)
    try:
        endpoint = await supervisor.deploy("sup/1", "raced")
        assert endpoint.port == chosen[-1] != taken
        assert endpoint.state == "running"
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"{endpoint.url}/health")).json()
        assert health["status"] == "ok" and len(health["instance"]) == 16
    finally:
        impostor.shutdown()
        impostor.server_close()
        await supervisor.close()
