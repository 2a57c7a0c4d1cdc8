"""The server's endpoint processes: started, watched, restarted when they die, stopped.

`EndpointSupervisor` lives on the server's event loop. `deploy` records an endpoint, starts
`jupyter-mlops serve --endpoint NAME` bound to 127.0.0.1 (port 8000 or the next free one
unless given) and returns once its own process answers `/health` (the answer carries the
nonce the process was started with; a port another process took between the choice and the
bind moves the deploy to the next free one). A watcher per process restarts it when it
exits unasked (see `restart_policy`: backing off, and `failed` after more than `max_restarts`
quick deaths in a sliding window; a death after healthy serving does not count). The
endpoint process follows its record in the store, so Promote and Rollback only move the
alias or pinned version there and wait until the endpoint reports the new version (it loads
it beside the old one and swaps: no request fails). At server stop, endpoints are stopped unless
`persistent`; a persistent endpoint runs in its own session and is adopted again (or started)
when the server next starts.

Endpoints are deployed with `auth` unless asked otherwise: each has its own bearer token in its
folder `<data dir>/serving/endpoints/<name>/` (0700, see `endpoint_files`; the token and the
log are 0600). The process is told the token file's path and re-reads it, so `rotate_token`
replaces the token without a restart. The server's own calls to its endpoints (`/health`,
`/metrics`) carry the token.

With `warm_spare` (the default) a process is started by handing the endpoint to a warm spare
that has already imported the serving stack (`spare_pool`, `spare`), and the next spare is
started once the endpoint answers; the process is this server's child either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import time
from pathlib import Path
from typing import Any

from ..core.errors import ErrorCode, MLOpsError
from ..model_format.mlflow_pickle import ALLOW_PICKLE_ENV
from .adoption import adopt_endpoints, kill_pid, wait_pid_exit
from .endpoint_auth import TOKEN_FILE_ENV
from .endpoint_client import read_stats
from .endpoint_env import INSTANCE_ENV
from .endpoint_files import open_log, read_token, token_path, write_token
from .endpoint_ports import PORT_ATTEMPTS, first_free_port, port_free
from .endpoint_waits import ROLL_TIMEOUT_S, wait_healthy, wait_token, wait_version
from .entities import Endpoint
from .model_uri import check_name, parse_ref
from .registry import ModelRegistry
from .restart_policy import QUICK_S, WINDOW_S, RestartPolicy
from .spare import Instruction
from .spare_pool import SparePool

log = logging.getLogger(__name__)


class EndpointSupervisor:
    """Starts, restarts and stops the server's endpoint processes."""

    def __init__(
        self,
        registry: ModelRegistry,
        data_dir: Path,
        base_port: int = 8000,
        max_restarts: int = 5,
        quick_s: float = QUICK_S,
        window_s: float = WINDOW_S,
        allow_pickle_models: bool = False,
        warm_spare: bool = True,
    ) -> None:
        self.registry = registry
        # MLOpsApp.allow_pickle_models: deploy MLflow pickles and let their processes load them.
        self.allow_pickle_models = allow_pickle_models
        self.data_dir = Path(data_dir)
        self.base_port = base_port
        self.max_restarts = max_restarts
        self.quick_s = quick_s
        self.window_s = window_s
        self._policies: dict[str, RestartPolicy] = {}
        self._processes: dict[str, asyncio.subprocess.Process] = {}
        self._watchers: dict[str, asyncio.Task[None]] = {}
        self._stopping: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        self._closing = False
        # MLOpsApp.serving_warm_spare: start endpoints from a process with its imports done.
        self.spares = SparePool(self.data_dir, warm_spare)

    # --- public ---------------------------------------------------------------------------

    async def deploy(
        self,
        model: str,
        name: str | None = None,
        port: int | None = None,
        workers: int = 1,
        persistent: bool = False,
        auth: bool = True,
        host: str = "127.0.0.1",
    ) -> Endpoint:
        """Record and start an endpoint for `model`; returns it once it answers `/health`."""
        ref = parse_ref(model, "model")
        # A model name may hold spaces, an endpoint name may not: `My model` serves as `My-model`.
        name = check_name(name or ref.name.replace(" ", "-"), "name", "endpoint name")
        if workers < 1 or workers > 64:
            raise MLOpsError("workers must be between 1 and 64", field="workers")
        if port is not None and not (1 <= port <= 65535):
            raise MLOpsError("port must be between 1 and 65535", field="port")
        async with self._lock(name):
            chosen = port if port is not None else await asyncio.to_thread(self._free_port, host)
            if port is not None and not await asyncio.to_thread(port_free, host, port):
                raise MLOpsError(f"port {port} is in use", ErrorCode.CONFLICT, "port")
            await asyncio.to_thread(
                self.registry.create_endpoint,
                name,
                ref,
                host,
                chosen,
                workers,
                persistent,
                auth,
                self.allow_pickle_models,
            )
            if auth:
                await asyncio.to_thread(write_token, self.data_dir, name)
            for attempt in range(PORT_ATTEMPTS):
                try:
                    await self._start(name)
                    break
                except MLOpsError:
                    # A port we chose, taken by another process before ours bound it: next one.
                    retry = port is None and attempt + 1 < PORT_ATTEMPTS
                    if retry and not await asyncio.to_thread(port_free, host, chosen):
                        chosen = await asyncio.to_thread(self._free_port, host)
                        await asyncio.to_thread(self.registry.update_endpoint, name, port=chosen)
                        continue
                    await asyncio.to_thread(self.registry.update_endpoint, name, state="failed")
                    raise
        return await asyncio.to_thread(self.registry.get_endpoint, name)

    async def stop(self, name: str, forget: bool = True) -> None:
        """Stop an endpoint's process; `forget` also deletes its record."""
        async with self._lock(name):
            await asyncio.to_thread(self.registry.get_endpoint, name)
            if forget:  # deleting one that serves traffic needs MANAGE: check before stopping
                await asyncio.to_thread(self.registry.check_endpoint_delete, name)
            await self._terminate(name)
            if forget:
                await asyncio.to_thread(self.registry.delete_endpoint, name)
            else:
                await asyncio.to_thread(
                    self.registry.update_endpoint, name, state="stopped", pid=None
                )

    async def start(self, name: str) -> Endpoint:
        """Start a stopped endpoint again."""
        async with self._lock(name):
            endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
            if name in self._processes and self._processes[name].returncode is None:
                return endpoint
            await asyncio.to_thread(self.registry.update_endpoint, name, restarts=0)
            self._policy(name).reset()
            await self._start(name)
        return await asyncio.to_thread(self.registry.get_endpoint, name)

    async def promote(self, name: str, version: int, alias: str | None = None) -> Endpoint:
        """Serve `version` on endpoint `name`: move the alias it follows (or `alias`), or its
        pinned version; returns once the endpoint serves it."""
        endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
        follows = alias or endpoint.alias
        if follows:
            await asyncio.to_thread(self.registry.set_alias, endpoint.model_name, follows, version)
        else:
            await asyncio.to_thread(
                self.registry.update_endpoint,
                name,
                version=version,
                previous_version=endpoint.version,
            )
        await self.wait_serving(name, version)
        return await asyncio.to_thread(self.registry.get_endpoint, name)

    async def rollback(self, name: str) -> Endpoint:
        """Return endpoint `name` to the version it served before the last promote."""
        endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
        if endpoint.alias:
            alias = await asyncio.to_thread(
                self.registry.get_alias, endpoint.model_name, endpoint.alias
            )
            previous = alias.previous_version
        else:
            previous = endpoint.previous_version
        if previous is None:
            raise MLOpsError(
                f"endpoint {name!r} has no earlier version to return to", ErrorCode.CONFLICT
            )
        return await self.promote(name, previous)

    async def after_alias_moved(self, model_name: str, alias: str, version: int) -> None:
        """Wait until the running endpoints following `model_name@alias` serve `version`."""
        endpoints = await asyncio.to_thread(self.registry.list_endpoints)
        await asyncio.gather(
            *(
                self.wait_serving(e.name, version)
                for e in endpoints
                if e.model_name == model_name and e.alias == alias and e.state == "running"
            )
        )

    async def wait_serving(self, name: str, version: int, timeout: float = ROLL_TIMEOUT_S) -> None:
        """Return when the endpoint's every worker answers with `version` (a few in a row)."""
        endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
        if endpoint.state == "running":
            await wait_version(endpoint, self.token(name), version, timeout)

    async def stats(self, name: str) -> dict[str, Any]:
        """The endpoint's `/metrics`, parsed: request counts, errors, latency, version."""
        endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
        return await asyncio.to_thread(read_stats, endpoint.url, self.token(name))

    def token(self, name: str) -> str | None:
        """The bearer token of an endpoint started with `auth`, else None."""
        return read_token(self.data_dir, name)

    async def rotate_token(self, name: str) -> str:
        """Give endpoint `name` a new bearer token and return it once the endpoint requires it
        (the old one is refused from then on). An endpoint deployed without auth gets one and
        is restarted to require it."""
        async with self._lock(name):
            endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
            token = await asyncio.to_thread(write_token, self.data_dir, name)
            if not endpoint.auth:
                endpoint = await asyncio.to_thread(self.registry.update_endpoint, name, auth=True)
                if name in self._processes or endpoint.state == "running":
                    await self._terminate(name)
                    await self._start(name)
                return token
        if endpoint.state == "running":
            await wait_token(endpoint, token)
        return token

    async def adopt(self) -> None:
        """At server start: watch persistent endpoints still running, start those that died,
        and mark the rest stopped (they stopped with the previous server; see `adoption`)."""
        await adopt_endpoints(self.registry, self._start, self._watch_adopted)

    async def close(self) -> None:
        """Stop every endpoint this server started, except persistent ones."""
        self._closing = True
        await self.spares.close()
        for name in list(self._processes):
            try:
                endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
            except MLOpsError:
                continue
            if endpoint.persistent:
                continue
            await self._terminate(name)
            with contextlib.suppress(MLOpsError):
                await asyncio.to_thread(
                    self.registry.update_endpoint, name, state="stopped", pid=None
                )
        for task in self._watchers.values():
            task.cancel()

    # --- processes ------------------------------------------------------------------------

    def _lock(self, name: str) -> asyncio.Lock:
        return self._locks.setdefault(name, asyncio.Lock())

    def _policy(self, name: str) -> RestartPolicy:
        if name not in self._policies:
            self._policies[name] = RestartPolicy(self.max_restarts, self.quick_s, self.window_s)
        return self._policies[name]

    def _free_port(self, host: str) -> int:
        taken = {e.port for e in self.registry.list_endpoints()}
        return first_free_port(host, self.base_port, taken)

    async def _start(self, name: str) -> None:
        endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
        extra: dict[str, str] = {}
        if endpoint.auth:
            if self.token(name) is None:  # e.g. deleted by hand: never start it open
                await asyncio.to_thread(write_token, self.data_dir, name)
            extra[TOKEN_FILE_ENV] = str(token_path(self.data_dir, name))
        # Always set, so the server's own environment cannot turn it on for its endpoints.
        extra[ALLOW_PICKLE_ENV] = "1" if self.allow_pickle_models else "0"
        extra[INSTANCE_ENV] = instance = secrets.token_hex(8)
        descriptor, log_path = await asyncio.to_thread(open_log, self.data_dir, name)
        instruction = Instruction(
            name, endpoint.host, endpoint.port, endpoint.workers, endpoint.restarts,
            str(log_path), endpoint.persistent, extra,
        )  # fmt: skip
        try:
            process = await self.spares.start(instruction, descriptor)
        finally:
            os.close(descriptor)
        self._processes[name] = process
        self._stopping.discard(name)
        await asyncio.to_thread(
            self.registry.update_endpoint, name, state="starting", pid=process.pid, message=None
        )
        try:
            await wait_healthy(endpoint, process, log_path, instance)
        except MLOpsError as exc:
            await self._terminate(name)
            await asyncio.to_thread(
                self.registry.update_endpoint, name, state="failed", message=exc.message
            )
            raise
        finally:  # the next spare imports once this endpoint no longer needs the CPU
            if not self._closing:
                self.spares.refill()
        self._policy(name).healthy(time.monotonic())
        await asyncio.to_thread(self.registry.update_endpoint, name, state="running")
        self._watchers[name] = asyncio.get_running_loop().create_task(self._watch(name, process))

    async def _watch(self, name: str, process: asyncio.subprocess.Process) -> None:
        code = await process.wait()
        if self._closing or name in self._stopping or self._processes.get(name) is not process:
            return
        log.warning("jupyter-mlops endpoint %s exited with status %s; restarting", name, code)
        await self._restart(name, f"exited with status {code}")

    def _watch_adopted(self, name: str, pid: int) -> None:
        self._watchers[name] = asyncio.get_running_loop().create_task(
            self._restart_when_gone(name, pid)
        )
        self.spares.refill()  # for its restart, or a deploy

    async def _restart_when_gone(self, name: str, pid: int) -> None:
        await wait_pid_exit(pid)
        if not self._closing and name not in self._stopping:
            await self._restart(name, "its process ended")

    async def _restart(self, name: str, reason: str) -> None:
        """Restart a dead endpoint (again if the new process dies before it is healthy) until
        it serves or its restart policy gives up."""
        async with self._lock(name):
            while not self._closing:
                try:
                    endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
                except MLOpsError:
                    return
                decision = self._policy(name).died(time.monotonic())
                if decision.give_up:
                    await asyncio.to_thread(
                        self.registry.update_endpoint,
                        name,
                        state="failed",
                        pid=None,
                        message=f"{reason}; gave up after {decision.quick_deaths} deaths within "
                        f"{self.quick_s:g} s of serving in {self.window_s:g} s",
                    )
                    return
                await asyncio.to_thread(
                    self.registry.update_endpoint,
                    name,
                    state="restarting",
                    restarts=endpoint.restarts + 1,
                    message=reason,
                )
                await asyncio.sleep(decision.delay_s)
                try:
                    await self._start(name)
                    return
                except MLOpsError as exc:
                    reason = exc.message

    async def _terminate(self, name: str) -> None:
        self._stopping.add(name)
        watcher = self._watchers.pop(name, None)
        if watcher is not None:
            watcher.cancel()
        process = self._processes.pop(name, None)
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        elif process is None:  # adopted from an earlier server: only its pid is known
            with contextlib.suppress(MLOpsError):
                endpoint = await asyncio.to_thread(self.registry.get_endpoint, name)
                await kill_pid(endpoint.pid)
