"""The hash that pins a model folder: its model file AND `MLmodel.json` (classes, signature,
flavor), so that editing either after it was recorded makes every loader refuse it.

`folder_sha256` is the sha256 of a short text naming both files' sha256s (a hash of hashes, so
no byte can move from one file to the other). Tracking records it at `log_model`, the registry
at registration; `check_pinned` accepts it, or, for records made before `MLmodel.json` was
pinned, the model file's own sha256: such a record still pins the model file, but not its
`MLmodel.json` (re-register the version to pin both). The files whose hash is checked are the
bytes that are then parsed and loaded (each is read once).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..core.errors import ErrorCode, MLOpsError

MODEL_FILE = "model.skops"
INFO_FILE = "MLmodel.json"
_SCHEME = "jupyter-mlops model folder 1"


def folder_sha256(model_bytes: bytes, info_bytes: bytes) -> str:
    """The pinning hash of a folder whose model file and `MLmodel.json` hold these bytes."""
    model = hashlib.sha256(model_bytes).hexdigest()
    info = hashlib.sha256(info_bytes).hexdigest()
    text = f"{_SCHEME}\n{MODEL_FILE} {model}\n{INFO_FILE} {info}\n"
    return hashlib.sha256(text.encode()).hexdigest()


def pinned_sha256(folder: Path) -> str:
    """`folder_sha256` of the files in `folder` (what tracking and the registry record)."""
    return folder_sha256((folder / MODEL_FILE).read_bytes(), (folder / INFO_FILE).read_bytes())


def check_pinned(
    expected: str, model_bytes: bytes, info_bytes: bytes, where: Path, field: str = "model"
) -> None:
    """Refuse (FORBIDDEN, naming `field`) unless `expected` pins these bytes (see module)."""
    expected = expected.lower()
    if expected == folder_sha256(model_bytes, info_bytes):
        return
    if expected == hashlib.sha256(model_bytes).hexdigest():
        return  # a record from before MLmodel.json was pinned: the model file matches
    raise MLOpsError(
        f"{field}: the model at {where} changed since it was logged ({MODEL_FILE} or "
        f"{INFO_FILE} edited: folder sha256 {folder_sha256(model_bytes, info_bytes)}, recorded "
        f"{expected}); it is not loaded",
        ErrorCode.FORBIDDEN,
        field=field,
    )
