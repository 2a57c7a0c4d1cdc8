"""`jupyter-mlops status`."""

from __future__ import annotations

from typing import Any

from .commands import STATUS


def register(commands: Any) -> None:
    """Add `jupyter-mlops status`."""
    STATUS.add_to_cli(commands)
