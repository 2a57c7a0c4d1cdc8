"""Endpoint processes register themselves in the store, whatever runs them.

A real `jupyter-mlops serve` process started from the test (not by the server's supervisor)
against a real Jupyter server, on SQLite and PostgreSQL: it appears in `GET endpoints` under
`external` with its URL, version and health; a clean exit marks it stopped, a killed process
goes stale once its heartbeats stop.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.serving.registrations import Registration
from tests.support.ports import free_port


def start_serve(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """`jupyter-mlops serve ARGS` on a free port, beating every 0.3 s, as a user would start it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlops.cli", "serve", *args, "--port", str(port)],
        env={**os.environ, "JUPYTER_MLOPS_ENDPOINT_HEARTBEAT_S": "0.3", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return process, port


async def external(jp_fetch: Any) -> list[dict[str, Any]]:
    answer = await jp_fetch("mlops", "api", "endpoints")
    listing: dict[str, Any] = json.loads(answer.body)
    assert all(e["name"] != "reg" for e in listing["endpoints"]), "not a Lab endpoint"
    return list(listing["external"])


async def wait_for_row(
    jp_fetch: Any, process: subprocess.Popen[bytes], check: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """A `reg` row of `GET endpoints` for which `check` holds, once one does (fails with the
    process's output if it exits on its own)."""
    deadline = time.monotonic() + 240
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = [row for row in await external(jp_fetch) if row["name"] == "reg"]
        matching = [row for row in rows if check(row)]
        if matching:
            return matching[0]
        if process.poll() is not None and process.returncode != -signal.SIGKILL:
            output = process.stdout.read().decode() if process.stdout else ""
            if process.returncode not in (0, -signal.SIGTERM):
                raise AssertionError(f"serve exited {process.returncode}: {output[-2000:]}")
        await asyncio.sleep(0.2)
    raise AssertionError(f"no matching row for reg: {rows}")


def stopped(process: subprocess.Popen[bytes], sig: int) -> None:
    process.send_signal(sig)
    process.wait(30)


async def test_a_served_model_registers_itself_then_stops_or_goes_stale(
    db_url: str, jp_fetch: Any, mlops_store: Path
) -> None:
    from sklearn.linear_model import LinearRegression

    X = pd.DataFrame(np.random.default_rng(1).normal(size=(50, 2)), columns=["a", "b"])
    mlops.register_model(LinearRegression().fit(X, X["a"]), "reg", X=X)
    mlops.set_model_alias("reg", "prod", 1)
    env = {"JUPYTER_MLOPS_DATA_DIR": str(mlops_store), "JUPYTER_MLOPS_DB_URL": db_url}

    process, port = start_serve(["reg@prod", "--no-request-log"], env)
    try:
        row = await wait_for_row(jp_fetch, process, lambda r: r["health"] == "ok")
        assert row["url"] == f"http://127.0.0.1:{port}"
        assert (row["model_name"], row["alias"], row["version"]) == ("reg", "prod", 1)
        assert (row["where"], row["state"], row["pid"]) == ("external", "running", process.pid)
        assert row["heartbeat_time"] >= row["started_time"]
    finally:
        stopped(process, signal.SIGTERM)  # uvicorn's clean exit
    row = await wait_for_row(jp_fetch, process, lambda r: r["state"] == "stopped")
    assert row["pid"] == process.pid

    # A container says where it is reachable; killed, it cannot say it stopped: stale.
    container_url = "http://reg.example.internal:8080"
    process, _port = start_serve(
        ["reg@prod", "--no-request-log"], {**env, "JUPYTER_MLOPS_ENDPOINT_URL": container_url}
    )
    try:
        row = await wait_for_row(
            jp_fetch, process, lambda r: r["url"] == container_url and r["health"] == "ok"
        )
        assert row["state"] == "running"
    finally:
        stopped(process, signal.SIGKILL)
    row = await wait_for_row(
        jp_fetch, process, lambda r: r["url"] == container_url and r["state"] == "stale"
    )
    assert row["pid"] == process.pid
    first = [r for r in await external(jp_fetch) if r["url"] == f"http://127.0.0.1:{port}"]
    assert first[0]["state"] == "stopped"  # one row per name and URL


def test_stale_is_three_missed_beats_and_a_grace() -> None:
    beat = Registration(
        name="n", url="u", model_name="m", alias=None, version=1, runner="external",
        hostname="h", pid=1, auth=False, state="running", health="ok", started_time=0,
        heartbeat_time=10_000, heartbeat_s=1.0,
    )  # fmt: skip
    assert beat.seen_state(now=10_000 + 4_999) == "running"
    assert beat.seen_state(now=10_000 + 5_001) == "stale"
    assert Registration(**{**beat.__dict__, "state": "stopped"}).seen_state(99_999) == "stopped"


def test_no_store_no_registration_for_a_self_contained_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_mlops.serving.endpoint_config import EndpointConfig
    from jupyter_mlops.serving.self_registration import advertised_url, for_process

    config = EndpointConfig(model_dir=str(tmp_path))
    assert for_process(config, "0.0.0.0", 8080, auth=False) is None
    monkeypatch.setenv("JUPYTER_MLOPS_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")
    registration = for_process(config, "0.0.0.0", 8080, auth=False)
    assert registration is not None and registration.current.name == tmp_path.name
    assert registration.current.url.endswith(":8080")
    assert advertised_url("0.0.0.0", 8080, "http://reg.internal:1/") == "http://reg.internal:1"
    monkeypatch.setenv("JUPYTER_MLOPS_ENDPOINT_URL", "http://from.env:2")
    assert advertised_url("127.0.0.1", 8080) == "http://from.env:2"
