"""The store's engine and its one managed session.

SQLite gets WAL, a busy timeout and foreign keys at connect time, and explicit `BEGIN`s so that
writers can ask for `BEGIN IMMEDIATE` (take the write lock up front instead of failing on a
lock upgrade when several kernels and jobs write at once). Other databases are used as
SQLAlchemy configures them.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import mask_url
from .errors import ErrorCode, MLOpsError

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option read by the BEGIN hook below: "IMMEDIATE" for write sessions on SQLite.
_BEGIN_MODE = "mlops_sqlite_begin"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table; constraint names are stable so migrations can drop them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see the "begin" hook).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_MODE, "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created and the PRAGMAs set."""
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        }
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        _install_sqlite_hooks(engine)
    else:
        _install_idle_ping(engine)
    return engine


# A pooled server connection idle this long is checked (one round trip) before it is used again.
# `pool_pre_ping` checks every checkout: a quarter of the time of creating a run on PostgreSQL.
# A connection that dies while in use fails its statement once (503, which the metric writer
# retries) and the pool replaces it.
IDLE_PING_S = 10.0


def _install_idle_ping(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["mlops_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("mlops_idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_S:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # the pool discards this connection and opens another
            raise DisconnectionError(str(error)) from error


# What SQLite and PostgreSQL say when a statement exceeds their limits: the caller's query is
# too complex (a 400 that says so), not an unavailable store (a 503 that invites retries).
_TOO_COMPLEX = (
    "expression tree is too large",
    "too many terms in compound select",
    "at most 64 tables in a join",
    "too many sql variables",
    "parser stack overflow",
    "too many columns",
    "stack depth limit exceeded",
)


# What a refused constraint means, by the words SQLite and PostgreSQL use for it.
_CONFLICTS = (
    (("unique", "duplicate key"), "an item with the same key is already stored"),
    (
        ("foreign key",),
        "it refers to something that is not stored, or something stored still refers to it",
    ),
    (("not null", "null value"), "a required value is missing"),
    (("check constraint",), "a value is outside what the store accepts"),
)


def conflict_message(error: object) -> str:
    """A caller's message for a refused constraint: what kind, never the driver's text (it
    names tables and columns, and PostgreSQL's repeats the stored values)."""
    text = str(error).lower()
    for markers, meaning in _CONFLICTS:
        if any(marker in text for marker in markers):
            return f"conflicts with stored data: {meaning}"
    return "conflicts with stored data"


def _is_too_complex(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    return any(marker in message for marker in _TOO_COMPLEX)


class Database:
    """The store: an engine plus sessions that commit, roll back and map DB errors to codes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(**{_BEGIN_MODE: "IMMEDIATE"}), expire_on_commit=False
        )

    @property
    def masked_url(self) -> str:
        """The URL without its password, for display."""
        return mask_url(self.url)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error.

        `write=True` takes SQLite's write lock at BEGIN, which avoids "database is locked"
        failures when a transaction reads before it writes while other processes write too.
        DB errors come out as `MLOpsError` (CONFLICT for integrity errors).
        """
        factory = self._write_sessions if write else self._sessions
        session = factory()
        try:
            yield session
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise MLOpsError(conflict_message(exc.orig), ErrorCode.CONFLICT) from exc
        except OperationalError as exc:
            session.rollback()
            if _is_too_complex(exc):
                raise MLOpsError(f"query too complex: {exc.orig}") from exc
            raise MLOpsError(f"store unavailable: {exc.orig}", ErrorCode.UNAVAILABLE) from exc
        except OverflowError as exc:
            session.rollback()
            raise MLOpsError(f"a number is out of range: {exc}") from exc
        except SQLAlchemyError as exc:
            session.rollback()
            cause = getattr(exc, "orig", None)
            if isinstance(cause, OverflowError):
                raise MLOpsError(f"a number is out of range: {cause}") from exc
            # str(exc) holds the statement and its parameters: the log gets them (the
            # cause), the caller a message without them.
            raise MLOpsError(
                f"store error ({type(exc).__name__}); the server log has the details",
                ErrorCode.INTERNAL,
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def driver_transaction(self, *, write: bool = True, autocommit: bool = False) -> Iterator[Any]:
        """One transaction on a pooled driver connection (sqlite3 or psycopg), without
        SQLAlchemy's Session and Connection: committed on success, rolled back on any error,
        errors mapped as `session` maps them. Its statements use the driver's parameter style
        (`markers`). For hot paths only: a Session costs ~1 ms of CPU per transaction, several
        times the few statements that start or end a run. `write=False` (reads) does not take
        SQLite's write lock at BEGIN.

        `autocommit=True` (PostgreSQL; SQLite ignores it): no BEGIN and no COMMIT, two round
        trips fewer. Each statement is then its own transaction, and so is each psycopg
        pipeline up to its sync (the server runs it as one implicit transaction: an error rolls
        back the pipeline's earlier statements too). For callers whose writes are one
        statement or one pipeline.
        """
        dbapi: Any = self.engine.dialect.loaded_dbapi
        proxy = self.engine.raw_connection()
        connection: Any = proxy.driver_connection
        autocommitting = autocommit and not self.is_sqlite
        try:
            if self.is_sqlite:  # isolation_level is None: we begin, as the "begin" hook does
                connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            elif autocommitting:  # a pooled connection is idle: psycopg allows the switch
                connection.autocommit = True
            yield connection
            connection.commit()
        except BaseException as exc:
            with suppress(dbapi.Error):  # a connection that is gone: the pool discards it
                connection.rollback()
            if isinstance(exc, dbapi.IntegrityError):
                raise MLOpsError(conflict_message(exc), ErrorCode.CONFLICT) from exc
            if isinstance(exc, dbapi.OperationalError):
                if any(marker in str(exc).lower() for marker in _TOO_COMPLEX):
                    raise MLOpsError(f"query too complex: {exc}") from exc
                raise MLOpsError(f"store unavailable: {exc}", ErrorCode.UNAVAILABLE) from exc
            if isinstance(exc, OverflowError):
                raise MLOpsError(f"a number is out of range: {exc}") from exc
            if isinstance(exc, dbapi.Error):
                raise MLOpsError(
                    f"store error ({type(exc).__name__}); the server log has the details",
                    ErrorCode.INTERNAL,
                ) from exc
            raise
        finally:
            if autocommitting:  # the pool's other users expect transactions
                try:
                    connection.autocommit = False
                except dbapi.Error:  # not idle or gone: never hand it out again
                    proxy.invalidate()
            proxy.close()

    def markers(self, count: int) -> str:
        """`count` positional parameter markers in the driver's own style."""
        style = self.engine.dialect.paramstyle
        if style == "qmark":
            return ", ".join(["?"] * count)
        if style in ("format", "pyformat"):
            return ", ".join(["%s"] * count)
        if style == "numeric":
            return ", ".join(f":{i}" for i in range(1, count + 1))
        raise MLOpsError(f"unsupported driver parameter style {style!r}", ErrorCode.INTERNAL)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()
