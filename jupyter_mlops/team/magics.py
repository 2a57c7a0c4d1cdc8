"""`%mlops audit`."""

from __future__ import annotations

from typing import Any

from ..core.subcommands import SubcommandRegistry
from .commands import AUDIT


def register(registry: SubcommandRegistry, ipython: Any) -> None:
    """Add `%mlops audit`."""
    registry.add(AUDIT)
