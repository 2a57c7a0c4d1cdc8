"""`%mlops status`."""

from __future__ import annotations

from typing import Any

from ..core.subcommands import SubcommandRegistry
from .commands import STATUS


def register(registry: SubcommandRegistry, ipython: Any) -> None:
    """Add `%mlops status`."""
    registry.add(STATUS)
