"""`jupyter-mlops audit`."""

from __future__ import annotations

from typing import Any

from .commands import AUDIT


def register(commands: Any) -> None:
    """Add `jupyter-mlops audit`."""
    AUDIT.add_to_cli(commands)
