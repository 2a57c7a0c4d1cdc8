"""Subcommands that `%mlops` and the `jupyter-mlops` CLI both dispatch to.

A capability declares a `Subcommand` once (its arguments and what to run) and registers it in
a `SubcommandRegistry` (`%mlops NAME`) and, where the command makes sense outside a notebook,
in the CLI too with `add_to_cli` (`jupyter-mlops NAME`, the same arguments; `shell` is None
there). `%mlops status` and `jupyter-mlops status` are one `Subcommand` (`health/commands.py`).

In a notebook, argument errors raise IPython's `UsageError` (one line, no traceback, stops
"Run All"); errors from the services are `MLOpsError`, which also render as one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from IPython.core.error import UsageError


class MagicArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors as one-line `UsageError`s instead of exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise a one-line `UsageError` naming the problem."""
        raise UsageError(f"{self.prog}: {message} (see %mlops --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Stop parsing; reached after --help printed the help, which is not an error."""
        if message:
            raise UsageError(message.strip())
        raise HelpShown


class HelpShown(Exception):
    """`--help` printed the help: stop quietly, this is not an error."""


@dataclass(frozen=True)
class Subcommand:
    """`%mlops NAME ...`: how to declare its arguments and what to run."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Any], Any]

    def add_to_cli(self, commands: Any) -> argparse.ArgumentParser:
        """Add this as `jupyter-mlops NAME` to the CLI's subparsers action `commands`.

        The command runs with `shell=None`; it exits 0, or the int `run` returns.
        """
        parser: argparse.ArgumentParser = commands.add_parser(
            self.name, help=self.help, description=self.help
        )
        self.configure(parser)

        def func(args: argparse.Namespace) -> int:
            result = self.run(args, None)
            return result if isinstance(result, int) and not isinstance(result, bool) else 0

        parser.set_defaults(func=func)
        return parser


class SubcommandRegistry:
    """The subcommands of `%mlops`, filled by each capability's `magics.register`."""

    def __init__(self) -> None:
        self._subcommands: dict[str, Subcommand] = {}

    def add(self, subcommand: Subcommand) -> None:
        """Register `subcommand`; names are unique."""
        if subcommand.name in self._subcommands:
            raise ValueError(f"%mlops {subcommand.name} is registered twice")
        self._subcommands[subcommand.name] = subcommand

    def parser(self) -> MagicArgumentParser:
        """The argument parser for a whole `%mlops` line."""
        parser = MagicArgumentParser(prog="%mlops", description="jupyter-mlops in a notebook.")
        commands = parser.add_subparsers(
            dest="command", metavar="COMMAND", parser_class=MagicArgumentParser
        )
        commands.required = True
        for subcommand in self._subcommands.values():
            sub = commands.add_parser(
                subcommand.name, help=subcommand.help, description=subcommand.help
            )
            subcommand.configure(sub)
            sub.set_defaults(_run=subcommand.run)
        return parser
