"""Data profiling: the profile of a pandas or Dask frame, or a CSV/Parquet file, as data.

`profile(data)` returns a `Profile` (JSON round-trippable data; displayed as a widget in a
notebook); `compare_profiles(a, b)` sets two side by side; `save_profile`, `load_profile` and
`list_profiles` keep them in the store (drift baselines load them from there); `profile_report`
writes a standalone HTML report.

Names are imported on first use: importing this package (the server does, and so does every
import of its modules) loads no pandas, numpy, Dask or plotly.
"""

from __future__ import annotations

import importlib
from typing import Any

from .display import register as _register_display

_NAMES = {
    "Alert": "entities",
    "ColumnProfile": "entities",
    "Correlations": "entities",
    "Histogram": "entities",
    "MissingMatrix": "entities",
    "Profile": "entities",
    "SampleRows": "entities",
    "ColumnComparison": "compare",
    "ProfileComparison": "compare",
    "compare_profiles": "compare",
    "ProfileSummary": "store",
    "delete_profile": "store",
    "list_profiles": "store",
    "load_profile": "store",
    "save_profile": "store",
    "profile": "api",
    "profile_report": "report",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return __all__


# A kernel shows profiles and comparisons as widgets: hook them into IPython's display.
_register_display()
