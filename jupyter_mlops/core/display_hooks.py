"""IPython formatters registered by type name, so a capability's data modules import no
rendering and the renderer's libraries load only when a value is displayed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any


def register_by_name(
    types: Iterable[tuple[str, str]], mimebundle: Callable[[Any], dict[str, Any]], shell: Any = None
) -> bool:
    """Show values of `types` ((module, class name) pairs) with `mimebundle` in `shell`
    (default: the running IPython shell, if any); idempotent. Returns whether a shell was found."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    formatter = shell.display_formatter.mimebundle_formatter
    for module, name in types:
        formatter.for_type_by_name(module, name, mimebundle)
    return True
