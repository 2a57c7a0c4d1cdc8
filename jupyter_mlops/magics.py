"""The `%mlops` line magic: one entry point whose subcommands the capabilities register.

Argument errors raise IPython's `UsageError` (one line, no traceback, stops "Run All");
errors from the services are `MLOpsError`, which also render as one line.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from .capabilities import CAPABILITIES


class MagicArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors as one-line `UsageError`s instead of exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise a one-line `UsageError` naming the problem."""
        raise UsageError(f"{self.prog}: {message} (see %mlops --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Stop parsing; reached after --help printed the help, which is not an error."""
        if message:
            raise UsageError(message.strip())
        raise _HelpShown


class _HelpShown(Exception):
    pass


@dataclass(frozen=True)
class Subcommand:
    """`%mlops NAME ...`: how to declare its arguments and what to run."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Any], Any]


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


def _status_subcommand() -> Subcommand:
    def run(args: argparse.Namespace, shell: Any) -> None:
        from .health.service import format_health, status

        print(format_health(status()))

    return Subcommand(
        "status",
        "Show the version, the store, its schema and the capabilities.",
        lambda p: None,
        run,
    )


@magics_class
class MLOpsMagics(Magics):
    """Holds the `%mlops` line magic."""

    def __init__(self, shell: Any, registry: SubcommandRegistry) -> None:
        super().__init__(shell)
        self.registry = registry

    @line_magic
    def mlops(self, line: str) -> Any:
        """%mlops COMMAND [ARGS]: jupyter-mlops from a notebook; `%mlops --help` lists commands."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise UsageError(f"%mlops: {exc}") from None
        try:
            args = self.registry.parser().parse_args(words)
        except _HelpShown:
            return None
        return args._run(args, self.shell)


def load_magics(ipython: Any) -> SubcommandRegistry:
    """Register `%mlops` with `ipython`, with every available capability's subcommands."""
    registry = SubcommandRegistry()
    registry.add(_status_subcommand())
    for capability in CAPABILITIES:
        module_name = f"jupyter_mlops.{capability.name}.magics"
        if importlib.util.find_spec(f"jupyter_mlops.{capability.name}") is None:
            continue
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(registry, ipython)
    ipython.register_magics(MLOpsMagics(ipython, registry))
    return registry
