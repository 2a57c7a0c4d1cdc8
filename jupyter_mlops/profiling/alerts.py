"""Alerts: pure rules over a profile's columns that point at what needs a look.

Kinds: constant, high_missing, high_cardinality, likely_id, skewed, imbalanced, mixed_types,
infinite (per column) and duplicate_rows (the table). Thresholds are in `AlertThresholds`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .entities import Alert, ColumnProfile

ALERT_KINDS = (
    "constant",
    "high_missing",
    "high_cardinality",
    "likely_id",
    "skewed",
    "imbalanced",
    "mixed_types",
    "infinite",
    "duplicate_rows",
)


@dataclass(frozen=True)
class AlertThresholds:
    """When each alert fires."""

    missing_share: float = 0.2
    distinct_categories: int = 50
    skewness: float = 2.0
    top_value_share: float = 0.9
    # A flag (or a binary target) is imbalanced sooner than a category.
    boolean_majority_share: float = 0.8


def find_alerts(
    columns: dict[str, ColumnProfile],
    n_rows: int,
    n_duplicate_rows: int | None,
    thresholds: AlertThresholds = AlertThresholds(),
) -> list[Alert]:
    """Every alert for a table of `n_rows` rows with these column profiles."""
    alerts: list[Alert] = []
    if n_duplicate_rows:
        share = n_duplicate_rows / n_rows
        alerts.append(
            Alert(
                None, "duplicate_rows", f"{n_duplicate_rows:,} duplicate rows ({share:.1%})", share
            )
        )
    for name, column in columns.items():
        alerts.extend(_column_alerts(name, column, n_rows, thresholds))
    return alerts


def _column_alerts(
    name: str, column: ColumnProfile, n_rows: int, thresholds: AlertThresholds
) -> Iterator[Alert]:
    distinct = column.n_distinct or 0
    if n_rows and distinct <= 1:
        if column.count == 0:
            detail = "every value is missing"
        else:
            value = column.top_values[0][0] if column.top_values else column.min
            detail = f"a single value: {value!r}"
        yield Alert(name, "constant", detail, float(distinct))
    share = column.missing_share
    if n_rows and share >= thresholds.missing_share:
        yield Alert(name, "high_missing", f"{share:.1%} of values are missing", share)
    if column.type == "categorical" and distinct > thresholds.distinct_categories:
        about = "about " if column.distinct_is_approximate else ""
        yield Alert(
            name, "high_cardinality", f"{about}{distinct:,} distinct values", float(distinct)
        )
    if column.type == "id-like":
        yield Alert(name, "likely_id", "every value is distinct: likely an identifier", 1.0)
    if column.skewness is not None and abs(column.skewness) >= thresholds.skewness:
        yield Alert(name, "skewed", f"skewness {column.skewness:.2f}", column.skewness)
    if column.type in ("categorical", "boolean") and distinct >= 2 and column.top_values:
        top_value, top_count = column.top_values[0]
        top_share = top_count / column.count if column.count else 0.0
        limit = (
            thresholds.boolean_majority_share
            if column.type == "boolean"
            else thresholds.top_value_share
        )
        if top_share >= limit:
            yield Alert(
                name,
                "imbalanced",
                f"{top_value!r} is {top_share:.1%} of the values",
                top_share,
            )
    if column.value_types and len(column.value_types) > 1:
        kinds = ", ".join(f"{kind} ({count:,})" for kind, count in column.value_types.items())
        yield Alert(name, "mixed_types", f"values of several types: {kinds}", None)
    if column.n_infinite:
        yield Alert(
            name, "infinite", f"{column.n_infinite:,} infinite values", float(column.n_infinite)
        )
