"""The driver-level statements that start and end a run, and the checks before a start.

Starting a run must cost about a millisecond (1,000 runs/s), so these statements go through the
database driver in `Database.driver_transaction`'s connection, not SQLAlchemy: on PostgreSQL
a new run's inserts are one pipeline and ending a run is one statement. `TrackingStore`
(`create_run`, `end_run`) calls them; the logging writes are in `batch_writes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.db import Database
from ..core.team.tables import PermissionRow
from . import heartbeat
from .heartbeat import ProcessIdentity
from .tables import ExperimentRow, ParamRow, RunRow, TagRow


def write_new_run(
    database: Database,
    connection: Any,
    row: Mapping[str, Any],
    params: Mapping[str, str],
    tags: Mapping[str, str],
    process: ProcessIdentity | None = None,
) -> None:
    """Insert a new run with its first params and tags (nothing to compare against yet), and
    the process running it when given (its heartbeat row), in `Database.driver_transaction`'s
    `connection` (on PostgreSQL one pipeline: `autocommit=True` suffices, the server runs it
    as one implicit transaction).

    Driver-level statements: SQLAlchemy building and compiling three statements would cost
    more than the inserts, and starting 1,000 runs/s leaves no room for it.
    """
    columns = tuple(row)
    run_id = row["run_id"]
    statements: list[tuple[str, Any, bool]] = [
        (_run_insert_sql(database, columns), tuple(row[c] for c in columns), False)
    ]
    for table, values in ((ParamRow, params), (TagRow, tags)):
        if not values:
            continue
        rows = [(run_id, k, v) for k, v in values.items()]
        if database.is_sqlite:  # sqlite3's executemany steps one prepared statement in C
            sql = (
                f"INSERT INTO {table.__tablename__} (run_id, key, value) "
                f"VALUES ({database.markers(3)})"
            )
            statements.append((sql, rows, True))
            continue
        # psycopg's executemany sends and bookkeeps one Bind/Execute per row (~30 us of our
        # CPU each); one multi-row VALUES per chunk is one statement.
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            group = f"({database.markers(3)})"
            sql = (
                f"INSERT INTO {table.__tablename__} (run_id, key, value) "
                f"VALUES {', '.join([group] * len(chunk))}"
            )
            statements.append((sql, tuple(x for row in chunk for x in row), False))
    if process is not None:
        columns_sql = ", ".join(heartbeat.OWNER_COLUMNS)
        sql = (
            f"INSERT INTO {heartbeat.RunProcessRow.__tablename__} ({columns_sql}) "
            f"VALUES ({database.markers(len(heartbeat.OWNER_COLUMNS))})"
        )
        statements.append((sql, heartbeat.record_owner_values(run_id, process), False))
    if not database.is_sqlite:
        _pipelined_driver(connection, statements)
        return
    for sql, parameters, many in statements:
        if many:
            connection.executemany(sql, parameters)
        else:
            connection.execute(sql, parameters)


_RUN_INSERTS: dict[tuple[str, tuple[str, ...]], str] = {}
_ROWS_PER_INSERT = 1_000  # 3,000 bound values, far under PostgreSQL's 65,535


def _run_insert_sql(database: Database, columns: tuple[str, ...]) -> str:
    """The run's INSERT, built once per dialect and column list (quoting 17 names per run was
    a few percent of starting one)."""
    key = (database.engine.dialect.name, columns)
    sql = _RUN_INSERTS.get(key)
    if sql is None:
        quote = database.engine.dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        markers = database.markers(len(columns))
        sql = f"INSERT INTO {RunRow.__tablename__} ({names}) VALUES ({markers})"
        _RUN_INSERTS[key] = sql
    return sql


def _pipelined_driver(driver: Any, statements: list[tuple[str, Any, bool]]) -> None:
    """Send the statements in one round trip (psycopg 3's pipeline mode)."""
    with driver.pipeline(), driver.cursor() as cursor:
        for sql, parameters, many in statements:
            if many:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, parameters)


def experiment_for_new_run(
    database: Database, connection: Any, experiment_id: int
) -> tuple[str, str, list[tuple[str, str]]] | None:
    """`(artifact_location, lifecycle_stage, grants)` of an experiment, `grants` being its
    `(user, permission)` rows (for `permissions.from_grants`), or None; one statement in
    `Database.driver_transaction`'s `connection`."""
    sql = (
        f"SELECT e.artifact_location, e.lifecycle_stage, p.{_quoted(database, 'user')}, "
        f"p.permission FROM {ExperimentRow.__tablename__} e "
        f"LEFT JOIN {PermissionRow.__tablename__} p ON p.object_type = 'experiment' "
        f"AND p.object_id = {_cast_text(database, 'e.experiment_id')} "
        f"WHERE e.experiment_id = {database.markers(1)}"
    )
    found = connection.execute(sql, (experiment_id,)).fetchall()
    if not found:
        return None
    grants = [(user, permission) for _a, _s, user, permission in found if user is not None]
    return found[0][0], found[0][1], grants


def run_exists(database: Database, connection: Any, run_id: str) -> bool:
    """Whether a run is stored (in `Database.driver_transaction`'s `connection`)."""
    sql = f"SELECT 1 FROM {RunRow.__tablename__} WHERE run_id = {database.markers(1)}"
    return connection.execute(sql, (run_id,)).fetchone() is not None


def _quoted(database: Database, name: str) -> str:
    return str(database.engine.dialect.identifier_preparer.quote(name))


def _cast_text(database: Database, column: str) -> str:
    # permissions.object_id is text: compare as text so the experiments' index still serves.
    return f"CAST({column} AS TEXT)" if database.is_sqlite else f"{column}::text"


def end_run(
    database: Database, connection: Any, run_id: str, status: str, end_time: int, error: str | None
) -> bool:
    """Set a run's final status, end time and traceback, and forget its process (heartbeat);
    False when there is no such run. In `Database.driver_transaction`'s `connection` (on
    PostgreSQL one statement: `autocommit=True` suffices)."""
    marks = database.markers(4).split(", ")
    sql = (
        f"UPDATE {RunRow.__tablename__} SET status = {marks[0]}, end_time = {marks[1]}, "
        f"error = COALESCE({marks[2]}, error) WHERE run_id = {marks[3]}"
    )
    release = (
        f"DELETE FROM {heartbeat.RunProcessRow.__tablename__} WHERE run_id = {database.markers(1)}"
    )
    if not database.is_sqlite:
        # One statement (the DELETE as a data-modifying CTE): atomic by itself, so under
        # `driver_transaction(autocommit=True)` ending a run is one round trip.
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH released AS ({release}) {sql}", (run_id, status, end_time, error, run_id)
            )
            return bool(cursor.rowcount > 0)
    result = connection.execute(sql, (status, end_time, error, run_id))
    connection.execute(release, (run_id,))
    return bool(result.rowcount > 0)
