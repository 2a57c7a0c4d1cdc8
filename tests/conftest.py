"""Fixtures shared by the whole suite: an isolated store per test and a Jupyter server with the
extension. Browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlops.core.config import DB_URL_ENV, resolve_db_url
from jupyter_mlops.core.process_start import skip_iri_grammar
from jupyter_mlops.core.store import reset_database

from .support.gateway import gateway_server
from .support.ports import free_port
from .support.postgres import PostgresServer, missing_reason
from .support.run_folder import make_run_folder
from .support.s3 import s3_root, s3_server
from .support.session_servers import serve_for_session
from .support.skops_cache import seed_skops_cache
from .support.store_template import seed_from_template

# Before pytest_plugins imports nbformat and jsonschema: 2.7 s of CPU less per test process.
skip_iri_grammar()
pytest_plugins = ["pytest_jupyter.jupyter_server", "tests.support.cpu_time"]

# Servers started once for the whole session (a test module that imported them as its own
# fixtures started one per module): moto's S3 server, a fresh bucket per test, Dask Gateway.
__all__ = ["gateway_server", "s3_root", "s3_server"]


def pytest_configure(config: pytest.Config) -> None:
    """The folder the run's test processes share (before xdist starts them)."""
    make_run_folder(config)


@pytest.fixture(autouse=True)
def mlops_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> Iterator[Path]:
    """Every test gets its own data dir and SQLite store, a copy of the migrated template (a
    test that opens it would otherwise run every migration again: tests/support/store_template.py);
    returns the data dir. Upgrades from an empty store are tested with `empty_db_url`."""
    data_dir = tmp_path / "mlops-data"
    monkeypatch.setenv("JUPYTER_MLOPS_DATA_DIR", str(data_dir))
    monkeypatch.delenv("JUPYTER_MLOPS_DB_URL", raising=False)
    seed_from_template(sqlite_template)
    # `mlops.set_experiment` is per process: a test must not inherit an earlier test's choice.
    monkeypatch.setattr("jupyter_mlops.tracking.fluent._experiment_name", None)
    # Endpoints a test's server deploys start at a free high port, not the default 9321: tests
    # in parallel processes would otherwise race for the same ports.
    monkeypatch.setenv("JUPYTER_MLOPS_SERVING_BASE_PORT", str(free_port()))
    # The first process of a test that loads a skops model would otherwise rebuild skops' trust
    # lists in the fresh data dir (about 1.4 s of CPU; tests/support/skops_cache.py).
    seed_skops_cache(data_dir)
    reset_database()
    yield data_dir
    reset_database()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL for the session (tests/support/postgres.py); skips saying why when
    none can start here, and fails instead under `CI`."""
    yield from serve_for_session(PostgresServer(), missing_reason(), "PostgreSQL", "PostgreSQL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, mlops_store: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Runs a test on SQLite and on PostgreSQL: the store URL every part of the test resolves
    (`$JUPYTER_MLOPS_DB_URL`, inherited by subprocesses); a fresh database at the code's heads."""
    if request.param == "sqlite":
        yield resolve_db_url()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    monkeypatch.setenv(DB_URL_ENV, url)
    reset_database()
    yield url
    from jupyter_mlops.tracking.process_client import close_client

    close_client()
    reset_database()
    server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (never upgraded) on SQLite and on PostgreSQL, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(empty=True)
    yield url
    server.drop_database(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store migrated to the code's heads once per session (as PostgreSQL's template
    database): a test's server starts on a copy instead of running every migration again."""
    from jupyter_mlops.core import schema
    from jupyter_mlops.core.db import Database

    path = tmp_path_factory.mktemp("sqlite-template") / "mlops.db"
    database = Database(f"sqlite:///{path}")
    try:
        schema.upgrade(database.engine)
    finally:
        database.close()
    return path


@pytest.fixture
def jp_server_config(request: pytest.FixtureRequest, mlops_store: Path) -> dict[str, Any]:
    """pytest-jupyter's server, with the jupyter_mlops extension enabled, on the test's store
    (`mlops_store`'s copy of the migrated template: the server checks it is at the heads).

    A module or test marked `@pytest.mark.capabilities("tracking", ...)` runs a server with
    only those (and what they require): no jobs runner, scheduler, ticker or cluster loop to
    start and stop where the test does not need them.

    The warm spare endpoint process is off: it is one more process importing scikit-learn per
    server that deploys (about 3 s of CPU, some 40 servers in the suite) and serves nothing these
    tests assert. Its own tests drive it (tests/serving/test_serving_spare.py, one through a real
    Jupyter server), and the browser tests' Lab runs the default, on.
    The jobs runner's warm-kernel refill is off too, for the same reason: each server that ran
    a notebook started one more kernel no test took (tests/jobs/test_jobs_kernel_pool.py drives
    the pool, and the setting is checked there)."""
    mlops: dict[str, Any] = {"serving_warm_spare": False, "jobs_warm_kernels": False}
    marker = request.node.get_closest_marker("capabilities")
    if marker is not None:
        mlops["capabilities"] = list(marker.args)
    return {"ServerApp": {"jpserver_extensions": {"jupyter_mlops": True}}, "MLOpsApp": mlops}


@pytest.fixture
def mlops_app(jp_serverapp: Any) -> Any:
    """The running `MLOpsApp` inside pytest-jupyter's server."""
    apps = jp_serverapp.extension_manager.extension_apps["jupyter_mlops"]
    return next(iter(apps))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Expose each phase's report on the item, so fixtures can react to a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
