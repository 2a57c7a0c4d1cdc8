"""`jupyter-mlops status` and `jupyter-mlops openapi`."""

from __future__ import annotations

from typing import Any

from .commands import OPENAPI, STATUS


def register(commands: Any) -> None:
    """Add `jupyter-mlops status` and `jupyter-mlops openapi` (CLI only: a build step)."""
    STATUS.add_to_cli(commands)
    OPENAPI.add_to_cli(commands)
