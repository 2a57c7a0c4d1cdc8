"""`%mlops schedule NOTEBOOK --cron ... -p key=value` and `%mlops run NOTEBOOK -p key=value`
(`commands.py`: `schedule` takes the arguments of `jupyter-mlops jobs create`)."""

from __future__ import annotations

from typing import Any

from ..core.subcommands import SubcommandRegistry
from .commands import RUN, SCHEDULE


def register(registry: SubcommandRegistry, ipython: Any) -> None:
    """Add `%mlops schedule` and `%mlops run`."""
    registry.add(SCHEDULE)
    registry.add(RUN)
