"""`jupyter_mlops.constraints(profile)`: constraints suggested from a stored profile."""

from __future__ import annotations

from typing import Any

from ..core.errors import MLOpsError
from .constraint_set import ColumnConstraint, Constraints

MAX_CATEGORIES = 50
RANGE_MARGIN = 0.1


def constraints(
    profile: Any, range_margin: float = RANGE_MARGIN, tolerance: float = 0.01
) -> Constraints:
    """Suggest constraints from `profile`: a `Profile`, a stored profile's name or id, or a
    DataFrame (profiled first). Each column keeps its type, its completeness, its observed
    range widened by `range_margin` of its span on each side (numbers), its categories (when
    the profile saw them all, up to 50), and uniqueness (when every value was distinct).
    `tolerance` is the share of rows that may break a range or category check. Edit the
    result (`to_yaml()`) before relying on it."""
    from ..profiling import Profile

    if isinstance(profile, str):
        from ..profiling.store import load_profile

        profile = load_profile(profile)
    elif hasattr(profile, "columns") and not isinstance(profile, Profile):
        from ..profiling import profile as make_profile

        profile = make_profile(profile)
    if not isinstance(profile, Profile):
        raise MLOpsError(
            "profile must be a Profile, a stored profile's name or a frame", field="profile"
        )
    columns: dict[str, ColumnConstraint] = {}
    for name, column in profile.columns.items():
        total = column.count + column.n_missing
        suggested = ColumnConstraint(
            type=column.type,
            completeness=round(1 - column.n_missing / total, 6) if total else None,
        )
        if column.type == "numeric" and column.min is not None and column.max is not None:
            low, high = float(column.min), float(column.max)
            margin = (high - low) * range_margin
            suggested.min, suggested.max = low - margin, high + margin
        exact_top = column.top_values is not None and not column.top_values_are_approximate
        if (
            column.type in ("categorical", "boolean")
            and exact_top
            and column.n_distinct is not None
            and not column.distinct_is_approximate
            and column.n_distinct <= MAX_CATEGORIES
            and len(column.top_values or []) >= column.n_distinct
        ):
            suggested.allowed = [value for value, *_ in column.top_values or []]
        if (
            column.n_distinct is not None
            and not column.distinct_is_approximate
            and column.count > 1
            and column.n_distinct == column.count
            and column.type != "numeric"
        ):
            suggested.unique = True
        columns[str(name)] = suggested
    return Constraints(columns, list(columns), profile.name or profile.source, tolerance)
