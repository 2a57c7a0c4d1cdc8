"""Variables a server puts in its own environment for the processes it starts, undone at stop.

The server exports its store, data dir, artifact root and link (URL, token) so that kernels,
jobs and endpoints it starts use the same ones. At stop it puts back what was there before, but
only for a variable that still holds what the server set: a variable someone changed since (a
host application, a test's monkeypatch already undone) is theirs and is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


class ExportedEnvironment:
    """What one server set in `os.environ`, and what each variable held before."""

    def __init__(self) -> None:
        self._before: dict[str, str | None] = {}
        self._set: dict[str, str | None] = {}

    def update(self, values: Mapping[str, str | None]) -> None:
        """Set each variable (None: remove it), remembering its first previous value."""
        for name, value in values.items():
            self._before.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
            self._set[name] = value

    def restore(self) -> None:
        """Put back the previous values of the variables that still hold what was set."""
        for name, before in self._before.items():
            if os.environ.get(name) != self._set.get(name):
                continue
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before
