"""The latency gate's measurement: start a version on a free port, load it, read its p99.

The version runs as `jupyter-mlops serve NAME/VERSION` on 127.0.0.1 with a fresh bearer token
and no request log (a load test is not traffic to monitor). `concurrency` threads send
`requests` requests of `rows` rows each; the p99 is over the requests' round-trip times.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..core.errors import ErrorCode, MLOpsError

START_TIMEOUT_S = 180.0


def free_port() -> int:
    """A port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure_latency(
    model_ref: str, rows: list[dict[str, Any]], requests: int, concurrency: int
) -> dict[str, float]:
    """p50, p99 and mean milliseconds of `requests` POST /predict calls to `model_ref`."""
    from ..serving.endpoint_auth import TOKEN_ENV
    from ..serving.endpoint_env import INSTANCE_ENV

    port = free_port()
    token = secrets.token_urlsafe(32)
    instance = secrets.token_hex(8)
    env = {**os.environ, TOKEN_ENV: token, INSTANCE_ENV: instance}
    command = [
        sys.executable,
        "-m",
        "jupyter_mlops.cli",
        "serve",
        model_ref,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-request-log",
        "--auth",
    ]
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, instance)
        body = json.dumps({"records": rows}).encode()

        def one(_: int) -> float:
            request = urllib.request.Request(f"{url}/predict", data=body, method="POST")
            request.add_header("Content-Type", "application/json")
            request.add_header("Authorization", f"Bearer {token}")
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
            return (time.perf_counter() - started) * 1000

        one(0)  # the first call pays for lazy imports; it is not measured
        with ThreadPoolExecutor(concurrency) as pool:
            times = list(pool.map(one, range(requests)))
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    import numpy as np

    values = np.asarray(times)
    return {
        "p50_ms": float(np.percentile(values, 50)),
        "p99_ms": float(np.percentile(values, 99)),
        "mean_ms": float(values.mean()),
        "requests": float(len(values)),
        "concurrency": float(concurrency),
        "rows_per_request": float(len(rows)),
    }


def _wait_healthy(url: str, process: subprocess.Popen[bytes], instance: str) -> None:
    from ..serving.endpoint_client import answers_as

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise MLOpsError(
                f"the version did not start: {output.strip().splitlines()[-1:] or 'no output'}",
                ErrorCode.UNAVAILABLE,
                "latency",
            )
        if answers_as(url, instance):  # ours: another process may have taken the port
            return
        time.sleep(0.1)
    raise MLOpsError(f"{url} did not answer /health in time", ErrorCode.UNAVAILABLE, "latency")
