"""skops' trust-list cache (`jupyter_mlops.model_format.skops_import`) put into a test's fresh
data dir before anything of the test starts.

Each test gets its own data dir, so the first process of a test that loads a skops model (an
endpoint, a gate run, a job's kernel) found no cache and rebuilt skops' trust lists, walking
every scikit-learn module: measured 4.8-5.0 -> 3.4-3.6 s CPU for an endpoint's start with the
cache in place. The lists depend only on the installed skops, scikit-learn, scipy and numpy (the
cache file's name carries their versions), so the file is the same for every test: made once per
run (by the first xdist worker; `run_folder`) and written into each data dir. The cache itself
(built, read, a foreign one ignored) is tested in tests/model_format/test_skops_import.py, in
data dirs of its own.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import PackageNotFoundError
from pathlib import Path

from .run_folder import shared_text

_lists: str | None = None


def seed_skops_cache(data_dir: Path) -> None:
    """Write the trust-list cache of the installed versions into `data_dir` (a no-op when one
    of the versioned distributions is not installed)."""
    global _lists
    from jupyter_mlops.model_format.skops_import import cache_file

    try:
        target = cache_file(data_dir)
    except PackageNotFoundError:
        return
    if _lists is None:
        _lists = shared_text(target.name, lambda: _build_lists(data_dir))
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_lists)


def _build_lists(data_dir: Path) -> str:
    from jupyter_mlops.model_format.skops_import import TRUSTED_MODULE, skops_io, trust_lists

    skops_io(data_dir)  # this process's skops.io: imported once, by the cache when there is one
    return json.dumps(trust_lists(sys.modules[TRUSTED_MODULE]))
