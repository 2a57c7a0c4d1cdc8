"""Waiting on an endpoint process's answers: ready after a start, serving a version after a
promotion, requiring a token after a rotation.

Each polls the endpoint over HTTP until the answer it needs came (a few in a row where every
worker must have switched), and raises `MLOpsError` (503) when it does not come in time. A port
that does not answer HTTP yet (`endpoint_client.NO_ANSWER`) is "not yet", never a failure.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from ..core.errors import ErrorCode, MLOpsError
from .endpoint_client import NO_ANSWER, answers_as, get_json, get_status
from .entities import Endpoint

HEALTH_TIMEOUT_S = 120.0
ROLL_TIMEOUT_S = 120.0


async def wait_healthy(
    endpoint: Endpoint, process: asyncio.subprocess.Process, log_path: Path, instance: str
) -> None:
    """Return when `process` answers `/health` with the nonce it was started with (`instance`);
    raise when it exits first, with the last line of its log."""
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.returncode is not None:
            tail = log_path.read_text(errors="replace")[-2000:].strip()
            raise MLOpsError(
                f"endpoint {endpoint.name!r} exited with status {process.returncode}: "
                f"{tail.splitlines()[-1] if tail else 'no output'}",
                ErrorCode.UNAVAILABLE,
            )
        # Another process on the port (it took it between the supervisor's choice and our
        # bind) is not ours being ready: ours fails to bind and exits, and the deploy says so.
        if await asyncio.to_thread(answers_as, endpoint.url, instance):
            return
        await asyncio.sleep(0.1)
    raise MLOpsError(
        f"endpoint {endpoint.name!r} did not answer /health in {HEALTH_TIMEOUT_S:.0f} s",
        ErrorCode.UNAVAILABLE,
    )


async def wait_version(
    endpoint: Endpoint, token: str | None, version: int, timeout: float = ROLL_TIMEOUT_S
) -> None:
    """Return when every worker of `endpoint` answers with `version` (a few in a row)."""
    deadline = time.monotonic() + timeout
    in_a_row = 0
    needed = 3 * endpoint.workers
    while True:
        try:
            answer = await asyncio.to_thread(get_json, f"{endpoint.url}/health", token)
            in_a_row = in_a_row + 1 if answer.get("version") == version else 0
        except NO_ANSWER:
            in_a_row = 0
        if in_a_row >= needed:
            return
        if time.monotonic() > deadline:
            raise MLOpsError(
                f"endpoint {endpoint.name!r} did not switch to version {version} in "
                f"{timeout:.0f} s",
                ErrorCode.UNAVAILABLE,
            )
        await asyncio.sleep(0.1)


async def wait_token(endpoint: Endpoint, token: str, timeout: float = ROLL_TIMEOUT_S) -> None:
    """Return when every worker of `endpoint` accepts `token` (a few answers in a row)."""
    deadline = time.monotonic() + timeout
    in_a_row = 0
    while True:
        try:
            status = await asyncio.to_thread(get_status, f"{endpoint.url}/version", token)
        except NO_ANSWER:
            status = 0
        in_a_row = in_a_row + 1 if status == 200 else 0
        if in_a_row >= 3 * endpoint.workers:
            return
        if time.monotonic() > deadline:
            raise MLOpsError(
                f"endpoint {endpoint.name!r} did not take its new token in {timeout:.0f} s",
                ErrorCode.UNAVAILABLE,
            )
        await asyncio.sleep(0.05)
