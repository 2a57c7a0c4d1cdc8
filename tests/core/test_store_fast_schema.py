"""The schema check that skips Alembic: it must agree with Alembic on every store it answers for,
and a process opening a current store must not import Alembic at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from jupyter_mlops.core import schema
from jupyter_mlops.core.db import Database


def test_heads_from_files_equal_alembic_heads() -> None:
    assert schema.head_revisions() == schema.alembic_head_revisions()


def test_current_revisions_read_from_the_version_table(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'mlops.db'}")
    try:
        assert schema.current_revisions(database.engine) == ()  # no version table yet
        schema.upgrade(database.engine)
        from alembic.runtime.migration import MigrationContext

        with database.engine.connect() as connection:
            expected = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
        assert schema.current_revisions(database.engine) == expected == schema.head_revisions()
    finally:
        database.close()


def test_opening_a_current_store_does_not_import_alembic(tmp_path: Path) -> None:
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(tmp_path)}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    code = (
        "import sys\n"
        "from jupyter_mlops.core.store import get_database\n"
        "get_database()\n"
        "print('alembic' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.stdout.strip() == "True", first.stderr  # a new store is upgraded by Alembic
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert second.stdout.strip() == "False", second.stderr


def test_a_store_behind_the_heads_is_still_upgraded(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'mlops.db'}")
    try:
        from alembic import command

        with database.engine.connect() as connection:
            command.upgrade(schema._config(connection), "0001_baseline")
            connection.commit()
        assert schema.current_revisions(database.engine) == ("0001_baseline",)
        assert not schema.is_up_to_date(database.engine)
        assert schema.upgrade(database.engine) == schema.head_revisions()
    finally:
        database.close()
