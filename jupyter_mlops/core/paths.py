"""Whether a file system could hold a path a request names, checked before any system call.

A segment longer than the file system allows makes `stat` fail with ENAMETOOLONG, which
`Path.exists()` raises instead of answering False: every route that turns user input into a
file path checks it here first (a 400 naming the field), and treats an OSError the walk still
meets (a file system with lower limits) the same way.
"""

from __future__ import annotations

# Longest file name (one path segment) in bytes on the usual file systems, and longest path.
MAX_SEGMENT_BYTES = 255
MAX_PATH_BYTES = 4096


def check_path(path: str) -> str:
    """`path` if a file system could hold it; a ValueError saying why not otherwise."""
    if "\x00" in path:
        raise ValueError("a path cannot contain a NUL byte")
    try:
        encoded = path.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a path cannot contain a lone surrogate") from None
    if len(encoded) > MAX_PATH_BYTES:
        raise ValueError(f"a path has at most {MAX_PATH_BYTES} bytes")
    for segment in path.replace("\\", "/").split("/"):
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise ValueError(f"a file or folder name has at most {MAX_SEGMENT_BYTES} bytes")
    return path


def shown_path(path: str, limit: int = 80) -> str:
    """`path` quoted for an error message, its middle cut when long (with its length)."""
    if len(path) <= limit:
        return repr(path)
    half = limit // 2
    return f"{path[:half]!r}...{path[-half:]!r} ({len(path.encode('utf-8', 'replace'))} bytes)"
