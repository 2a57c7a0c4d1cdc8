"""How a drift report shows in a notebook: an IPython formatter registered by type name.

`drift.DriftReport` is data and imports no rendering; this adapter teaches IPython to draw it
as `charts.drift_figure` (plotly), with its one-line summary as the text. It is registered when
`jupyter_mlops.monitoring` is imported inside an IPython shell (by type name, so plotly is
imported only when a report is displayed).
"""

from __future__ import annotations

from typing import Any

from ..core.display_hooks import register_by_name

_TYPES = (("jupyter_mlops.monitoring.drift", "DriftReport"),)


def register(shell: Any = None) -> bool:
    """Hook the drift view into `shell` (default: the running IPython shell, if any);
    idempotent. Returns whether a shell was found."""
    return register_by_name(_TYPES, mimebundle, shell)


def mimebundle(report: Any) -> dict[str, Any]:
    """The report's plotly figure (reference and current overlaid, drifted columns first) and
    its summary line as text."""
    from .charts import drift_figure

    bundle: dict[str, Any] = drift_figure(report)._repr_mimebundle_()
    bundle["text/plain"] = repr(report)
    return bundle
