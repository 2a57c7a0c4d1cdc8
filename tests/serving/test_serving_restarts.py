"""Endpoint processes that die: the supervisor's restart policy on real processes (more kill -9s
after healthy serving than its quick-death limit leave the endpoint serving; restarts reported
in REST and /metrics), and
`--workers 2`, where a killed worker fails at most the request it held and a killed parent takes
its workers with it (so the supervisor can bind the port again)."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import psutil
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.processes import pid_alive
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.endpoint_client import parse_stats
from jupyter_mlops.serving.entities import Endpoint
from jupyter_mlops.serving.restart_policy import RestartPolicy
from jupyter_mlops.serving.supervisor import EndpointSupervisor
from tests.support.ports import free_port

pytestmark = pytest.mark.timeout(900)


@pytest.fixture
def registered() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(100, 2)), columns=["a", "b"])
    mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "dies", X=X)
    return X


def test_the_policy_counts_quick_deaths_in_a_sliding_window() -> None:
    policy = RestartPolicy(max_quick=5, quick_s=3.0, window_s=600.0)
    now = 0.0
    for _ in range(20):  # killed after 10 s of healthy serving each time: never given up
        policy.healthy(now)
        now += 10.0
        decision = policy.died(now)
        assert not decision.give_up and decision.quick_deaths == 0 and decision.delay_s == 0.5
        now += 5.0
    delays = []
    for _ in range(5):  # a crash loop: each dies before it served 3 s
        policy.healthy(now)
        now += 1.0
        decision = policy.died(now)
        assert not decision.give_up
        delays.append(decision.delay_s)
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0]  # backing off
    assert policy.died(now + 1.0).give_up  # the sixth quick death: failed
    policy.reset()
    for _ in range(5):
        now += 200.0  # quick deaths, but spread out: the old ones leave the window
        assert not policy.died(now).give_up


async def wait_running(name: str, not_pid: int | None = None, timeout: float = 240) -> Endpoint:
    registry = get_registry()
    deadline = time.monotonic() + timeout
    while True:
        endpoint = registry.get_endpoint(name)
        if endpoint.state == "running" and endpoint.pid not in (None, not_pid):
            return endpoint
        assert endpoint.state != "failed", endpoint.message
        assert time.monotonic() < deadline, f"{name} is {endpoint.state}: {endpoint.message}"
        await asyncio.sleep(0.2)


@pytest.mark.slow
async def test_more_kills_than_the_quick_death_limit_after_healthy_serving_leave_it_serving(
    registered: pd.DataFrame, mlops_store: Path
) -> None:
    # A limit of 2 quick deaths: the third kill would give the endpoint up if deaths after
    # healthy serving counted (each restart is a process start with its imports, the cost here).
    max_quick = 2
    kills = max_quick + 1
    supervisor = EndpointSupervisor(
        get_registry(), mlops_store, base_port=free_port(), max_restarts=max_quick, quick_s=1.0
    )
    endpoint = await supervisor.deploy("dies/1", "dies")
    body = {"dataframe_records": registered.iloc[:3].to_dict(orient="records")}
    try:
        pid = None
        for kill in range(kills):
            endpoint = await wait_running("dies", pid)
            headers = {"Authorization": f"Bearer {mlops.get_endpoint('dies').token}"}
            async with httpx.AsyncClient(base_url=endpoint.url, headers=headers) as client:
                for _ in range(5):  # healthy serving, for longer than quick_s
                    answer = await client.post("/invocations", json=body)
                    assert answer.status_code == 200, (kill, answer.text)
                    await asyncio.sleep(0.4)
            pid = endpoint.pid
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
        endpoint = await wait_running("dies", pid)
        assert endpoint.restarts == kills
        headers = {"Authorization": f"Bearer {mlops.get_endpoint('dies').token}"}
        async with httpx.AsyncClient(base_url=endpoint.url, headers=headers) as client:
            assert (await client.post("/invocations", json=body)).status_code == 200
            stats = parse_stats((await client.get("/metrics")).text)
        assert stats["restarts"] == kills
        assert (await supervisor.stats("dies"))["restarts"] == kills  # the server's call: token
    finally:
        await supervisor.stop("dies")
        await supervisor.close()


def gone(pid: int) -> bool:
    """Whether the process ended (a zombie not yet reaped by init counts as ended)."""
    try:
        return not pid_alive(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


class Requests:
    """A bounded loop of requests, each on a new connection, from a thread."""

    def __init__(self, url: str, token: str, body: dict[str, object], count: int) -> None:
        self.results: list[tuple[int, int | None]] = []  # (status or 0, pid of the worker)
        self.started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(url, token, body, count))

    def _run(self, url: str, token: str, body: dict[str, object], count: int) -> None:
        # One client, no kept-alive connection: each request still opens its own connection
        # (so the workers share them), without a new client (and SSL context) per request.
        client = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
            limits=httpx.Limits(max_keepalive_connections=0),
        )
        with client:
            for _ in range(count):
                try:
                    answer = client.post("/invocations", json=body)
                    version = client.get("/version")
                    self.results.append((answer.status_code, version.json()["pid"]))
                except httpx.HTTPError:
                    self.results.append((0, None))
                if len(self.results) >= 20:
                    self.started.set()

    def __enter__(self) -> Requests:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join(600)


@pytest.mark.slow
async def test_with_two_workers_a_killed_worker_fails_at_most_its_request(
    registered: pd.DataFrame, mlops_store: Path
) -> None:
    supervisor = EndpointSupervisor(get_registry(), mlops_store, base_port=free_port())
    endpoint = await supervisor.deploy("dies/1", "two", workers=2)
    token = mlops.get_endpoint("two").token
    assert token is not None
    body = {"dataframe_records": registered.iloc[:3].to_dict(orient="records")}
    try:
        parent = psutil.Process(endpoint.pid)
        workers = {c.pid for c in parent.children()}  # forks of serve, its only children
        assert len(workers) >= 2, parent.children()
        with Requests(endpoint.url, token, body, count=150) as loop:
            await asyncio.to_thread(loop.started.wait, 300)
            victim = next(pid for status, pid in loop.results if pid in workers)
            assert victim is not None
            os.kill(victim, signal.SIGKILL)
            killed_at = len(loop.results)
        failed = [result for result in loop.results if result[0] != 200]
        assert len(failed) <= 1, failed  # only the request the dead worker was holding
        after = [pid for status, pid in loop.results[killed_at + 1 :] if status == 200]
        assert after and victim not in after  # the other worker(s) answered
        current = get_registry().get_endpoint("two")
        assert (current.state, current.pid, current.restarts) == ("running", endpoint.pid, 0)

        # kill -9 of the parent: its workers end with it, and the supervisor starts it again
        # on the same port (orphaned workers would hold the port and fail every restart).
        children = [child.pid for child in parent.children() if child.pid != victim]
        assert endpoint.pid is not None
        os.kill(endpoint.pid, signal.SIGKILL)
        restarted = await wait_running("two", endpoint.pid)
        assert restarted.port == endpoint.port
        for pid in children:
            for _ in range(300):
                if gone(pid):
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"worker {pid} outlived its killed parent")
        answer = httpx.post(
            f"{restarted.url}/invocations",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200
    finally:
        await supervisor.stop("two")
        await supervisor.close()
