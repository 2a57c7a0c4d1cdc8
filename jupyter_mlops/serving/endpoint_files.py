"""An endpoint's private folder, `<data dir>/serving/endpoints/<name>/`: its bearer token and log.

The folders are 0700 and the files 0600, whatever the umask, so other local users can read
neither the token nor the log. A token is replaced atomically (a new 0600 file renamed over the
old one): an endpoint process re-reading it never sees half a token.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENDPOINTS_FOLDER = Path("serving") / "endpoints"
TOKEN_FILE = "token"
LOG_FILE = "endpoint.log"


def endpoint_folder(data_dir: Path, name: str, create: bool = False) -> Path:
    """The endpoint's folder; `create` makes it (and `serving/endpoints`) private (0700)."""
    folder = Path(data_dir) / ENDPOINTS_FOLDER / name
    if create:
        private_folder(folder.parent)
        private_folder(folder)
    return folder


def private_folder(path: Path) -> Path:
    """`path` made (with its parents) and private (0700), whatever the umask; returned."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)  # mkdir's mode is masked by the umask and ignored if it exists
    return path


def open_private_log(path: Path) -> int:
    """An append descriptor on the log `path`, created if missing, 0600 whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(descriptor, 0o600)
    return descriptor


def token_path(data_dir: Path, name: str) -> Path:
    """Where the endpoint's bearer token is kept."""
    return endpoint_folder(data_dir, name) / TOKEN_FILE


def read_token(data_dir: Path, name: str) -> str | None:
    """The endpoint's bearer token, or None when it has none (started without auth)."""
    try:
        return token_path(data_dir, name).read_text().strip() or None
    except FileNotFoundError:
        return None


def write_token(data_dir: Path, name: str) -> str:
    """Give the endpoint a new random bearer token (replacing any old one); return it."""
    folder = endpoint_folder(data_dir, name, create=True)
    token = secrets.token_urlsafe(32)
    scratch = folder / f".{TOKEN_FILE}.{secrets.token_hex(4)}"
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token)
    os.replace(scratch, folder / TOKEN_FILE)
    return token


def open_log(data_dir: Path, name: str) -> tuple[int, Path]:
    """An append descriptor on the endpoint's log (0600) and the log's path."""
    path = endpoint_folder(data_dir, name, create=True) / LOG_FILE
    return open_private_log(path), path
