"""Persistent endpoints across server restarts: adopted by the next server, or started again.

A `persistent` endpoint runs in its own session, so it outlives the server that started it.
When a server starts, `adopt_endpoints` walks the recorded endpoints that were up: one whose
process is still alive is adopted (watched by pid: it is not this server's child, so its exit
is noticed by polling and it is stopped by signals), one whose process died is started again,
and a non-persistent one is marked stopped (it stopped with the previous server).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ..core.errors import MLOpsError
from ..core.processes import pid_alive

if TYPE_CHECKING:
    from .registry import ModelRegistry

UP_STATES = ("running", "starting", "restarting")


async def wait_pid_exit(pid: int, poll_s: float = 1.0) -> None:
    """Return once the process `pid` (not our child: no wait()) has ended."""
    while pid_alive(pid):
        await asyncio.sleep(poll_s)


async def kill_pid(pid: int | None, grace_s: float = 15.0) -> None:
    """SIGTERM a process that is not our child, SIGKILL it if it outlives `grace_s`."""
    if not pid_alive(pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid or 0, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while pid_alive(pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid or 0, signal.SIGKILL)


async def adopt_endpoints(
    registry: ModelRegistry,
    start: Callable[[str], Awaitable[None]],
    watch: Callable[[str, int], None],
) -> None:
    """Adopt the persistent endpoints still running (`watch(name, pid)`), `start` those whose
    process died, and mark the other endpoints that were up stopped."""
    for endpoint in await asyncio.to_thread(registry.list_endpoints):
        if endpoint.state not in UP_STATES:
            continue
        if not endpoint.persistent:
            await asyncio.to_thread(
                registry.update_endpoint, endpoint.name, state="stopped", pid=None
            )
        elif pid_alive(endpoint.pid):
            watch(endpoint.name, endpoint.pid or 0)
        else:
            with contextlib.suppress(MLOpsError):
                await start(endpoint.name)
