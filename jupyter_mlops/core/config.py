"""Where the store and the data live: one resolution shared by server, kernels, jobs and CLI.

The server exports what it resolved into the environment, so kernels and job processes it
starts inherit the same answer.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from sqlalchemy.engine import make_url

DB_URL_ENV = "JUPYTER_MLOPS_DB_URL"
DATA_DIR_ENV = "JUPYTER_MLOPS_DATA_DIR"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder for the default SQLite store and artifacts.

    `explicit` (a traitlet or CLI flag) wins, then `$JUPYTER_MLOPS_DATA_DIR`, then
    `<jupyter data dir>/mlops`.
    """
    chosen = explicit or os.environ.get(DATA_DIR_ENV) or Path(jupyter_data_dir()) / "mlops"
    return Path(chosen).expanduser().resolve()


def resolve_db_url(
    explicit: str | None = None, data_dir: str | os.PathLike[str] | None = None
) -> str:
    """The SQLAlchemy URL of the store.

    `explicit` wins, then `$JUPYTER_MLOPS_DB_URL`, then SQLite at `<data dir>/mlops.db`.
    """
    url = explicit or os.environ.get(DB_URL_ENV)
    if url:
        return url
    return f"sqlite:///{resolve_data_dir(data_dir) / 'mlops.db'}"


def store_environment(db_url: str, data_dir: Path) -> dict[str, str | None]:
    """The variables that make child processes (kernels, jobs, endpoints) resolve the same
    store and data dir (the server exports them, `core.exported_environment`)."""
    return {DB_URL_ENV: db_url, DATA_DIR_ENV: str(data_dir)}


def mask_url(url: str) -> str:
    """The URL with any password replaced by `***`, safe to show in the UI and logs."""
    return make_url(url).render_as_string(hide_password=True)
