"""A throwaway PostgreSQL server for the test session, and a fresh database per test.

`PostgresServer.start()` runs Debian's `initdb` and `pg_ctl` (as the `postgres` user when the
tests run as root: PostgreSQL refuses root) in a temporary folder, listening on a free
127.0.0.1 port and a Unix socket in that folder, with durability off (fsync, synchronous
commit, full-page writes): a test server loses nothing it needs on a crash. One template
database is upgraded to the code's heads once; each test's database is a `CREATE DATABASE ...
TEMPLATE` copy of it (tens of milliseconds), or of `template0` for an empty one.

`$JUPYTER_MLOPS_TEST_POSTGRES_URL` (a superuser URL of a server someone else runs) replaces the
throwaway server, e.g. a CI service container.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from .ports import free_port

if TYPE_CHECKING:
    import psycopg

EXTERNAL_URL_ENV = "JUPYTER_MLOPS_TEST_POSTGRES_URL"
TEMPLATE = "mlops_template"
DRIVER = "postgresql+psycopg"


def find_bindir() -> Path | None:
    """The folder holding `initdb` and `pg_ctl` (newest Debian version first, then PATH)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def missing_reason() -> str | None:
    """Why no PostgreSQL can be started here, or None when one can."""
    if os.environ.get(EXTERNAL_URL_ENV):
        return None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'jupyter-mlops[postgres]')"
    if find_bindir() is None:
        return "PostgreSQL is not installed (initdb/pg_ctl not found; apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' user to run the server as"
    return None


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, stopped and removed by `stop()`."""

    def __init__(self) -> None:
        self.external_url = os.environ.get(EXTERNAL_URL_ENV)
        self.bindir = find_bindir()
        self.port = free_port()
        self.folder: Path | None = None
        self.user = "postgres"
        self._admin: psycopg.Connection[tuple[Any, ...]] | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> PostgresServer:
        """initdb + pg_ctl start (or connect to the external server), then build the template."""
        if self.external_url is None:
            self._start_local()
        self._build_template()
        return self

    def _start_local(self) -> None:
        assert self.bindir is not None
        folder = Path(tempfile.mkdtemp(prefix="mlops-pg-"))
        self.folder = folder
        as_root = os.geteuid() == 0
        if as_root:
            entry = pwd.getpwnam("postgres")
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
        data = folder / "data"
        self._run(
            [str(self.bindir / "initdb"), "-D", str(data), "-U", self.user, "-A", "trust",
             "-E", "UTF8", "--no-sync", "--locale=C"],
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            [str(self.bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
             str(folder / "server.log"), "-w", "-t", "60", "start"],
        )  # fmt: skip

    def _run(self, command: list[str]) -> None:
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            log = ""
            if self.folder is not None and (self.folder / "server.log").exists():
                log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}): {result.stderr}{log}"
            )

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.folder is None:
            return
        assert self.bindir is not None
        with contextlib.suppress(Exception):
            self._run([str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
                       "immediate", "-w", "stop"])  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    # --- databases -----------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg 3) of one database on this server."""
        if self.external_url is not None:
            return (
                make_url(self.external_url)
                .set(drivername=DRIVER, database=database)
                .render_as_string(hide_password=False)
            )
        return f"{DRIVER}://{self.user}@127.0.0.1:{self.port}/{database}"

    def _admin_connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        import psycopg

        if self._admin is None or self._admin.closed:
            dsn = (
                make_url(self.url())
                .set(drivername="postgresql")
                .render_as_string(hide_password=False)
            )
            self._admin = psycopg.connect(dsn, autocommit=True)
        return self._admin

    def _build_template(self) -> None:
        from jupyter_mlops.core import schema
        from jupyter_mlops.core.db import Database

        admin = self._admin_connection()
        admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        admin.execute(f"CREATE DATABASE {TEMPLATE} TEMPLATE template0")
        database = Database(self.url(TEMPLATE))
        try:
            schema.upgrade(database.engine)
        finally:
            database.close()

    def create_database(self, *, empty: bool = False) -> str:
        """A new database, at the code's heads (or `empty`), and its URL."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        template = "template0" if empty else TEMPLATE
        self._admin_connection().execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `create_database`, closing whatever still uses it."""
        name = make_url(url).database
        self._admin_connection().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
