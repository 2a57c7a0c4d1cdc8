"""An MLflow SQLite tracking store for tests, copied from one MLflow migrated once per run.

MLflow creates a SQLite store by running its ~50 Alembic revisions: ~3 s of CPU and ~10 s of
wall clock (a commit, so an fsync, per revision) for every new store. Tests that build a store
with MLflow's own client (the import tests) get a copy of an empty store MLflow made, as the
suite's own stores are copies of a migrated template (conftest's `sqlite_template`); MLflow
opens the copy, sees it at its head and migrates nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from .run_folder import shared_file


def _build_template(template: Path) -> None:
    from mlflow import MlflowClient

    MlflowClient(tracking_uri=f"sqlite:///{template}").search_experiments()


def mlflow_sqlite_store(database: Path) -> str:
    """A new MLflow SQLite store at `database` (a copy of the migrated empty one); its URI.

    MLflow's `Default` experiment (id 0) is pointed at `./mlruns/0` of the current folder, where
    MLflow's own creation would have put it."""
    shutil.copyfile(shared_file("mlflow-template.db", _build_template), database)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0",
            (os.path.abspath(os.path.join("mlruns", "0")),),
        )
    connection.close()
    return f"sqlite:///{database}"
