"""Facts about local processes that several capabilities check (the jobs runner's dead runs,
serving's adopted endpoints)."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this pid exists on this machine (ours or another user's)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, it is just not ours to signal
        return True
    return True
