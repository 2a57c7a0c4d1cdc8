"""The profiling capability's server settings: `c.ProfilingSettings.<name>` in the server's
Jupyter config (a configurable of its own, so the setting lives beside the code that reads it)."""

from __future__ import annotations

from typing import Any

from traitlets import Int
from traitlets.config import Configurable

from .jobs import SMALL_FILE_BYTES


class ProfilingSettings(Configurable):
    """How the server profiles files for the Lab."""

    small_file_bytes = Int(
        SMALL_FILE_BYTES,
        min=0,
        help="Files of at most this many bytes are profiled in the server's thread pool (the "
        "Lab shows them at once); larger ones by the jobs runner in a task process, with "
        "progress. 0 sends every file to the runner.",
    ).tag(config=True)


def profiling_settings(serverapp: Any) -> ProfilingSettings:
    """The settings as the server's config sets them."""
    return ProfilingSettings(config=getattr(serverapp, "config", None))
