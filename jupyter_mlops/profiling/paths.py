"""Which files a profiling request may read: inside the server's root, every one of them.

A Parquet dataset is a folder of part files: each is resolved (symlinks followed) and must stay
inside the root, not only the folder named in the request.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from .sources import check_source


def _outside(path: str) -> MLOpsError:
    return MLOpsError(
        f"{path!r} is outside the server's root directory", ErrorCode.FORBIDDEN, "path"
    )


def resolve_in_root(root: Path, path: str) -> Path:
    """`path` (relative to the server's root) as a checked absolute path: refused (403) if it,
    or any file of a dataset folder, leaves the root; 404 if missing; 400 if not CSV or
    Parquet."""
    if not path.strip():
        raise MLOpsError("give the path of a CSV or Parquet file", field="path")
    root = root.resolve()
    try:
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise _outside(path)
        if not target.exists():
            raise NotFoundError(f"no such file: {path}", field="path")
        if target.is_dir():
            for member in sorted(target.rglob("*")):
                if not member.resolve().is_relative_to(root):
                    shown = f"{path.rstrip('/')}/{member.relative_to(target).as_posix()}"
                    raise _outside(shown)
    except (OSError, ValueError, RuntimeError) as exc:  # NUL, a loop of links, a long name
        raise MLOpsError(f"cannot use the path {path!r}: {exc}", field="path") from None
    check_source(str(target), field="path")
    return target


def relative_label(root: Path, target: Path) -> str:
    """`target` as the user knows it: relative to the root when inside it."""
    try:
        return target.relative_to(root.resolve()).as_posix()
    except ValueError:
        return target.name
