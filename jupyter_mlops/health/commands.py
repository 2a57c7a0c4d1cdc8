"""`status`: one subcommand for `%mlops status` and `jupyter-mlops status`."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.subcommands import Subcommand


def _status(args: argparse.Namespace, shell: Any) -> None:
    from .service import format_health, status

    print(format_health(status()))


STATUS = Subcommand(
    "status",
    "Show the version, the store, its schema and the capabilities.",
    lambda parser: None,
    _status,
)
