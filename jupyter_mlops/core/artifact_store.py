"""Where everything file-shaped lives: one artifact root, a local folder or any fsspec URI.

`MLOpsApp.artifact_root` / `$JUPYTER_MLOPS_ARTIFACT_ROOT` names it (`s3://bucket/prefix`,
`gs://...`, `abfs://...`, `file:///...`); empty means `<data dir>/artifacts` as before. The
server exports it, so kernels, jobs, workers and endpoints it starts use the same root, and a
process elsewhere (a container, a Dask worker) gets it from its own environment.

A *location* is a string: a plain local path (the default, kept byte for byte as before so local
stores do not change) or a URI with a scheme. Code that holds a location calls this module and
never opens a remote file itself:

- `child(location, relpath)` is the only way to go below a location; it refuses absolute keys,
  `..` (also percent-encoded) and NUL, so a path a user names stays under its run's prefix.
- Files stream: `upload`/`download` copy file by file with the file system's own chunked
  transfers (s3fs: multipart upload, ranged reads), never a whole file in memory.
- Credentials and endpoints come from the environment as each fsspec implementation reads them
  (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL`, ...): nothing secret is
  stored in a location or in the store.
- `local_copy(location, key)` downloads a remote folder once into `<data dir>/cache/` (named by
  `key`, e.g. a model's pinned hash) for code that needs a local folder (skops, a kernel); the
  caller still checks what it reads (a model's hash is verified after the download, before load).

fsspec is imported on first use: server start and `%load_ext` never pay for it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from .config import resolve_data_dir
from .errors import ErrorCode, MLOpsError
from .paths import check_path, shown_path

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

ARTIFACT_ROOT_ENV = "JUPYTER_MLOPS_ARTIFACT_ROOT"
# Bytes per read when a file is copied between file systems (s3fs reads ranges of this size).
COPY_CHUNK_BYTES = 8 * 1024 * 1024


def resolve_artifact_root(
    explicit: str | None = None, data_dir: str | os.PathLike[str] | None = None
) -> str:
    """The artifact root: `explicit`, then `$JUPYTER_MLOPS_ARTIFACT_ROOT`, then
    `<data dir>/artifacts`. A `file://` URI becomes its local path."""
    chosen = explicit or os.environ.get(ARTIFACT_ROOT_ENV)
    if not chosen:
        return str(resolve_data_dir(data_dir) / "artifacts")
    return normalize(chosen)


def normalize(location: str) -> str:
    """`location` with a `file://` URI turned into a plain path, a remote URI without its
    trailing slash; refused (field `artifact_root`) when it is neither."""
    if location.startswith("file://"):
        return str(Path(urllib.parse.unquote(urllib.parse.urlparse(location).path)))
    if is_remote(location):
        scheme, _, rest = location.partition("://")
        if not rest.strip("/"):
            raise MLOpsError(
                f"artifact root {location!r} names no bucket or container", field="artifact_root"
            )
        return f"{scheme}://{rest.rstrip('/')}"
    return str(Path(location).expanduser().resolve())


def is_remote(location: str) -> bool:
    """Whether `location` is a URI on another file system (not a local path or `file://`)."""
    scheme, sep, _ = location.partition("://")
    return bool(sep) and scheme.isascii() and scheme.replace("+", "").isalnum() and len(scheme) > 1


# What each file system reads from the environment: a process that must reach the artifact
# root (an endpoint, which otherwise gets no cloud keys) keeps these and only these.
_ROOT_ENV_PREFIXES = {
    "s3": ("AWS_",),
    "s3a": ("AWS_",),
    "gs": ("GOOGLE_", "GCSFS_"),
    "gcs": ("GOOGLE_", "GCSFS_"),
    "abfs": ("AZURE_",),
    "az": ("AZURE_",),
}


def root_environment(environ: dict[str, str], root: str) -> dict[str, str]:
    """The variables of `environ` a process needs to reach the artifact root `root`: the root
    itself and, for a remote root, its file system's credentials and endpoint variables."""
    kept = {ARTIFACT_ROOT_ENV: root}
    if is_remote(root):
        prefixes = _ROOT_ENV_PREFIXES.get(root.partition("://")[0], ())
        kept.update({k: v for k, v in environ.items() if k.startswith(prefixes)})
    return kept


# --- paths -------------------------------------------------------------------------------------


