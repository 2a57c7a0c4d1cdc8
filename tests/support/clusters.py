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

# A scheduler that lies about its dashboard: its identity names the port given as argv[1].
LYING_SCHEDULER_SCRIPT = """
import asyncio, sys
from distributed import Scheduler

class Lying(Scheduler):
    def identity(self, n_workers=-1):
        found = super().identity(n_workers)
        found["services"] = {"dashboard": int(sys.argv[1])}
        return found

async def main():
    async with Lying(host="127.0.0.1", port=0, dashboard=False) as s:
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
            return info
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{len(info['workers'])} workers, expected {count}: {info}")
        await asyncio.sleep(0.3)


async def client_tls(jp_fetch: Any, cluster_id: str) -> dict[str, Any]:
    """The connection arguments of a client holding the cluster's credentials (from the
    server's connection route)."""
    from distributed.security import Security

    tls = (await api(jp_fetch, cluster_id, "connection"))["tls"]
    security = Security(
        tls_ca_file=tls["ca"], tls_client_cert=tls["cert"], tls_client_key=tls["key"],
        require_encryption=True,
    )  # fmt: skip
    return security.get_connection_args("client")


async def start_external_scheduler(
    script: str = SCHEDULER_SCRIPT, *args: str
) -> tuple[asyncio.subprocess.Process, str]:
    """A real `distributed.Scheduler` in its own process; returns it and its address."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, *args, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    return process, line.decode().strip()
