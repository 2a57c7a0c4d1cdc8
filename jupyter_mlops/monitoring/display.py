"""How a drift report shows in a notebook: an IPython formatter registered by type name.

`drift.DriftReport` is data and imports no rendering; this adapter teaches IPython to draw it
as `charts.drift_figure` (plotly), with its one-line summary as the text. It is registered when
`jupyter_mlops.monitoring` is imported inside an IPython shell (by type name, so plotly is
imported only when a report is displayed).
"""

from __future__ import annotations

import sys
from typing import Any

_TYPES = (("jupyter_mlops.monitoring.drift", "DriftReport"),)


def register(shell: Any = None) -> bool:
    """Hook the drift view into `shell` (default: the running IPython shell, if any);
    idempotent. Returns whether a shell was found."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    formatter = shell.display_formatter.mimebundle_formatter
    for module, name in _TYPES:
        formatter.for_type_by_name(module, name, mimebundle)
    return True


def mimebundle(report: Any) -> dict[str, Any]:
    """The report's plotly figure (reference and current overlaid, drifted columns first) and
    its summary line as text."""
    from .charts import drift_figure

    bundle: dict[str, Any] = drift_figure(report)._repr_mimebundle_()
    bundle["text/plain"] = repr(report)
    return bundle
