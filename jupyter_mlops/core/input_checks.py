"""Checks of a job's input before its notebook runs, installed by a higher capability.

Jobs sit below evaluation in the import layers, yet a job may declare `validate:` on one of its
parameters (a data file checked against constraints before the notebook starts). Evaluation
installs the two callables here at setup; jobs calls them through this module. Where nothing is
installed, declaring `validate:` is refused and a run that declares it fails (never runs
unchecked).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import MLOpsError

# (constraints) -> None, raising a 400 MLOpsError naming `validate` when they cannot be read.
Parser = Callable[[Any], None]
# (path of the data file, constraints) -> None when valid, else the per-column report.
Checker = Callable[[str, Any], "str | None"]

_INSTALLED: dict[str, Any] = {}


def install(parse: Parser, check: Checker) -> None:
    """Make `parse` and `check` the input checks of this process (evaluation calls it)."""
    _INSTALLED["parse"] = parse
    _INSTALLED["check"] = check


def available() -> bool:
    """Whether a capability installed the input checks in this process."""
    return "check" in _INSTALLED


def parse(constraints: Any) -> None:
    """Refuse (400 naming `validate`) constraints that cannot be read, or no checks installed."""
    if not available():
        raise MLOpsError(
            "validate: this installation has no data validation (the evaluation capability)",
            field="validate",
        )
    _INSTALLED["parse"](constraints)


def check(path: str, constraints: Any) -> str | None:
    """The violations report of the file at `path` against `constraints`, None when valid."""
    if not available():
        return "validate: no data validation is installed in the process running this job"
    result: str | None = _INSTALLED["check"](path, constraints)
    return result
