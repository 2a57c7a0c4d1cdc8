"""Which of the six column types a column is, from its kind and its statistics.

numeric, categorical, boolean, datetime, text (free-form strings) and id-like (a value per row:
keys, UUIDs, counters). The rules are simple on purpose, so a user can predict them:

- booleans (and object columns holding only True/False) are boolean; datetimes are datetime;
- integers with exactly two distinct values (a 0/1 flag or target) are boolean;
- integers that are all present, all distinct, and at least `MIN_ID_ROWS` are id-like;
- strings all distinct (>= `MIN_ID_ROWS`), short and without spaces are id-like;
- strings long on average (>= `TEXT_MEAN_LENGTH`), or mostly distinct and mostly containing
  spaces, are text; other strings and objects are categorical.
"""

from __future__ import annotations

from dataclasses import dataclass

from .entities import ColumnType

MIN_ID_ROWS = 20
TEXT_MEAN_LENGTH = 40
# With approximate distinct counts, "all distinct" means within the estimate's error.
APPROXIMATE_UNIQUE_SHARE = 0.98


@dataclass(frozen=True)
class TypeEvidence:
    """What the type rules look at."""

    kind: str
    integer: bool
    count: int
    n_missing: int
    n_distinct: int
    distinct_is_approximate: bool
    value_types: dict[str, int]
    mean_length: float | None
    space_share: float


def _all_distinct(evidence: TypeEvidence) -> bool:
    if evidence.count < MIN_ID_ROWS:
        return False
    if evidence.distinct_is_approximate:
        return evidence.n_distinct >= APPROXIMATE_UNIQUE_SHARE * evidence.count
    return evidence.n_distinct == evidence.count


def infer_type(evidence: TypeEvidence) -> ColumnType:
    """The column type of a column with this evidence."""
    if evidence.kind == "boolean":
        return "boolean"
    if evidence.kind == "datetime":
        return "datetime"
    if evidence.kind == "numeric":
        if evidence.integer and evidence.n_distinct == 2 and not evidence.distinct_is_approximate:
            return "boolean"  # a 0/1 flag or target
        if evidence.integer and evidence.n_missing == 0 and _all_distinct(evidence):
            return "id-like"
        return "numeric"
    if evidence.value_types and set(evidence.value_types) == {"boolean"}:
        return "boolean"
    mean_length = evidence.mean_length or 0.0
    if _all_distinct(evidence) and mean_length < TEXT_MEAN_LENGTH and evidence.space_share < 0.1:
        return "id-like"
    if mean_length >= TEXT_MEAN_LENGTH:
        return "text"
    distinct_share = evidence.n_distinct / evidence.count if evidence.count else 0.0
    if distinct_share > 0.5 and evidence.space_share > 0.5 and evidence.count >= MIN_ID_ROWS:
        return "text"
    return "categorical"
