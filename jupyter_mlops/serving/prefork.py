"""Pre-forked endpoint workers (`serve --workers N`, N > 1): load once, fork N times.

The parent process binds the socket, imports what the app and the model need and loads the
model once (the same `ModelSource.load` a worker runs, so the model format's allow-list and
hash checks run before anything is unpickled), then forks the workers. Each worker shares the
socket and the loaded estimator copy-on-write, so it is serving a few milliseconds after the
fork: the cold start with N workers is the cold start of one, and the libraries' and model's
pages are in memory once. (uvicorn's own supervisor spawns each worker: every worker imported
scikit-learn and skops and loaded the model by itself, N times the CPU on a machine that has N
cores, and the first answer came last.)

Why a pre-fork rather than "start the other workers once the first serves": the latter keeps
the first answer as early, but still spends N times the import and load CPU (contending with
the requests the first worker is already serving) and keeps N private copies of the model.

The supervisor (`PreforkSupervisor.run`):

- a worker that exits before it served (`STARTUP_FAILURE`, e.g. the version it found newer
  than the parent's could not be loaded) stops every worker, and `serve` exits with that code;
- a worker that dies later (killed, crashed) is replaced by a new fork of the parent, which
  still holds the loaded model; a worker finding the store's target version changed since the
  parent loaded loads that version itself before serving;
- SIGTERM/SIGINT stop the workers gracefully (uvicorn's shutdown in each), then return;
- each worker asks Linux to end it with its parent (`_end_with_parent`), so a `kill -9` of the
  parent frees the port.

Nothing listens but the endpoint's socket: fork needs no server socket or pipe a local user
could reach (unlike multiprocessing's forkserver).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("jupyter_mlops.serving.endpoint")

# uvicorn's exit code for "the app could not start" (`uvicorn.config.STARTUP_FAILURE`).
STARTUP_FAILURE = 3
STOP_TIMEOUT_S = 30.0


def forget_parent_connections() -> None:
    """In a forked worker: drop the store connections inherited from the parent without
    closing them (they are the parent's: SQLAlchemy's recipe for engines across fork)."""
    from ..core import store

    database = getattr(store, "_database", None)
    if database is not None:
        database.engine.dispose(close=False)


class PreforkSupervisor:
    """Forks `workers` processes that each run `worker_main(sockets)`; keeps them running."""

    def __init__(
        self,
        worker_main: Callable[[list[socket.socket]], None],
        sockets: list[socket.socket],
        workers: int,
        on_worker_exit: Callable[[int], None] | None = None,
    ) -> None:
        self.worker_main = worker_main
        self.sockets = sockets
        self.count = workers
        self.on_worker_exit = on_worker_exit or (lambda _pid: None)
        self.processes: list[Any] = []
        self.should_exit = threading.Event()
        self.startup_failed = False
        self._context = multiprocessing.get_context("fork")

    def _fork(self) -> Any:
        # What the parent holds now (the libraries, the model) moves out of the collector's
        # sight: a worker's full collections neither walk it nor write to its pages (which
        # would copy them, page by page, into every worker).
        gc.freeze()
        process = self._context.Process(target=self._child, name="endpoint-worker", daemon=False)
        process.start()
        return process

    def _child(self) -> None:
        # The parent's handlers only set its own Event: uvicorn installs the worker's own.
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        self.worker_main(self.sockets)

    def run(self) -> int:
        """Fork the workers and keep them until a stop signal or a startup failure: the exit
        code for `serve` (0, or `STARTUP_FAILURE`)."""
        stops = (signal.SIGTERM, signal.SIGINT)
        previous = {s: signal.signal(s, lambda *_: self.should_exit.set()) for s in stops}
        try:
            self.processes = [self._fork() for _ in range(self.count)]
            while not self.should_exit.wait(0.2):
                self._keep_alive()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return STARTUP_FAILURE if self.startup_failed else 0

    def _keep_alive(self) -> None:
        for index, process in enumerate(self.processes):
            if process.is_alive():
                continue
            process.join()
            self.on_worker_exit(process.pid)
            if process.exitcode == STARTUP_FAILURE:
                log.error("endpoint worker %s could not start: stopping the endpoint", process.pid)
                self.startup_failed = True
                self.should_exit.set()
                return
            code = process.exitcode
            log.warning("endpoint worker %s ended (exit %s): starting another", process.pid, code)
            self.processes[index] = self._fork()

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in self.processes:
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.kill()
                process.join()
            if process.pid is not None:
                self.on_worker_exit(process.pid)
