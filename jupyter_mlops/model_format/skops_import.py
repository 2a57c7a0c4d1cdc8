"""Importing `skops.io` without rebuilding skops' default trust lists in every process.

`import skops.io` builds its default trust lists in `skops.io._trusted_types` at import: the
type names of every estimator `sklearn.utils.all_estimators()` finds (which imports every
scikit-learn module, and through them pytest and dask), and of every ufunc of numpy and
scipy.special (each name looked up across all loaded modules). That was ~2 s of an endpoint's
2.6 s cold start on a quiet 2-core machine (20 s on a loaded one). The lists are strings fixed
by the installed scikit-learn, scipy, numpy and skops, so the first full import writes them to
`<data dir>/cache/` under those versions, and later imports put a module holding the same
lists in place of `_trusted_types` before importing `skops.io`. skops trusts exactly the same
names either way (tests/model_format/test_skops_import.py compares them); only the modules a
model file names are imported, when it is loaded.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import cast

from ..core.config import resolve_data_dir

CACHE_FOLDER = "cache"
TRUSTED_MODULE = "skops.io._trusted_types"
_VERSIONED = ("skops", "scikit-learn", "scipy", "numpy")


def cache_file(data_dir: Path | None = None) -> Path:
    """Where the trust lists of the installed skops, scikit-learn, scipy and numpy are kept
    (PackageNotFoundError when one is not installed as a distribution)."""
    key = "-".join(f"{name}{version(name)}" for name in _VERSIONED)
    return (data_dir or resolve_data_dir()) / CACHE_FOLDER / f"skops-trusted-{key}.json"


def trust_lists(module: ModuleType) -> dict[str, list[str]]:
    """The module-level lists of type names of skops' `_trusted_types` (what skops reads)."""
    return {
        name: list(value)
        for name, value in vars(module).items()
        if name.isupper()
        and name.endswith("_NAMES")
        and isinstance(value, list)
        and all(isinstance(item, str) for item in value)
    }


def _cached(path: Path) -> dict[str, list[str]] | None:
    try:
        lists = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(lists, dict) or not lists:
        return None
    for name, value in lists.items():
        if not (
            isinstance(name, str)
            and name.endswith("_NAMES")
            and isinstance(value, list)
            and all(isinstance(item, str) for item in value)
        ):
            return None
    return lists


def skops_io(data_dir: Path | None = None) -> ModuleType:
    """`skops.io`, its trust lists read from the cache when there is one (and the cache written
    after a full import when there is none)."""
    loaded = sys.modules.get("skops.io")
    if loaded is not None:
        return loaded
    try:
        path: Path | None = cache_file(data_dir)
    except PackageNotFoundError:  # versions unknown: the plain import
        path = None
    lists = _cached(path) if path is not None else None
    if lists is None:
        import skops.io
        from skops.io import _trusted_types

        if path is not None:
            _write(path, trust_lists(_trusted_types))
        return cast(ModuleType, skops.io)  # skops ships no type information
    import skops  # the package only (light): its `io` subpackage is what we import below

    module = ModuleType(TRUSTED_MODULE, "skops' default trust lists, read from the cache")
    vars(module).update(lists)
    sys.modules[TRUSTED_MODULE] = module
    try:
        import skops.io
    except BaseException:
        sys.modules.pop(TRUSTED_MODULE, None)
        raise
    return cast(ModuleType, skops.io)  # skops ships no type information


def _write(path: Path, lists: dict[str, list[str]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(lists))
        partial.replace(path)
    except OSError:
        pass  # a read-only data dir: every import stays a full one
