"""Turns a parsed search (`search_syntax`) into SQL over the tracking tables.

Filters on params, tags and metrics are `run_id IN (SELECT run_id ... WHERE key = ? AND
value ...)` subqueries on their `(key, value, run_id)` indexes; ordering by one is an outer
join, so runs lacking the key sort last. Everything runs in the database: paging over 10,000
runs fetches only the page's rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, not_, or_, select, true
from sqlalchemy.orm import aliased

from .search_syntax import ATTRIBUTES, BoolOp, Comparison, Identifier, Node, Number, OrderClause
from .tables import LatestMetricRow, ParamRow, RunRow, TagRow

_KEYED_TABLES: dict[str, Any] = {"metric": LatestMetricRow, "param": ParamRow, "tag": TagRow}


def _glob_pattern(like: str) -> str:
    # SQLite's LIKE ignores ASCII case; GLOB does not. Translate % and _ and escape GLOB's own.
    out = []
    for char in like:
        if char == "%":
            out.append("*")
        elif char == "_":
            out.append("?")
        elif char in "*?[":
            out.append(f"[{char}]")
        else:
            out.append(char)
    return "".join(out)


def _coerce(value: Any, kind: str) -> Any:
    if kind in ("metric", "int"):
        return value
    if kind == "bool":
        return str(value).lower() in ("true", "1")
    # params, tags and text attributes compare as text; a number literal means its own text.
    if isinstance(value, Number):
        return value.text
    return str(value)


def _compare(
    column: Any, op: str, value: Any, value_kind: str, sqlite: bool
) -> ColumnElement[bool]:
    if op == "IS NULL":
        return column.is_(None)  # type: ignore[no-any-return]
    if op == "IS NOT NULL":
        return column.is_not(None)  # type: ignore[no-any-return]
    if op in ("IN", "NOT IN"):
        items = [_coerce(item, value_kind) for item in value]
        clause = column.in_(items)
        return not_(clause) if op == "NOT IN" else clause  # type: ignore[no-any-return]
    coerced = _coerce(value, value_kind)
    if op in ("LIKE", "NOT LIKE"):
        clause = column.like(coerced)
        if sqlite:
            clause = and_(clause, column.op("GLOB")(_glob_pattern(coerced)))
        return not_(clause) if op == "NOT LIKE" else clause  # type: ignore[no-any-return]
    if op in ("ILIKE", "NOT ILIKE"):
        clause = column.ilike(coerced)
        return not_(clause) if op == "NOT ILIKE" else clause  # type: ignore[no-any-return]
    operators = {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        "<=": column.__le__,
        ">": column.__gt__,
        ">=": column.__ge__,
    }
    return operators[op](coerced)  # type: ignore[no-any-return]


def _value_kind(identifier: Identifier) -> str:
    if identifier.kind == "attribute":
        return ATTRIBUTES[identifier.key][1]
    return identifier.kind


def comparison_clause(comparison: Comparison, sqlite: bool) -> ColumnElement[bool]:
    """The SQL condition on `tracking_runs` for one comparison."""
    identifier = comparison.identifier
    kind = _value_kind(identifier)
    if identifier.kind == "attribute":
        column = getattr(RunRow, ATTRIBUTES[identifier.key][0])
        return _compare(column, comparison.op, comparison.value, kind, sqlite)
    # `run_id IN (runs whose key matches)`: the subquery reads the (key, value, run_id) index
    # once instead of probing every run, the way a correlated EXISTS would.
    table = _KEYED_TABLES[identifier.kind]
    runs_with_key = select(table.run_id).where(table.key == identifier.key)
    if comparison.op == "IS NULL":
        return ~RunRow.run_id.in_(runs_with_key)
    if comparison.op == "IS NOT NULL":
        return RunRow.run_id.in_(runs_with_key)
    condition = _compare(table.value, comparison.op, comparison.value, kind, sqlite)
    return RunRow.run_id.in_(runs_with_key.where(condition))


def filter_clause(node: Node | None, sqlite: bool) -> ColumnElement[bool]:
    """The SQL condition for a whole parsed filter (`true()` for none)."""
    if node is None:
        return true()
    if isinstance(node, BoolOp):
        parts = [filter_clause(clause, sqlite) for clause in node.clauses]
        return and_(*parts) if node.op == "AND" else or_(*parts)
    return comparison_clause(node, sqlite)


def apply_order(query: Any, clauses: list[OrderClause]) -> Any:
    """Add the ORDER BY terms, missing values last, then newest first and run id as tie-breaks."""
    terms: list[Any] = []
    for index, clause in enumerate(clauses):
        identifier = clause.identifier
        if identifier.kind == "attribute":
            column: Any = getattr(RunRow, ATTRIBUTES[identifier.key][0])
        else:
            table = aliased(_KEYED_TABLES[identifier.kind], name=f"order_{index}")
            query = query.outerjoin(
                table, and_(table.run_id == RunRow.run_id, table.key == identifier.key)
            )
            column = table.value
        terms.append(case((column.is_(None), 1), else_=0))
        terms.append(column.asc() if clause.ascending else column.desc())
    terms.extend([RunRow.start_time.desc(), RunRow.run_id.asc()])
    return query.order_by(*terms)


def experiment_clause(experiment_ids: list[int] | None) -> ColumnElement[bool]:
    """Restrict to some experiments (`None`: all of them; `[]`: none)."""
    if experiment_ids is None:
        return true()
    if not experiment_ids:
        return false()
    return RunRow.experiment_id.in_(experiment_ids)


def run_ids_query() -> Select[Any]:
    """The base query the search pages over."""
    return select(RunRow)
