"""Schema versions through Alembic: what the code expects (heads) and what a store has.

Upgrades run at server start, at first use in a kernel or job, and from `jupyter-mlops db
upgrade`. Several processes may start at once on one SQLite file, so an upgrade takes the
write lock first and a loser of the race re-checks instead of failing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from .errors import ErrorCode, MLOpsError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> tuple[str, ...]:
    """The revisions this version of the code expects, sorted."""
    return tuple(sorted(ScriptDirectory.from_config(_config()).get_heads()))


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The revisions the store is at, sorted; empty for a store never upgraded."""
    with engine.connect() as connection:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def is_up_to_date(engine: Engine) -> bool:
    """Whether the store is at the code's heads."""
    return current_revisions(engine) == head_revisions()


def upgrade(engine: Engine, attempts: int = 3) -> tuple[str, ...]:
    """Bring the store to the code's heads and return the revisions it is at.

    Refuses a store that is ahead of this code (a newer version of jupyter-mlops wrote it).
    """
    heads = head_revisions()
    for attempt in range(attempts):
        current = current_revisions(engine)
        if current == heads:
            return current
        unknown = set(current) - set(_known_revisions())
        if unknown:
            raise MLOpsError(
                f"the store is at revision {', '.join(sorted(unknown))}, newer than this "
                "jupyter-mlops; upgrade the package",
                ErrorCode.CONFLICT,
            )
        try:
            with engine.connect().execution_options(mlops_sqlite_begin="IMMEDIATE") as connection:
                command.upgrade(_config(connection), "heads")
                connection.commit()
        except Exception:
            # Another process may have upgraded the store in between; look again before failing.
            if attempt == attempts - 1 and current_revisions(engine) != heads:
                raise
    return current_revisions(engine)


def _known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
