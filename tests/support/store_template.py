"""A test's in-process SQLite store started from the session's migrated template.

`get_database()` upgrades a store it opens; on a test's fresh data dir that ran every
capability's migrations again: about 0.15-0.25 s of CPU per SQLite test in a warm test process
(measured: test_tracking_search_operators.py 15.7 -> 10.5 CPU-s, test_tracking_store.py
14 -> 10).
Every test's store is such a copy (`mlops_store`, tests/conftest.py), which a test's server
opens too. The upgrade from an empty store is tested where it is the subject
(tests/core/test_store_schema.py, `empty_db_url`), and the tests that prove a first use creates
the store remove the copy first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jupyter_mlops.core.config import resolve_db_url


def seed_from_template(template: Path) -> None:
    """Copy the migrated SQLite `template` to the store this process resolves, when that is a
    SQLite file that does not exist yet (PostgreSQL stores come from their own template)."""
    url = resolve_db_url()
    if not url.startswith("sqlite:///"):
        return
    path = Path(url.removeprefix("sqlite:///"))
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
