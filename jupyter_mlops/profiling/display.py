"""How profiles and comparisons show in a notebook: IPython formatters registered by type name.

The data classes (`entities.Profile`, `compare.ProfileComparison`) know nothing of widgets or
HTML; this adapter teaches IPython to draw them. It is registered when `jupyter_mlops.profiling`
is imported inside an IPython shell (by type name, so nothing heavy is imported until a profile
is displayed).
"""

from __future__ import annotations

import contextlib
from typing import Any

from ..core.display_hooks import register_by_name

_TYPES = (
    ("jupyter_mlops.profiling.entities", "Profile"),
    ("jupyter_mlops.profiling.compare", "ProfileComparison"),
)


def register(shell: Any = None) -> bool:
    """Hook the views into `shell` (default: the running IPython shell, if any); idempotent.

    Returns whether a shell was found.
    """
    return register_by_name(_TYPES, mimebundle, shell)


def mimebundle(value: Any) -> dict[str, Any]:
    """The widget where a widget manager runs (JupyterLab), static HTML elsewhere (nbconvert,
    GitHub), and one line of text in a terminal."""
    from .compare import ProfileComparison
    from .report import comparison_html, summary_html

    bundle: dict[str, Any] = {}
    if isinstance(value, ProfileComparison):
        from .widget import ComparisonWidget

        widget: Any = ComparisonWidget
        html = comparison_html(value)
    else:
        from .widget import ProfileWidget

        widget = ProfileWidget
        html = summary_html(value)
    # Without a kernel (plain Python) there is no widget; the static views still work.
    with contextlib.suppress(Exception):
        bundle.update(widget(value)._repr_mimebundle_() or {})
    bundle.update({"text/plain": repr(value), "text/html": html})
    return bundle
