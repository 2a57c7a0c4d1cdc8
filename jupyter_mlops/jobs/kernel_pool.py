"""Warm kernels for notebook runs: a kernel started before the run needs it.

Starting a kernel costs a process and its imports (about a second of CPU); a run that takes a
kernel already started skips that. A `KernelPool` keeps, per kernelspec, kernels started in the
background with the environment runs are given (less the run's own variables) in a neutral
folder. Handing one to a run first executes a short silent preamble in it that sets the run's
environment variables and working folder, so user code sees exactly what a kernel started for
the run would see. Only Python kernels are pooled (the preamble is Python); a kernel whose start
environment differs from the run's in any variable but jupyter-mlops' own (`JUPYTER_MLOPS_*`:
the run's id, notebook and user, which only our code reads, when user code calls it, after the
preamble), or that died, is never used: the run starts its own kernel as before.

- `jupyter-mlops run` starts one kernel for its notebook at once, while it reads the notebook and
  opens the store (`prestart`, no refill);
- a long-lived runner (the server's, the scheduler's) refills a kernelspec's kernel after each
  take, so the next run (a scheduled firing) starts executing at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Variables a warm kernel may have differently from its run (the preamble sets them).
RUN_VARIABLE_PREFIX = "JUPYTER_MLOPS_"

# What nbclient passes when it starts a kernel itself (`NotebookClient.ipython_hist_file`).
EXTRA_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]


@dataclass
class WarmKernel:
    """A started kernel: its manager, and the environment and folder it was started with."""

    kernel_name: str
    manager: Any
    env: dict[str, str]
    cwd: str

    def preamble(self, env: Mapping[str, str], cwd: str) -> str:
        """Python that turns this kernel's environment and folder into a run's."""
        changed = {key: value for key, value in env.items() if self.env.get(key) != value}
        removed = sorted(set(self.env) - set(env))
        # In a function, so the user's namespace gains nothing (the function deletes itself).
        return (
            "def _mlops_run_preamble():\n"
            "    import os, sys\n"
            f"    os.environ.update({json.dumps(changed)})\n"
            f"    for key in {json.dumps(removed)}:\n"
            "        os.environ.pop(key, None)\n"
            f"    old, new = {json.dumps(self.cwd)}, {json.dumps(cwd)}\n"
            "    os.chdir(new)\n"
            "    sys.path[:] = [new if entry == old else entry for entry in sys.path]\n"
            "_mlops_run_preamble()\n"
            "del _mlops_run_preamble\n"
        )

    def shutdown(self, now: bool = False) -> None:
        """Stop the kernel (gracefully unless `now`: its atexit hooks run)."""
        try:
            _wait(self.manager.shutdown_kernel(now=now))
        except Exception:  # already dead: only its resources are left
            log.debug("warm kernel shutdown", exc_info=True)
            try:
                _wait(self.manager.cleanup_resources())
            except Exception:
                log.debug("warm kernel cleanup", exc_info=True)


def notebook_kernel_name(nb_json: str) -> str:
    """The kernelspec name a notebook asks for (as `execution.execute_notebook` reads it)."""
    try:
        metadata = json.loads(nb_json).get("metadata") or {}
    except (ValueError, AttributeError):
        return "python3"
    return str((metadata.get("kernelspec") or {}).get("name") or "python3")


def start_kernel(kernel_name: str, env: Mapping[str, str], cwd: str) -> WarmKernel | None:
    """Start a kernel of `kernel_name` (None when it is not a Python kernel)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    if (spec.language or "").lower() != "python":
        return None
    manager = AsyncKernelManager(kernel_name=kernel_name)
    _wait(manager.start_kernel(extra_arguments=list(EXTRA_ARGUMENTS), env=dict(env), cwd=cwd))
    return WarmKernel(kernel_name, manager, dict(env), cwd)


class KernelPool:
    """Kernels started ahead of the runs that will take them (see the module doc).

    `refill`: start the next kernel of a kernelspec after one is taken (long-lived runners).
    """

    def __init__(self, *, refill: bool = True) -> None:
        self.refill = refill
        self._lock = threading.Lock()
        self._kernels: dict[str, Future[WarmKernel | None]] = {}
        self._closed = False

    def prestart(self, kernel_name: str, env: Mapping[str, str], cwd: str) -> None:
        """Start a kernel of `kernel_name` in the background, unless one is there already."""
        with self._lock:
            if self._closed or kernel_name in self._kernels:
                return
            future: Future[WarmKernel | None] = Future()
            self._kernels[kernel_name] = future
        env, cwd = dict(env), str(cwd)

        def start() -> None:
            try:
                future.set_result(start_kernel(kernel_name, env, cwd))
            except Exception as exc:  # the run will start its own and report any error
                log.debug("warm kernel %s did not start", kernel_name, exc_info=True)
                future.set_exception(exc)

        threading.Thread(target=start, name=f"mlops-warm-{kernel_name}", daemon=True).start()

    def take(self, kernel_name: str, env: Mapping[str, str]) -> WarmKernel | None:
        """A started kernel of `kernel_name` for a run with `env`, waiting for one being
        started; None when there is none fit for it."""
        with self._lock:
            future = self._kernels.pop(kernel_name, None)
        if future is None:
            return None
        try:
            kernel = future.result(timeout=120)
        except Exception:
            return None
        if kernel is None:
            return None
        fits = _startup_env(kernel.env) == _startup_env(env)
        if not fits or not _wait(kernel.manager.is_alive()):
            kernel.shutdown(now=True)
            return None
        if self.refill:
            self.prestart(kernel_name, _startup_env(env), kernel.cwd)
        return kernel

    def close(self) -> None:
        """Stop every kernel not taken (and those still starting, once started)."""
        with self._lock:
            self._closed = True
            futures = list(self._kernels.values())
            self._kernels.clear()
        for future in futures:
            future.add_done_callback(_shutdown_result)


def _shutdown_result(future: Future[WarmKernel | None]) -> None:
    if future.exception() is None and (kernel := future.result()) is not None:
        kernel.shutdown(now=True)


def _wait(awaitable: Awaitable[Any]) -> Any:
    """Run a kernel manager's coroutine to its end on a loop of this thread's own."""

    async def wait() -> Any:
        return await awaitable

    return asyncio.run(wait())


def _startup_env(env: Mapping[str, str]) -> dict[str, str]:
    """The variables a kernel may read as it starts (all but the run's own)."""
    return {key: value for key, value in env.items() if not key.startswith(RUN_VARIABLE_PREFIX)}
