"""Schema versions through Alembic: what the code expects (heads) and what a store has.

Upgrades run at server start, at first use in a kernel or job, and from `jupyter-mlops db
upgrade`. Several processes may start at once on one SQLite file, so an upgrade takes the
write lock first and a loser of the race re-checks instead of failing.

Alembic is imported only when a store needs upgrading (or its revisions are asked for by
name): the heads come from reading the revision files' `revision`/`down_revision` literals, and
a store's revisions from one `SELECT` on `alembic_version`, so a process opening a current store
(every job run, kernel and CLI command) skips Alembic's import, about 0.4-0.5 s of CPU.
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from .errors import ErrorCode, MLOpsError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"


def version_folders() -> list[Path]:
    """Where the revisions live: `0001_baseline` in core, then each installed capability's
    own folder (its `Capability.migrations`), one Alembic branch per capability."""
    from ..capabilities import installed_capabilities  # the declarations are light

    folders = [MIGRATIONS_DIR / "versions"]
    for capability in installed_capabilities():
        folder = capability.migrations_folder()
        if folder is not None and folder.is_dir():
            folders.append(folder)
    return folders


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(folder) for folder in version_folders())
    )
    config.attributes["connection"] = connection
    return config


def head_revisions() -> tuple[str, ...]:
    """The revisions this version of the code expects, sorted."""
    fast = _heads_from_files()
    if fast is not None:
        return fast
    return alembic_head_revisions()


def alembic_head_revisions() -> tuple[str, ...]:
    """The heads as Alembic computes them (the reference `head_revisions` must agree with)."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(_config()).get_heads()))


@functools.cache
def _heads_from_files() -> tuple[str, ...] | None:
    """The heads from the revision files' literals, or None when a file is not plain enough
    (a `depends_on`, a computed value): then Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(p for folder in version_folders() for p in folder.glob("*.py")):
        values = _literals(path)
        if values is None:
            return None
        revision, down, depends_on = values
        if not isinstance(revision, str) or depends_on is not None:
            return None
        downs = [down] if isinstance(down, str) else list(down or ())
        if not all(isinstance(item, str) for item in downs):
            return None
        revisions.add(revision)
        parents.update(downs)
    if not revisions:
        return None
    return tuple(sorted(revisions - parents))


def _literals(path: Path) -> tuple[Any, Any, Any] | None:
    wanted = {"revision": None, "down_revision": None, "depends_on": None}
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in wanted and value is not None:
                try:
                    wanted[target.id] = ast.literal_eval(value)
                except ValueError:
                    return None
                found.add(target.id)
    if "revision" not in found or "down_revision" not in found:
        return None
    return wanted["revision"], wanted["down_revision"], wanted["depends_on"]


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The revisions the store is at, sorted; empty for a store never upgraded."""
    with engine.connect() as connection:
        try:
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            return tuple(sorted(str(row[0]) for row in rows))
        except DBAPIError:
            connection.rollback()  # PostgreSQL: the failed statement aborted the transaction
    from alembic.runtime.migration import MigrationContext

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
        from alembic import command

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
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
