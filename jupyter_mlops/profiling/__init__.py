"""Data profiling: the profile of a pandas or Dask frame, or a CSV/Parquet file, as data.

`profile(data)` returns a `Profile` (JSON round-trippable, displayed as a widget in a notebook);
`compare_profiles(a, b)` sets two side by side; `Profile.save(name)`, `load_profile(name)` and
`list_profiles()` keep them in the store (drift baselines load them from there).
"""

from .api import profile
from .compare import ProfileComparison, compare_profiles
from .model import Alert, ColumnProfile, Correlations, Histogram, Profile
from .store import ProfileSummary, delete_profile, list_profiles, load_profile

__all__ = [
    "Alert",
    "ColumnProfile",
    "Correlations",
    "Histogram",
    "Profile",
    "ProfileComparison",
    "ProfileSummary",
    "compare_profiles",
    "delete_profile",
    "list_profiles",
    "load_profile",
    "profile",
]
