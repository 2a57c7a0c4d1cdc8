"""A task for the credentials tests: which of the given variables its process inherited."""

from __future__ import annotations

import os
from collections.abc import Callable


def report(progress: Callable[[float], None], names: list[str]) -> dict[str, bool]:
    """For each name, whether the task process's environment holds it."""
    return {name: name in os.environ for name in names}