def relative_parts(relpath: str, field: str = "path") -> tuple[str, ...]:
    """The segments of a user-given path below a location, or an MLOpsError naming `field`:
    FORBIDDEN for an absolute key, a drive, or `..` (plain or percent-encoded)."""
    try:
        check_path(relpath)
    except ValueError as exc:
        raise MLOpsError(f"artifact path {shown_path(relpath)}: {exc}", field=field) from None
    posix = relpath.replace("\\", "/")
    decoded = posix
    for _ in range(3):  # %252e%252e -> %2e%2e -> ..
        decoded = urllib.parse.unquote(decoded).replace("\\", "/")
    for candidate in (posix, decoded):
        path = PurePosixPath(candidate)
        if path.is_absolute() or (path.parts and path.parts[0].endswith(":")):
            raise MLOpsError(
                f"artifact path {relpath!r} must be relative to the run's artifact root",
                ErrorCode.FORBIDDEN,
                field,
            )
        if ".." in path.parts:
            raise MLOpsError(
                f"artifact path {relpath!r} escapes the run's artifact root",
                ErrorCode.FORBIDDEN,
                field,
            )
    return tuple(part for part in PurePosixPath(posix).parts if part not in ("", "."))


def child(location: str, relpath: str | None, field: str = "path") -> str:
    """The location of `relpath` under `location` (itself for an empty path); see
    `relative_parts` for what is refused."""
    if relpath is None or relpath.strip() in ("", ".", "/"):
        return location
    parts = relative_parts(relpath, field)
    if not parts:
        return location
    if is_remote(location):
        return "/".join([location.rstrip("/"), *parts])
    return str(Path(location, *parts))


def relative_to(location: str, root: str) -> str:
    """`location`'s path below `root` (posix), "" for the root itself."""
    base, inner = root.rstrip("/"), location.rstrip("/")
    if inner == base:
        return ""
    if not inner.startswith(base + ("/" if is_remote(root) else os.sep)):
        raise ValueError(f"{location} is not under {root}")
    return inner[len(base) + 1 :].replace(os.sep, "/")


# --- file system calls -------------------------------------------------------------------------


