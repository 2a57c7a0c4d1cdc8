"""`jupyter-mlops run`, `jupyter-mlops jobs ...` and `jupyter-mlops scheduler` (`commands.py`)."""

from __future__ import annotations

from typing import Any

from .commands import JOBS, RUN, SCHEDULER


def register(commands: Any) -> None:
    """Add `run`, `jobs` and `scheduler` to the `jupyter-mlops` parser."""
    for command in (RUN, JOBS, SCHEDULER):
        command.add_to_cli(commands)
