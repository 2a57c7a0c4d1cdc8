"""Rows of the tracking tables read into entities (`tracking.entities`), never ORM rows out."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

from .entities import Experiment, JsonObject, Run
from .tables import ExperimentRow, LatestMetricRow, ParamRow, RunRow, TagRow

_CHUNK = 500  # ids per IN (...) list, well under every database's bound-parameter limit
_RUN_FIELDS = frozenset(item.name for item in fields(Run))
_BY_KEY = itemgetter(1)


def stored_float(value: float | None) -> float:
    """NaN is stored as NULL (SQLite cannot hold it); NULL reads back as NaN."""
    return math.nan if value is None else value


def experiment_entity(
    row: ExperimentRow,
    run_count: int | None = None,
    active_run_count: int | None = None,
    last_run_time: int | None = None,
) -> Experiment:
    """An `Experiment` from its row (and its run statistics when computed)."""
    return Experiment(
        experiment_id=str(row.experiment_id),
        name=row.name,
        artifact_location=row.artifact_location,
        lifecycle_stage=row.lifecycle_stage,
        creation_time=row.creation_time,
        last_update_time=row.last_update_time,
        run_count=run_count,
        active_run_count=active_run_count,
        last_run_time=last_run_time,
    )


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def driver_markers(connection: Any, count: int) -> str:
    """`count` positional parameter markers in the driver's own style (qmark for sqlite3,
    format for psycopg)."""
    return ", ".join(["?" if connection.dialect.paramstyle == "qmark" else "%s"] * count)


def cursor_rows(connection: Any, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """All rows of a query as the driver's tuples, on a driver (DBAPI) connection:
    SQLAlchemy's Row per result row cost more than the query for 1,000 runs."""
    cursor = connection.cursor()
    try:
        cursor.execute(sql, values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def load_runs(session: Session, rows: Sequence[RunRow | Any]) -> list[Run]:
    """Entities for `rows` (ORM rows, or Core rows with the same columns), with their params,
    latest metrics and tags (3 queries per 500), on the session's connection."""
    connection = session.connection()
    return load_runs_driver(connection.connection, driver_markers(connection, 1), rows)


def load_runs_driver(connection: Any, marker: str, rows: Sequence[RunRow | Any]) -> list[Run]:
    """Entities for `rows`, with their params, latest metrics and tags (3 queries per 500), on
    a driver connection (sqlite3 or psycopg) whose parameter marker is `marker`.

    Driver-level statements: building and expanding an IN list of 500 bound ids through
    SQLAlchemy cost more CPU than the queries (a page of 1,000 runs: ~30 ms of ~90).
    """
    ids = [row.run_id for row in rows]
    params: dict[str, dict[str, str]] = defaultdict(dict)
    metrics: dict[str, dict[str, float]] = defaultdict(dict)
    tags: dict[str, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(ids):
        marks = ", ".join([marker] * len(chunk))
        values = tuple(chunk)
        # Each run's keys in Python's order (as `run_entity` sorts them): one sort of the
        # rows here instead of three sorted dicts per run.
        for table, into in ((ParamRow, params), (TagRow, tags)):
            sql = f"SELECT run_id, key, value FROM {table.__tablename__} WHERE run_id IN ({marks})"
            for run_id, key, text in sorted(cursor_rows(connection, sql, values), key=_BY_KEY):
                into[run_id][key] = text
        sql = (
            f"SELECT run_id, key, value FROM {LatestMetricRow.__tablename__} "
            f"WHERE run_id IN ({marks})"
        )
        for run_id, key, number in sorted(cursor_rows(connection, sql, values), key=_BY_KEY):
            metrics[run_id][key] = math.nan if number is None else number
    return [
        run_entity(
            row,
            params.get(row.run_id) or {},  # each run its own dict, as callers may copy-edit
            metrics.get(row.run_id) or {},
            tags.get(row.run_id) or {},
            ordered=True,
        )
        for row in rows
    ]


def run_entity(
    row: RunRow | Any,
    params: Mapping[str, str],
    metrics: Mapping[str, float],
    tags: Mapping[str, str],
    *,
    ordered: bool = False,
) -> Run:
    """A `Run` from its row (or anything with the row's attributes) and its keyed values,
    each sorted by key (`ordered`: they already are; the dicts are then used as they are).

    The environment JSON is decoded when first read (`JsonObject`).
    """
    if not ordered:
        params = dict(sorted(params.items()))
        metrics = dict(sorted(metrics.items()))
        tags = dict(sorted(tags.items()))
    return new_run(
        {
            "run_id": row.run_id,
            "experiment_id": str(row.experiment_id),
            "name": row.name,
            "status": row.status,
            "start_time": row.start_time,
            "end_time": row.end_time,
            "lifecycle_stage": row.lifecycle_stage,
            "artifact_uri": row.artifact_uri,
            "parent_run_id": row.parent_run_id,
            "user": row.user,
            "notebook_path": row.notebook_path,
            "cell_source": row.cell_source,
            "git_commit": row.git_commit,
            "git_dirty": row.git_dirty,
            "environment": JsonObject(row.environment) if row.environment else {},
            "error": row.error,
            "params": params,
            "metrics": metrics,
            "tags": tags,
        }
    )


def new_run(values: dict[str, Any]) -> Run:
    """A `Run` from a value for every one of its fields.

    A frozen dataclass's `__init__` sets its 19 fields one `object.__setattr__` at a time
    (~15 us a run, a third of the CPU of a 1,000-run search page); the store has every field
    at hand, so the instance's dict is filled at once. Same instance, same equality.
    """
    if values.keys() != _RUN_FIELDS:
        raise TypeError(f"a Run has the fields {sorted(_RUN_FIELDS)}, not {sorted(values)}")
    run = object.__new__(Run)
    run.__dict__.update(values)
    return run
