"""Run artifacts under the artifact root: `<root>/<experiment_id>/<run_id>/`.

The root is a local folder (`<data dir>/artifacts` by default) or any fsspec URI
(`core.artifact_store`): the `*_remote` functions and `staged_folder` serve runs whose
`artifact_uri` is a URI, through that module only, with the same path rules (`..`, encoded
forms and absolute keys refused).

Every path a user gives is resolved against the run's artifact root, symlinks included, and
refused (403, field `path`) when it would land outside it; one no file system could hold (a
segment over 255 bytes: `stat` fails with ENAMETOOLONG) is a 400 naming it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..core import artifact_store
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.paths import check_path, shown_path
from .entities import ArtifactInfo


def resolve_inside(root: Path, relpath: str | None, field: str = "path") -> Path:
    """`root / relpath`, refusing absolute paths, `..` escapes and symlinks leading out."""
    if relpath is None or relpath.strip() in ("", ".", "/"):
        return root.resolve()
    if "\x00" in relpath:
        raise MLOpsError("a path cannot contain NUL characters", field=field)
    try:
        check_path(relpath)
    except ValueError as exc:
        raise MLOpsError(f"artifact path {shown_path(relpath)}: {exc}", field=field) from None
    # Accept Windows separators from clients, but never a drive or an absolute path.
    posix = PurePosixPath(relpath.replace("\\", "/"))
    if posix.is_absolute() or (posix.parts and posix.parts[0].endswith(":")):
        raise MLOpsError(
            f"artifact path {relpath!r} must be relative to the run's artifact root",
            ErrorCode.FORBIDDEN,
            field,
        )
    root_resolved = root.resolve()
    candidate = (root_resolved / Path(*posix.parts)).resolve()
    if candidate != root_resolved and root_resolved not in candidate.parents:
        raise MLOpsError(
            f"artifact path {relpath!r} escapes the run's artifact root", ErrorCode.FORBIDDEN, field
        )
    try:
        candidate.exists()
    except OSError as exc:  # a file system with lower limits than check_path's, a link loop
        raise MLOpsError(
            f"artifact path {shown_path(relpath)} is not usable: {exc.strerror}", field=field
        ) from None
    return candidate


def list_dir(root: Path, relpath: str | None) -> list[ArtifactInfo]:
    """The direct children of `relpath` under `root`, folders first; [] before any artifact."""
    target = resolve_inside(root, relpath)
    root_resolved = root.resolve()
    if not target.exists():
        if target == root_resolved:
            return []
        raise NotFoundError(f"no artifact at {relpath!r}", field="path")
    if target.is_file():
        return [_info(root_resolved, target)]
    children = []
    for entry in sorted(target.iterdir(), key=lambda p: (not p.is_dir(), p.name)):
        resolved = entry.resolve()
        # A symlink that leads out of the root is not listed (and could not be downloaded).
        if resolved != root_resolved and root_resolved not in resolved.parents:
            continue
        children.append(_info(root_resolved, entry))
    return children


def _info(root: Path, path: Path) -> ArtifactInfo:
    relative = path.relative_to(root).as_posix() if path != root else ""
    if path.is_dir():
        return ArtifactInfo(relative, True, None)
    return ArtifactInfo(relative, False, path.stat().st_size)


def copy_in(root: Path, local_path: str | os.PathLike[str], artifact_path: str | None) -> str:
    """Copy a file or folder into the run's artifacts (under `artifact_path`); returns its path.

    Folders are copied whole; an existing artifact of the same name is replaced.
    """
    source = Path(local_path)
    if not source.exists():
        raise NotFoundError(f"no such file or folder: {source}", field="local_path")
    folder = resolve_inside(root, artifact_path, field="artifact_path")
    folder.mkdir(parents=True, exist_ok=True)
    destination = resolve_inside(folder, source.name, field="local_path")
    if source.is_dir():
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(source, destination)
    else:
        shutil.copy2(source, destination)
    return destination.relative_to(root.resolve()).as_posix()


def write_bytes(root: Path, relpath: str, data: bytes) -> str:
    """Store `data` as the artifact `relpath` (atomically: written aside, then renamed)."""
    target = resolve_inside(root, relpath)
    if target == root.resolve():
        raise MLOpsError("an artifact needs a file name", field="path")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)
    return target.relative_to(root.resolve()).as_posix()


# --- runs whose artifact_uri is remote (an fsspec URI under the artifact root) ----------------


def list_remote(root: str, relpath: str | None) -> list[ArtifactInfo]:
    """`list_dir` for a run whose artifacts are at the URI `root`."""
    target = artifact_store.child(root, relpath)
    prefix = "" if target == root else artifact_store.relative_to(target, root)
    if target != root and not artifact_store.is_dir(target):
        if not artifact_store.exists(target):
            raise NotFoundError(f"no artifact at {relpath!r}", field="path")
        return [ArtifactInfo(prefix, False, artifact_store.size(target))]
    return [
        ArtifactInfo(f"{prefix}/{entry.name}" if prefix else entry.name, entry.is_dir, entry.size)
        for entry in artifact_store.list_dir(target)
    ]


def copy_in_remote(root: str, local_path: str | os.PathLike[str], artifact_path: str | None) -> str:
    """`copy_in` for a run whose artifacts are at the URI `root` (streamed, file by file)."""
    source = Path(local_path)
    if not source.exists():
        raise NotFoundError(f"no such file or folder: {source}", field="local_path")
    folder = artifact_store.child(root, artifact_path, field="artifact_path")
    destination = artifact_store.child(folder, source.name, field="local_path")
    if source.is_dir():
        artifact_store.delete(destination)
    artifact_store.upload(source, destination)
    return artifact_store.relative_to(destination, root)


def write_remote(root: str, relpath: str, data: bytes) -> str:
    """`write_bytes` for a run whose artifacts are at the URI `root` (one PUT)."""
    target = artifact_store.child(root, relpath)
    if target == root:
        raise MLOpsError("an artifact needs a file name", field="path")
    artifact_store.write_bytes(target, data)
    return artifact_store.relative_to(target, root)


@contextmanager
def staged_folder(root: str, relpath: str) -> Iterator[Path]:
    """A local folder to write the artifact folder `relpath` of a run into (a model): the
    folder itself for a local run (not created here); for a remote one a temporary folder,
    uploaded (replacing what was there) when the block ends without an error."""
    if not artifact_store.is_remote(root):
        yield resolve_inside(Path(root), relpath)
        return
    target = artifact_store.child(root, relpath)
    with tempfile.TemporaryDirectory(prefix="mlops-stage-") as staging:
        folder = Path(staging) / "artifact"
        folder.mkdir()
        yield folder
        artifact_store.delete(target)
        artifact_store.upload(folder, target)
