"""Profiling work that runs as a task of the jobs runner (task kind `profiling.profile_file`).

The runner calls it in a child process (a small file: in the server's thread pool, through
`run_here`) with JSON keyword arguments and records its progress
and result in the store, so a profiling job survives a page reload, is listed with the other
runs, and shows as failed (not "running" forever) after a server restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def profile_file(
    progress: Callable[[float], None],
    path: str,
    target: str,
    name: str | None = None,
    sample: int | float | None = None,
    read_options: dict[str, str | None] | None = None,
    in_server: bool = False,
    engine: str = "auto",
) -> dict[str, Any]:
    """Profile the file at `target` (shown as `path`); saved under `name` when given.

    `in_server` only marks a job run in the server's thread pool (`jobs.ProfileJobs.start`);
    `engine="pandas"` reads the file whole with pandas (a small file: no Dask to import).

    Returns `{"profile_id": id or None, "profile": the profile's JSON}`.
    """
    from ..core.store import get_database
    from .api import profile_file as profile
    from .store import ProfileStore

    options = read_options or {}
    result = profile(
        target,
        engine=engine,
        sample=sample,
        on_progress=progress,
        field="path",
        label=path,
        delimiter=options.get("delimiter"),
        encoding=options.get("encoding"),
    )
    result.source = path
    if name is not None:
        result = ProfileStore(get_database()).save(result, name)
        return {"profile_id": result.id, "profile": result.to_dict()}
    return {"profile_id": None, "profile": result.to_dict()}
