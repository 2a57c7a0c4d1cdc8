"""PostgreSQL only: pooled connections the server dropped (a restart, an idle timeout) are
replaced, checked when they were idle, without a round trip per session when busy."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from jupyter_mlops.core import db
from jupyter_mlops.core.db import Database
from jupyter_mlops.core.errors import ErrorCode, MLOpsError


@pytest.fixture
def database(postgres_server):
    url = postgres_server.create_database()
    database = Database(url)
    yield database
    database.close()
    postgres_server.drop_database(url)


def _drop_connections(postgres_server, database):
    name = make_url(database.url).database
    admin = postgres_server._admin_connection()
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    )


def _one(database):
    with database.session() as session:
        return session.execute(text("SELECT 1")).scalar()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    postgres_server, database, monkeypatch
):
    assert _one(database) == 1
    _drop_connections(postgres_server, database)
    monkeypatch.setattr(db, "IDLE_PING_S", 0.0)  # every pooled connection counts as idle
    assert _one(database) == 1


def test_a_busy_connection_is_not_pinged_and_a_dropped_one_fails_once(
    postgres_server, database, monkeypatch
):
    monkeypatch.setattr(db, "IDLE_PING_S", 3600.0)
    assert _one(database) == 1
    _drop_connections(postgres_server, database)
    with pytest.raises(MLOpsError) as error:
        _one(database)
    assert error.value.code is ErrorCode.UNAVAILABLE  # the metric writer retries these
    assert _one(database) == 1
