"""Which types a model file may make when it loads, and the content hash that pins a file.

skops refuses any type, function or method outside its trusted list; what we add to that list
decides what a file can run. The list never comes from the model folder (whoever writes the
folder would decide what is trusted). It is:

- skops' own defaults (scikit-learn estimators, numpy/scipy ufuncs, builtin containers);
- classes defined in scikit-learn, numpy or scipy (checked by importing them: a name that
  resolves to a function, a method, or a class from elsewhere does not pass), except modules
  that read or write files or exist for tests (`scipy.io`, `numpy.memmap`, `*.testing`...):
  a constructor of such a class called with arguments from the file could touch the disk;
- what the caller passes explicitly as `trusted`.

Anything else (e.g. `operator.call` with `posix.system`) is refused with an error that names
the untrusted types, before anything in the file is constructed.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterable
from pathlib import Path

from ..core.errors import ErrorCode, MLOpsError

TRUSTED_PACKAGES = ("sklearn", "numpy", "scipy")
# Module path segments whose classes read or write files, load libraries, or exist for tests.
_UNTRUSTED_SEGMENTS = frozenset({"io", "f2py", "distutils", "ctypeslib", "datasets"})
_UNTRUSTED_WORDS = ("test", "npyio", "datasource")
# Classes whose constructors open files or take raw function pointers.
_UNTRUSTED_CLASS_NAMES = frozenset({"memmap", "LowLevelCallable", "DataSource", "NpzFile"})


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, as 64 hex digits."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _trusted_module(parts: list[str]) -> bool:
    return not any(
        part in _UNTRUSTED_SEGMENTS or any(word in part for word in _UNTRUSTED_WORDS)
        for part in parts
    )


def _is_allowed_class(name: str) -> bool:
    module_name, _, attribute = name.rpartition(".")
    parts = module_name.split(".")
    if parts[0] not in TRUSTED_PACKAGES or not _trusted_module(parts):
        return False
    if attribute in _UNTRUSTED_CLASS_NAMES:
        return False
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError):
        return False
    if not isinstance(found, type):
        return False
    import numpy

    if issubclass(found, numpy.memmap) or found.__name__ in _UNTRUSTED_CLASS_NAMES:
        return False
    defined_in = (found.__module__ or "").split(".")
    return defined_in[0] in TRUSTED_PACKAGES and _trusted_module(defined_in)


def trusted_types_for(data: bytes, trusted: Iterable[str] = ()) -> list[str]:
    """The names to give `skops.io.loads` for `data`; refuses a file that needs others.

    Raises `MLOpsError` (FORBIDDEN, field `model`) naming every type that is neither on the
    allow-list (see the module docstring) nor in `trusted`.
    """
    import skops.io

    explicit = set(trusted)
    try:
        needed = skops.io.get_untrusted_types(data=data)
    except Exception as exc:  # a truncated zip, a schema skops cannot read
        raise MLOpsError(
            f"model: the model file is not a readable skops file ({type(exc).__name__}: {exc})",
            ErrorCode.BAD_REQUEST,
            field="model",
        ) from None
    refused = sorted(
        name for name in needed if name not in explicit and not _is_allowed_class(name)
    )
    if refused:
        raise MLOpsError(
            "model: the model file needs types that are not trusted: "
            + ", ".join(refused)
            + " (only scikit-learn, numpy and scipy classes load by default; pass them in "
            "`trusted` only if you trust whoever wrote the file)",
            ErrorCode.FORBIDDEN,
            field="model",
        )
    return sorted(needed)
