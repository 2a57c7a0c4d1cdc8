"""An MLflow SQLite tracking store for tests, copied from one MLflow migrated once per process.

MLflow creates a SQLite store by running its ~50 Alembic revisions: ~3 s of CPU and ~10 s of
wall clock (a commit, so an fsync, per revision) for every new store. Tests that build a store
with MLflow's own client (the import tests) get a copy of an empty store MLflow made, as the
suite's own stores are copies of a migrated template (conftest's `sqlite_template`); MLflow
opens the copy, sees it at its head and migrates nothing.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

_template: Path | None = None


def _build_template() -> Path:
    from mlflow import MlflowClient

    folder = Path(tempfile.mkdtemp(prefix="mlflow-sqlite-template-"))
    atexit.register(shutil.rmtree, folder, True)
    template = folder / "mlflow.db"
    MlflowClient(tracking_uri=f"sqlite:///{template}").search_experiments()
    return template


def mlflow_sqlite_store(database: Path) -> str:
    """A new MLflow SQLite store at `database` (a copy of the migrated empty one); its URI.

    MLflow's `Default` experiment (id 0) is pointed at `./mlruns/0` of the current folder, where
    MLflow's own creation would have put it."""
    global _template
    if _template is None or not _template.exists():
        _template = _build_template()
    shutil.copyfile(_template, database)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0",
            (os.path.abspath(os.path.join("mlruns", "0")),),
        )
    connection.close()
    return f"sqlite:///{database}"
