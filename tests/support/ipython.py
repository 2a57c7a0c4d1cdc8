"""IPython's one global test shell, with the extension loaded, for every magics test module."""

from __future__ import annotations

from typing import Any


def ipython_shell() -> Any:
    """The global test shell (created on first use) with `jupyter_mlops` loaded.

    `globalipapp.start_ipython()` answers None after its first call; `globalipapp.get_ipython`
    always returns the shell, whichever module asked first.
    """
    from IPython.testing import globalipapp

    shell = globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "jupyter_mlops")
    return shell
