"""The migrations build exactly the tables the code declares, on SQLite and PostgreSQL.

After `upgrade heads`, Alembic's autogenerate comparison of the store with the ORM metadata
(every capability's tables imported) must find nothing: no missing or extra table, column,
index, constraint, and no column of another type or nullability.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import jupyter_mlops
from jupyter_mlops.core import schema
from jupyter_mlops.core.db import Base, Database
from jupyter_mlops.core.store import get_database

PACKAGE = Path(jupyter_mlops.__file__).parent
# A module declaring a table: `class XRow(Base):` (tables.py by convention; not only there).
_DECLARES_TABLE = re.compile(r"^class \w+\((?:\w+\.)?Base\)", re.MULTILINE)


def import_every_table_module() -> list[str]:
    """Import each `jupyter_mlops/*/tables.py` and any other module declaring a table."""
    imported = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "labextension" in path.parts or "migrations" in path.parts:
            continue
        if path.name != "tables.py" and not _DECLARES_TABLE.search(path.read_text()):
            continue
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts)
        importlib.import_module(name)
        imported.append(name)
    return imported


def schema_differences(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        return list(compare_metadata(context, Base.metadata))


def test_migrations_build_the_tables_the_code_declares(empty_db_url):
    modules = import_every_table_module()
    assert "jupyter_mlops.tracking.tables" in modules
    assert {"tracking_runs", "profiling_profiles"} <= set(Base.metadata.tables)
    database = Database(empty_db_url)
    try:
        schema.upgrade(database.engine)
        assert schema_differences(database) == []
    finally:
        database.close()


def test_the_comparison_sees_a_column_the_migrations_lack(db_url):
    import_every_table_module()
    database = get_database()
    with database.session(write=True) as session:
        session.execute(text("ALTER TABLE tracking_runs ADD COLUMN stray INTEGER"))
    differences = schema_differences(database)
    assert [d[0] for d in differences if isinstance(d, tuple)] == ["remove_column"]


def test_the_test_runs_on_the_database_it_names(db_url):
    dialect = get_database().engine.dialect.name
    assert dialect == ("sqlite" if db_url.startswith("sqlite") else "postgresql")


def test_processes_starting_at_once_on_an_empty_store_all_upgrade_it(empty_db_url, tmp_path):
    # A server and its kernels may all open a fresh store at the same moment.
    script = (
        "import os, sys, time\n"
        "while not os.path.exists(sys.argv[1]): time.sleep(0.01)\n"
        "from jupyter_mlops.core.store import get_database\n"
        "get_database()\n"
    )
    go = tmp_path / "go"
    env = {**os.environ, "JUPYTER_MLOPS_DB_URL": empty_db_url}
    starters = [
        subprocess.Popen([sys.executable, "-c", script, str(go)], env=env, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    time.sleep(0.5)  # let the interpreters start; they wait for the file
    go.touch()
    errors = [starter.communicate(timeout=120)[1].decode() for starter in starters]
    assert [starter.returncode for starter in starters] == [0] * 4, errors
    database = Database(empty_db_url)
    try:
        assert schema.current_revisions(database.engine) == schema.head_revisions()
    finally:
        database.close()
