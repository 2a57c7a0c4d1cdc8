"""Task functions for the jobs runner tests (run in a child process)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from jupyter_mlops.core.errors import MLOpsError


def add_up(progress: Callable[[float], None], numbers: list[int]) -> dict[str, Any]:
    """Sum `numbers`, reporting progress; says whether it ran in another process."""
    progress(0.5)
    return {"total": sum(numbers), "pid": os.getpid()}


def refuse(progress: Callable[[float], None], what: str) -> None:
    """Fail with an input error naming `what`."""
    raise MLOpsError(f"refused {what}", field="what")
