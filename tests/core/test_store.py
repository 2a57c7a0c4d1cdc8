"""The store: URL resolution, SQLite settings, migrations and the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from jupyter_mlops.cli import main
from jupyter_mlops.core import schema
from jupyter_mlops.core.config import mask_url, resolve_db_url
from jupyter_mlops.core.db import Database
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database


def test_default_store_is_sqlite_under_the_data_dir(mlops_store):
    assert resolve_db_url() == f"sqlite:///{mlops_store / 'mlops.db'}"


def test_env_url_wins_over_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_MLOPS_DB_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert resolve_db_url() == f"sqlite:///{tmp_path / 'other.db'}"
    assert resolve_db_url("postgresql://u:p@h/db") == "postgresql://u:p@h/db"


def test_passwords_are_masked():
    assert mask_url("postgresql+psycopg://alice:s3cret@db.internal/mlops") == (
        "postgresql+psycopg://alice:***@db.internal/mlops"
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(mlops_store):
    database = get_database()
    with database.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_fresh_store_upgrades_to_head(empty_db_url):
    database = Database(empty_db_url)
    assert schema.current_revisions(database.engine) == ()
    assert schema.upgrade(database.engine) == schema.head_revisions()
    assert schema.is_up_to_date(database.engine)
    database.close()


def test_store_written_by_a_newer_version_is_refused(empty_db_url):
    database = Database(empty_db_url)
    schema.upgrade(database.engine)
    with database.session() as session:
        # One row per branch head: move one of them to a revision this code does not know.
        session.execute(
            text(
                "UPDATE alembic_version SET version_num = 'from_the_future' "
                "WHERE version_num = (SELECT MIN(version_num) FROM alembic_version)"
            )
        )
    with pytest.raises(MLOpsError, match="newer than this"):
        schema.upgrade(database.engine)
    database.close()


def test_integrity_errors_become_conflicts(empty_db_url):
    database = Database(empty_db_url)
    with database.session() as session:
        session.execute(text("CREATE TABLE t (k TEXT PRIMARY KEY)"))
        session.execute(text("INSERT INTO t VALUES ('a')"))
    with pytest.raises(MLOpsError) as info, database.session(write=True) as session:
        session.execute(text("INSERT INTO t VALUES ('a')"))
    assert info.value.http_status == 409
    database.close()


def test_cli_db_upgrade_then_current_reports_head(mlops_store, capsys):
    (mlops_store / "mlops.db").unlink(missing_ok=True)  # an empty store, whatever was seeded
    assert main(["db", "current"]) == 0
    assert "empty" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    heads = ", ".join(schema.head_revisions())
    assert f"{heads} (head)" in capsys.readouterr().out


def test_cli_is_installed_and_prints_its_version():
    result = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("jupyter-mlops ")


def test_cli_bad_subcommand_is_a_usage_error():
    with pytest.raises(SystemExit) as info:
        main(["db", "explode"])
    assert info.value.code == 2
