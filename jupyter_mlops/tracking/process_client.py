"""The process-wide tracking client: the store this process logs to, and its metric writer.

Kernels, jobs and scripts share one per process, for the store `get_database()` resolves. When
that store changes (tests switch it) the old writer is flushed and closed. A forked child
starts afresh: the parent's queued points stay the parent's.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.util
import os
import threading
from dataclasses import dataclass, field

from ..core.config import DATA_DIR_ENV, DB_URL_ENV, resolve_data_dir
from ..core.services import build_service
from ..core.store import get_database
from . import sigterm
from .base_store import TRACKING_STORE, BaseTrackingStore
from .metric_writer import MetricWriter

log = logging.getLogger(__name__)

EXIT_FLUSH_TIMEOUT_S = 120.0


@dataclass
class TrackingClient:
    """A store and the writer that buffers metrics into it."""

    store: BaseTrackingStore
    writer: MetricWriter
    _experiment_ids: dict[str | None, str] = field(default_factory=dict)

    def experiment_id(self, name: str | None) -> str:
        """The id of the experiment called `name` (created when missing), remembered: ids of
        experiments never change and a deleted one is refused when a run is created in it."""
        found = self._experiment_ids.get(name)
        if found is None:
            found = self.store.get_or_create_experiment(name).experiment_id
            self._experiment_ids[name] = found
        return found


_lock = threading.Lock()
_client: TrackingClient | None = None
_client_key: tuple[str | None, str | None, int] | None = None


def get_client() -> TrackingClient:
    """The client for the store this process currently resolves (created on first use).

    Cheap on repeat calls: the store is looked up again only when the environment that
    locates it (`$JUPYTER_MLOPS_DB_URL`, `$JUPYTER_MLOPS_DATA_DIR`) changed.
    """
    global _client, _client_key
    key = (os.environ.get(DB_URL_ENV), os.environ.get(DATA_DIR_ENV), os.getpid())
    current = _client
    if current is not None and key == _client_key:
        return current
    database = get_database()
    data_dir = resolve_data_dir()
    with _lock:
        current = _client
        if current is not None and (
            current.store.database is database and current.store.data_dir == data_dir
        ):
            _client_key = key
            return current
        # The configured class (`$JUPYTER_MLOPS_TRACKING_STORE_CLASS`, exported by the server).
        _client = TrackingClient(
            build_service(TRACKING_STORE, database, data_dir),
            MetricWriter(build_service(TRACKING_STORE, database, data_dir)),
        )
        _client_key = key
    if current is not None:
        _close_quietly(current)
    sigterm.on_sigterm(close_client)  # atexit does not run when SIGTERM kills the process
    if multiprocessing.parent_process() is not None:
        # multiprocessing children leave through os._exit, skipping atexit; this still runs.
        multiprocessing.util.Finalize(None, close_client, exitpriority=100)
    return _client


def peek_client() -> TrackingClient | None:
    """The current client if one exists, without opening a store."""
    return _client


def _close_quietly(client: TrackingClient) -> None:
    try:
        client.writer.close(EXIT_FLUSH_TIMEOUT_S)
    except Exception as error:
        log.error("jupyter-mlops could not write all metrics: %s", error)


def close_client() -> None:
    """Flush and close the client (at interpreter exit, and in tests)."""
    global _client, _client_key
    with _lock:
        client, _client, _client_key = _client, None, None
    if client is not None:
        _close_quietly(client)


def _forget_in_child() -> None:
    global _client, _client_key, _lock
    _client, _client_key = None, None
    _lock = threading.Lock()


atexit.register(close_client)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
