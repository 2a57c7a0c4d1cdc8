"""The process-wide store for code outside the server: kernels, jobs, endpoints and the CLI.

The server builds its own `Database` from its traitlets and exports the URL, so a kernel it
starts gets the same store from `get_database()`.
"""

from __future__ import annotations

import threading

from . import schema
from .config import resolve_db_url
from .db import Database

_lock = threading.Lock()
_database: Database | None = None


def get_database() -> Database:
    """The store this process uses, opened and upgraded to the code's schema on first call."""
    global _database
    with _lock:
        url = resolve_db_url()
        if _database is None or _database.url != url:
            if _database is not None:
                _database.close()
            database = Database(url)
            schema.upgrade(database.engine)
            _database = database
        return _database


def reset_database() -> None:
    """Forget the cached store, e.g. after `JUPYTER_MLOPS_DB_URL` changed (tests use this)."""
    global _database
    with _lock:
        if _database is not None:
            _database.close()
        _database = None
