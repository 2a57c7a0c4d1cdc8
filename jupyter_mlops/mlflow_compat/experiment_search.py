"""MLflow's experiment search, evaluated on the workbench's experiments (few rows: filtered and
sorted in Python). The filter is MLflow's: `name`, `creation_time`, `last_update_time` and
`experiment_id` comparisons and `tags.KEY` comparisons (`=`, `!=`, `LIKE`, `ILIKE`) joined by
AND (`=`, `!=`, `<`, `<=`, `>`, `>=`, `LIKE`, `ILIKE`); an experiment without the tag fails it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..tracking.entities import Experiment
from ..tracking.search_syntax import tokenize
from .errors import INVALID_PARAMETER_VALUE, MlflowError

_EXPERIMENT_FIELDS = {
    "name": "name",
    "experiment_id": "experiment_id",
    "creation_time": "creation_time",
    "last_update_time": "last_update_time",
}


def _experiment_field(text: str) -> str | None:
    """The experiment attribute a filter or order identifier names; None for a tag."""
    lowered = text.lower()
    for prefix in ("attributes.", "attribute.", "attr."):
        if lowered.startswith(prefix):
            lowered = lowered[len(prefix) :]
    if lowered.startswith(("tags.", "tag.")):
        return None
    field = _EXPERIMENT_FIELDS.get(lowered.strip('`"'))
    if field is None:
        raise MlflowError(
            f"Invalid attribute key {text!r} in experiment search: use name, creation_time, "
            "last_update_time or tags.KEY",
            INVALID_PARAMETER_VALUE,
            "filter",
        )
    return field


def _like(pattern: str, text: str, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    return re.fullmatch(regex, text, flags) is not None


def _compare(left: str | int, op: str, right: str | int) -> bool:
    if op in ("LIKE", "ILIKE"):
        return _like(str(right), str(left), op == "ILIKE")
    if op in ("=", "=="):
        return left == right
    if op in ("!=", "<>"):
        return left != right
    if isinstance(left, int) != isinstance(right, int):
        return False
    ordered = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}  # type: ignore[operator]
    return ordered[op]


def _tag_key(text: str) -> str:
    """The key of a `tags.KEY` identifier (quoted with backticks or quotes, or bare)."""
    key = text.split(".", 1)[1]
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "`\"'":
        key = key[1:-1]
    return key


def experiment_matches(
    experiment: Experiment, text: str | None, tags: Mapping[str, str] | None = None
) -> bool:
    """Whether an experiment (with its `tags`) passes an MLflow experiment filter (clauses
    joined by AND)."""
    if not text or not text.strip():
        return True
    tokens = tokenize(text)
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token.kind == "and":
            clauses.append([])
        else:
            clauses[-1].append(token.text if token.kind != "like" else "LIKE")
    for clause in clauses:
        if len(clause) != 3:
            raise MlflowError(
                f"Invalid filter {text!r}: expected KEY OPERATOR VALUE joined by AND",
                INVALID_PARAMETER_VALUE,
                "filter",
            )
        key, op, raw = clause
        op = op.upper()
        field = _experiment_field(key)
        value: str | int
        if raw[:1] in "'\"":
            value = raw[1:-1].replace("''", "'")
        else:
            try:
                value = int(raw)
            except ValueError:
                raise MlflowError(
                    f"Invalid value {raw!r} in experiment filter", INVALID_PARAMETER_VALUE, "filter"
                ) from None
        if field is None:
            if op not in ("=", "==", "!=", "<>", "LIKE", "ILIKE") or raw[:1] not in "'\"":
                raise MlflowError(
                    f"Invalid tag comparison in {text!r}: use =, !=, LIKE or ILIKE with a string",
                    INVALID_PARAMETER_VALUE,
                    "filter",
                )
            tag = (tags or {}).get(_tag_key(key))
            if tag is None or not _compare(tag, op, value):
                return False
            continue
        current: str | int = getattr(experiment, field)
        if field == "experiment_id":
            current = str(current)
            value = str(value)
        if not _compare(current, op, value):
            return False
    return True


def order_experiments(experiments: list[Experiment], order_by: Sequence[str]) -> list[Experiment]:
    """Experiments in MLflow's order: the clauses given, then newest first, then by id."""
    ordered = sorted(experiments, key=lambda e: int(e.experiment_id))
    ordered.sort(key=lambda e: e.creation_time, reverse=True)
    for clause in reversed(order_by):
        parts = clause.split()
        field = _experiment_field(parts[0]) if parts else None
        if field is None or len(parts) > 2:
            raise MlflowError(
                f"Invalid order_by clause {clause!r}", INVALID_PARAMETER_VALUE, "order_by"
            )
        descending = len(parts) == 2 and parts[1].upper() == "DESC"

        def key(e: Experiment, field: str = field) -> str | int:
            value = getattr(e, field)
            return int(value) if field == "experiment_id" else value

        ordered.sort(key=key, reverse=descending)
    return ordered
