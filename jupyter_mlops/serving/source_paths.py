"""Which model folders the REST API may register: only under the server's root or the store.

`POST /mlops/api/models {"source": folder}` reads the folder with the server's rights; without
a bound any absolute path on the machine could be copied into the store (and probed by the
answer). A folder is accepted when its real path (symlinks and `..` resolved) is inside the
Jupyter server's root (`ServerApp.root_dir`; a relative source is taken from there) or the
store's data folder; anything else is a 403 naming `source`. Run ids and `runs:/` URIs name
folders the store already holds and pass unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..core.errors import ErrorCode, MLOpsError

_RUN_ID = re.compile(r"^[0-9a-f]{32}$")


def confine_source(source: str, root_dir: Path, allowed: Iterable[Path]) -> str:
    """`source` as an absolute real path inside `root_dir` or an `allowed` folder (run ids and
    `runs:/` URIs unchanged); refused (FORBIDDEN, field `source`) otherwise."""
    if source.startswith("runs:/") or _RUN_ID.match(source):
        return source
    if "\0" in source:
        raise MLOpsError("source: a path cannot hold a NUL byte", field="source")
    path = Path(os.path.realpath(root_dir / Path(source).expanduser()))
    roots = [Path(os.path.realpath(folder)) for folder in (root_dir, *allowed)]
    if not any(path == root or path.is_relative_to(root) for root in roots):
        raise MLOpsError(
            f"source: {source} is outside the server's root folder and the store; only model "
            "folders under them can be registered through the server",
            ErrorCode.FORBIDDEN,
            field="source",
        )
    return str(path)