def filesystem(location: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec file system of `location` and the path on it (credentials: environment)."""
    from fsspec.core import url_to_fs

    try:
        fs, path = url_to_fs(location)
    except (ImportError, ValueError) as exc:
        scheme = location.partition("://")[0]
        raise MLOpsError(
            f"artifact location {scheme}://...: {exc} (install the file system's package, "
            "e.g. `pip install jupyter-mlops[s3]`)",
            field="artifact_root",
        ) from None
    return fs, str(path)


@dataclass(frozen=True)
class Entry:
    """One file or folder directly under a listed location."""

    name: str
    is_dir: bool
    size: int | None


def exists(location: str) -> bool:
    """Whether a file or folder is at `location`."""
    if not is_remote(location):
        return Path(location).exists()
    fs, path = filesystem(location)
    return bool(fs.exists(path))


def is_dir(location: str) -> bool:
    """Whether `location` is a folder (a prefix with keys under it, on object storage)."""
    if not is_remote(location):
        return Path(location).is_dir()
    fs, path = filesystem(location)
    return bool(fs.isdir(path))


def size(location: str) -> int:
    """The size in bytes of the file at `location`."""
    if not is_remote(location):
        return Path(location).stat().st_size
    fs, path = filesystem(location)
    return int(fs.size(path))


def list_dir(location: str) -> list[Entry]:
    """The files and folders directly under `location`, folders first; [] when it is absent."""
    if not is_remote(location):
        folder = Path(location)
        if not folder.is_dir():
            return []
        return sorted(
            (
                Entry(p.name, p.is_dir(), None if p.is_dir() else p.stat().st_size)
                for p in folder.iterdir()
            ),
            key=lambda e: (not e.is_dir, e.name),
        )
    fs, path = filesystem(location)
    if not fs.exists(path):
        return []
    fs.invalidate_cache(path)
    entries = []
    for info in fs.ls(path, detail=True):
        name = PurePosixPath(str(info["name"]).rstrip("/")).name
        folder_entry = info.get("type") == "directory"
        entries.append(Entry(name, folder_entry, None if folder_entry else int(info["size"])))
    return sorted(entries, key=lambda e: (not e.is_dir, e.name))


def walk_files(location: str) -> Iterator[str]:
    """The posix paths, relative to `location`, of every file below it."""
    if not is_remote(location):
        root = Path(location)
        for found_path in sorted(root.rglob("*")):
            if found_path.is_file():
                yield found_path.relative_to(root).as_posix()
        return
    fs, key = filesystem(location)
    base = key.rstrip("/")
    fs.invalidate_cache(base)
    for found in sorted(fs.find(base)):
        yield str(found)[len(base) + 1 :]


def open_file(location: str, mode: str = "rb") -> IO[Any]:
    """An open file at `location` (a remote file reads by ranges and writes in parts)."""
    if not is_remote(location):
        if "w" in mode or "a" in mode:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        return open(location, mode)  # the caller closes it
    fs, path = filesystem(location)
    return fs.open(path, mode, block_size=COPY_CHUNK_BYTES)  # type: ignore[no-any-return]


def read_bytes(location: str) -> bytes:
    """The whole content of a (small) file."""
    with open_file(location, "rb") as handle:
        return bytes(handle.read())


def write_bytes(location: str, data: bytes) -> None:
    """Store `data` at `location` whole: a local file is written aside then renamed, an object
    is one PUT (readers never see half of it either way)."""
    if not is_remote(location):
        target = Path(location)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
        partial.write_bytes(data)
        partial.replace(target)
        return
    fs, path = filesystem(location)
    fs.pipe_file(path, data)


def delete(location: str) -> None:
    """Remove the file or folder at `location` (nothing when absent)."""
    if not is_remote(location):
        local = Path(location)
        if local.is_dir() and not local.is_symlink():
            shutil.rmtree(local)
        elif local.exists() or local.is_symlink():
            local.unlink()
        return
    fs, key = filesystem(location)
    if fs.exists(key):
        fs.rm(key, recursive=True)


def upload(source: str | os.PathLike[str], location: str) -> None:
    """Copy a local file or folder to `location` (replacing a file there), file by file,
    streamed (s3fs uploads a large file in parts). Symlinks are not followed out of a folder."""
    local = Path(source)
    files = [Path()] if local.is_file() else _local_files(local)
    for relative in files:
        from_path = local / relative if relative != Path() else local
        to_location = child(location, relative.as_posix()) if relative != Path() else location
        put_file(from_path, to_location)


def put_file(source: str | os.PathLike[str], location: str) -> None:
    """Copy one local file to `location`, streamed."""
    if not is_remote(location):
        target = Path(location)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
        shutil.copyfile(source, partial)
        partial.replace(target)
        return
    fs, path = filesystem(location)
    fs.put_file(str(source), path)


def download(location: str, destination: str | os.PathLike[str]) -> Path:
    """Copy the file or folder at `location` into the local `destination`, streamed."""
    target = Path(destination)
    if not is_dir(location):
        get_file(location, target)
        return target
    for relative in walk_files(location):
        get_file(child(location, relative), target / relative)
    target.mkdir(parents=True, exist_ok=True)
    return target


def get_file(location: str, destination: str | os.PathLike[str]) -> None:
    """Copy one file at `location` to the local path `destination`, streamed."""
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not is_remote(location):
        shutil.copyfile(location, target)
        return
    fs, path = filesystem(location)
    fs.get_file(path, str(target))


def copy(source: str, destination: str) -> None:
    """Copy a file or folder between any two locations (local or remote), file by file."""
    if not is_remote(source):
        upload(source, destination)
        return
    if not is_remote(destination):
        download(source, destination)
        return
    files = list(walk_files(source)) if is_dir(source) else [""]
    for relative in files:
        with (
            open_file(child(source, relative), "rb") as reader,
            open_file(child(destination, relative), "wb") as writer,
        ):
            while chunk := reader.read(COPY_CHUNK_BYTES):
                writer.write(chunk)


def local_copy(location: str, key: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """A local folder with the files of `location`: the folder itself when local, else a copy
    downloaded once into `<data dir>/cache/artifacts/<digest>` (`key` names the content, e.g.
    a model's pinned hash, so a changed object under the same location downloads again).
    The copy is made aside and renamed: a reader never sees half of it. The caller checks what
    it reads (hashes); whoever can write the cache folder can write the data dir anyway."""
    if not is_remote(location):
        return Path(location)
    digest = hashlib.sha256(f"{location}\n{key}".encode()).hexdigest()[:32]
    cache = resolve_data_dir(data_dir) / "cache" / "artifacts"
    target = cache / digest
    if target.is_dir():
        return target
    partial = cache / f".{digest}.{uuid.uuid4().hex[:8]}.partial"
    try:
        download(location, partial)
        try:
            partial.replace(target)
        except OSError:  # another process made it first
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _local_files(folder: Path) -> list[Path]:
    resolved = folder.resolve()
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and resolved in path.resolve().parents:
            found.append(path.relative_to(folder))
    return found
