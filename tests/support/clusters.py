"""Helpers for the clusters tests: a REST client, waiting for workers, an external scheduler."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

SCHEDULER_SCRIPT = """
import asyncio
from distributed import Scheduler

async def main():
    async with Scheduler(host="127.0.0.1", port=0, dashboard_address="127.0.0.1:0") as s:
        print(s.address, flush=True)
        await s.finished()

asyncio.run(main())
"""

# Small and cheap: threads in the server process, one thread each (the machine has 2 cores).
SMALL = {"workers": 1, "threads": 1, "memory": "512MiB", "processes": False}


async def api(jp_fetch: Any, *path: str, method: str = "GET", body: Any = None) -> Any:
    """Call /mlops/api/clusters/... and return the decoded JSON."""
    kwargs: dict[str, Any] = {"method": method}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    if method == "DELETE":
        kwargs["allow_nonstandard_methods"] = True
    response = await jp_fetch("mlops", "api", "clusters", *path, **kwargs)
    return json.loads(response.body)


async def wait_for_workers(
    jp_fetch: Any, cluster_id: str, count: int, timeout: float = 60
) -> dict[str, Any]:
    """Poll GET /clusters/{id} until it lists `count` workers; return that info."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        info = await api(jp_fetch, cluster_id)
        if len(info["workers"]) == count:
            return info  # type: ignore[no-any-return]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{len(info['workers'])} workers, expected {count}: {info}")
        await asyncio.sleep(0.3)


async def start_external_scheduler() -> tuple[asyncio.subprocess.Process, str]:
    """A real `distributed.Scheduler` in its own process; returns it and its address."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SCHEDULER_SCRIPT, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    return process, line.decode().strip()
