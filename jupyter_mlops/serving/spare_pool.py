"""How the supervisor starts an endpoint process: handed to the warm spare, or started cold.

With `warm_spare` on (`MLOpsApp.serving_warm_spare`, default on), `SparePool.start` gives the
endpoint to the spare process (`spare`: `jupyter-mlops serve --spare`, its imports done) when
one is alive and was started with the environment the endpoint would get, else starts
`jupyter-mlops serve --endpoint NAME` as before. Either way the result is the server's direct
child (an `asyncio.subprocess.Process`), so the supervisor watches, restarts and stops it the
same way. After the endpoint answered (or failed to), `refill` starts the next spare in the
background: the first is started by the first deploy, restart or adoption that starts a
process, so a server that never deploys pays nothing, and its imports do not compete with the
endpoint's own cold start for the CPU.

A spare that died while waiting is replaced at the next `refill`; `close` (server stop) ends
the spare. Before it is handed an endpoint the spare writes to `<data dir>/serving/endpoints/
.spare.log` (0600, in the 0700 folder; no endpoint name starts with a dot).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

from .endpoint_env import endpoint_environment
from .endpoint_files import ENDPOINTS_FOLDER, open_private_log, private_folder
from .spare import Instruction

log = logging.getLogger(__name__)

SPARE_LOG = ".spare.log"
STOP_TIMEOUT_S = 10.0
_CLI = (sys.executable, "-m", "jupyter_mlops.cli")


async def end_process(process: asyncio.subprocess.Process) -> None:
    """Close a process's stdin, SIGTERM it (SIGKILL after `STOP_TIMEOUT_S`) and reap it."""
    if process.stdin is not None:
        process.stdin.close()
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


def base_environment() -> dict[str, str]:
    """What every endpoint process starts with, before its own additions: the server's
    environment less its secrets (`endpoint_env`). A spare fits only while this is unchanged."""
    return endpoint_environment(os.environ)


class SparePool:
    """At most one warm spare endpoint process, and starting endpoint processes with it."""

    def __init__(self, data_dir: Path, enabled: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.enabled = enabled
        self.spare: asyncio.subprocess.Process | None = None
        self._spare_env: dict[str, str] = {}
        self._spawning: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self, instruction: Instruction, descriptor: int) -> asyncio.subprocess.Process:
        """Start the endpoint `instruction` names: the spare becomes it when one fits, else a
        new process (`base_environment()` plus `instruction.env`, output on `descriptor`, its
        log)."""
        base_env = base_environment()
        process = await self._hand_over(instruction, base_env) if self.enabled else None
        if process is not None:
            return process
        return await asyncio.create_subprocess_exec(
            *_CLI,
            *instruction.arguments(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=descriptor,
            stderr=descriptor,
            env={**base_env, **instruction.env},
            start_new_session=instruction.new_session,
        )

    def refill(self) -> None:
        """Start a spare in the background unless one with today's `base_environment()` is
        alive or starting."""
        if not self.enabled or self._closed:
            return
        if self._spawning is not None and not self._spawning.done():
            return
        base_env = base_environment()
        spare = self.spare
        if spare is not None and spare.returncode is None and self._spare_env == base_env:
            return
        self._spawning = asyncio.get_running_loop().create_task(self._spawn(base_env))

    async def spare_pid(self) -> int | None:
        """The pid of the spare once it is started (None when there is none alive)."""
        if self._spawning is not None and not self._spawning.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._spawning)
        spare = self.spare
        return spare.pid if spare is not None and spare.returncode is None else None

    async def close(self) -> None:
        """End the spare (server stop); no spare starts afterwards."""
        self._closed = True
        if self._spawning is not None:
            with contextlib.suppress(Exception):
                await self._spawning
        spare, self.spare = self.spare, None
        if spare is not None:
            await end_process(spare)

    async def _spawn(self, base_env: dict[str, str]) -> None:
        stale, self.spare = self.spare, None
        if stale is not None:  # dead, or started with an environment no longer current
            if stale.returncode is not None:
                log.warning("the spare endpoint process ended (status %s)", stale.returncode)
            await end_process(stale)
        folder = private_folder(self.data_dir / ENDPOINTS_FOLDER)
        descriptor = open_private_log(folder / SPARE_LOG)
        try:
            process = await asyncio.create_subprocess_exec(
                *_CLI,
                "serve",
                "--spare",
                stdin=asyncio.subprocess.PIPE,
                stdout=descriptor,
                stderr=descriptor,
                env=base_env,
            )
        except OSError as exc:  # endpoints still start, cold
            log.warning("could not start a spare endpoint process: %s", exc)
            return
        finally:
            os.close(descriptor)
        if self._closed:  # the server stopped while it started
            await end_process(process)
            return
        self.spare, self._spare_env = process, base_env

    async def _hand_over(
        self, instruction: Instruction, base_env: dict[str, str]
    ) -> asyncio.subprocess.Process | None:
        """The spare, told to become `instruction`'s endpoint; None when there is none fit."""
        if self._spawning is not None and not self._spawning.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._spawning)
        spare, self.spare = self.spare, None
        if spare is None:
            return None
        if spare.returncode is not None or self._spare_env != base_env or spare.stdin is None:
            await end_process(spare)
            return None
        try:
            spare.stdin.write(instruction.to_line())
            await spare.stdin.drain()
            spare.stdin.close()
        except (BrokenPipeError, ConnectionResetError):  # it died just now
            await end_process(spare)
            return None
        return spare
