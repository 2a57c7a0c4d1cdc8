"""Subcommands that `%mlops` and the `jupyter-mlops` CLI both dispatch to.

A capability declares each command once, as a `Subcommand` (its name, help, arguments and
what to run), in its `commands.py`. It registers it in a `SubcommandRegistry` (`%mlops NAME`)
and, where the command makes sense outside a notebook, in the CLI too with `add_to_cli`
(`jupyter-mlops NAME`, the same arguments; `shell` is None there). `%mlops status` and
`jupyter-mlops status` are one `Subcommand` (`health/commands.py`). A command with actions
(`jupyter-mlops jobs create|list|...`) is a `Subcommand.group` of `Subcommand`s.

Bad input is a one-line usage error in both: in a notebook IPython's `UsageError` (one line,
no traceback, stops "Run All"), on the command line one line on stderr and exit status 2.
Checks that argparse cannot express raise `usage_error(args, message)`, a `CommandUsageError`
of our own (the command line does not import IPython: half a second), which both turn into
that line (`%mlops` raises it again as IPython's `UsageError`). Errors from the services are
`MLOpsError`, which also render as one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn


class CommandUsageError(Exception):
    """A one-line usage error of a command (`usage_error`): `jupyter-mlops` prints it and
    exits 2, `%mlops` raises it as IPython's `UsageError`."""


class MagicArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors as one-line `UsageError`s instead of exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise a one-line `UsageError` naming the problem."""
        # Imported here: only a notebook (IPython already loaded) parses with this class.
        from IPython.core.error import UsageError

        raise UsageError(f"{self.prog}: {message} (see %mlops --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Stop parsing; reached after --help printed the help, which is not an error."""
        if message:
            from IPython.core.error import UsageError

            raise UsageError(message.strip())
        raise HelpShown


class CommandLineParser(argparse.ArgumentParser):
    """argparse for `jupyter-mlops`: a usage error is one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print `PROG: message (see PROG --help)` and exit 2 (argparse's usage status)."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class HelpShown(Exception):
    """`--help` printed the help: stop quietly, this is not an error."""


def usage_error(args: argparse.Namespace, message: str) -> CommandUsageError:
    """A one-line usage error for a check argparse cannot express, named after the command
    (`%mlops cluster scale: ...` in a notebook, `jupyter-mlops export: ...` in a shell)."""
    prog = getattr(args, "_prog", None) or "jupyter-mlops"
    return CommandUsageError(f"{prog}: {message}")


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command without arguments of its own."""


@dataclass(frozen=True)
class Subcommand:
    """`%mlops NAME ...` / `jupyter-mlops NAME ...`: its arguments and what to run.

    `run(args, shell)` gets the parsed arguments and the IPython shell (None on the command
    line, where an int it returns is the exit status). A group (`children`) runs nothing
    itself: it adds its children as actions (`jobs create`, `jobs list`, ...).
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None] = _no_arguments
    run: Callable[[argparse.Namespace, Any], Any] | None = None
    children: tuple[Subcommand, ...] = ()
    description: str | None = None

    @classmethod
    def group(cls, name: str, help: str, *children: Subcommand) -> Subcommand:
        """A command whose actions are `children` (`NAME ACTION ...`)."""
        return cls(name, help, children=children)

    def attach(self, commands: Any) -> argparse.ArgumentParser:
        """Add this command to the subparsers action `commands` (the magic's or the CLI's);
        parse results carry `_run` (what to call) and `_prog` (the command's name)."""
        parser: argparse.ArgumentParser = commands.add_parser(
            self.name, help=self.help, description=self.description or self.help
        )
        self.configure(parser)
        if self.children:
            actions = parser.add_subparsers(
                dest=f"{self.name.replace('-', '_')}_command", metavar="ACTION", required=True
            )
            for child in self.children:
                child.attach(actions)
        else:
            if self.run is None:
                raise ValueError(f"{self.name} has neither run nor children")
            parser.set_defaults(_run=self.run, _prog=parser.prog)
        return parser

    def add_to_cli(self, commands: Any) -> argparse.ArgumentParser:
        """Add this as `jupyter-mlops NAME` to the CLI's subparsers action `commands`.

        The command runs with `shell=None`; it exits 0, or the int `run` returns.
        """
        parser = self.attach(commands)
        parser.set_defaults(func=run_from_cli)
        return parser


def run_from_cli(args: argparse.Namespace) -> int:
    """Run the parsed command with `shell=None`: 0, or the int its `run` returned."""
    result = args._run(args, None)
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


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
            subcommand.attach(commands)
        return parser
