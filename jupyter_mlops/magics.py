"""The `%mlops` line magic: one entry point whose subcommands the capabilities register.

Argument errors raise IPython's `UsageError` (one line, no traceback, stops "Run All");
errors from the services are `MLOpsError`, which also render as one line.
"""

from __future__ import annotations

import importlib
import importlib.util
import shlex
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from .capabilities import installed_capabilities
from .core.subcommands import CommandUsageError, HelpShown, SubcommandRegistry


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
        except HelpShown:
            return None
        try:
            return args._run(args, self.shell)
        except CommandUsageError as exc:  # `usage_error`: IPython's one line in a notebook
            raise UsageError(str(exc)) from None


def load_magics(ipython: Any) -> SubcommandRegistry:
    """Register `%mlops` with `ipython`, with every available capability's subcommands."""
    registry = SubcommandRegistry()
    for capability in installed_capabilities():
        module_name = f"{capability.package}.magics"
        if importlib.util.find_spec(capability.package) is None:
            continue
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(registry, ipython)
    ipython.register_magics(MLOpsMagics(ipython, registry))
    return registry
