"""Read-side queries behind the Experiments panel: experiment statistics, the keys used in an
experiment, metric summaries and (sampled) metric histories. Each takes an open session."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, exists, false, func, literal_column, select, true
from sqlalchemy.orm import Session

from . import search_sql
from .entities import Experiment, LifecycleStage, Metric, MetricSummary, Run, RunStatus
from .entity_rows import (
    cursor_rows,
    experiment_entity,
    load_runs,
    load_runs_driver,
    stored_float,
)
from .search_syntax import Node, OrderClause
from .tables import ExperimentRow, LatestMetricRow, MetricRow, ParamRow, RunRow, TagRow


def experiments_with_stats(session: Session, where: Any) -> list[Experiment]:
    """Experiments matching `where`, by name, with their active runs' count, running count and
    latest start time (one GROUP BY over the runs)."""
    active = RunRow.lifecycle_stage == LifecycleStage.ACTIVE.value
    stats = (
        select(
            RunRow.experiment_id,
            func.count().label("runs"),
            func.sum(case((RunRow.status == RunStatus.RUNNING.value, 1), else_=0)).label("running"),
            func.max(RunRow.start_time).label("last"),
        )
        .where(active)
        .group_by(RunRow.experiment_id)
        .subquery()
    )
    query = (
        select(ExperimentRow, stats.c.runs, stats.c.running, stats.c.last)
        .outerjoin(stats, stats.c.experiment_id == ExperimentRow.experiment_id)
        .where(where)
        .order_by(ExperimentRow.name)
    )
    return [
        experiment_entity(row, runs or 0, running or 0, last)
        for row, runs, running, last in session.execute(query)
    ]


_ID_CHUNK = 500  # ids per IN (...) list, well under every database's bound-parameter limit
_RUN_COLUMNS = ", ".join(f'"{column.name}"' for column in RunRow.__table__.columns)
_RunTuple = namedtuple("_RunTuple", [column.name for column in RunRow.__table__.columns])  # type: ignore[misc]


def runs_page(
    connection: Any,
    marker: str,
    sqlite: bool,
    where: tuple[list[int] | None, list[str], Node | None],
    order: list[OrderClause],
    limit: int,
    offset: int,
) -> tuple[list[Run], int]:
    """One page of the runs matching `where` (experiment ids, lifecycle stages, filter) in
    `order`, and how many match in all, on a driver connection (sqlite3 or psycopg).

    Only run ids are sorted (a sort carrying whole rows, cell sources included, would copy
    them all), with `LIMIT`. On SQLite the count is its own query, asked only when the page
    does not show where the matches end (a `count(*) OVER ()` beside the ids made SQLite
    materialise and sort every match: 1.36 ms against 0.36 + 0.72 ms over 1,000 runs); on
    PostgreSQL the window costs less than planning and running a second query (~0.7 ms
    against ~2 ms of server time for a filtered page). The page's rows, params, metrics and
    tags are read afterwards.
    """
    experiment_ids, stages, node = where
    query = search_sql.SqlText(marker, sqlite)
    search_sql.page_ids_sql(
        query, experiment_ids, stages, node, order, limit, offset, with_total=not sqlite
    )
    found_rows = cursor_rows(connection, query.text, query.values)
    page_ids = [found[0] for found in found_rows]
    if not sqlite and found_rows:
        total = found_rows[0][1]
    elif 0 < len(page_ids) < limit or (not page_ids and offset == 0):
        total = offset + len(page_ids)  # the last page: the matches end on it
    else:  # a full page on SQLite, or past the end: the window had no row to report on
        counting = search_sql.SqlText(marker, sqlite)
        search_sql.count_sql(counting, experiment_ids, stages, node)
        total = cursor_rows(connection, counting.text, counting.values)[0][0]
    by_id: dict[str, Any] = {}
    for chunk in range(0, len(page_ids), _ID_CHUNK):
        values = tuple(page_ids[chunk : chunk + _ID_CHUNK])
        sql = (
            f"SELECT {_RUN_COLUMNS} FROM {RunRow.__tablename__} "
            f"WHERE run_id IN ({', '.join([marker] * len(values))})"
        )
        by_id.update(
            (found[0], _RunTuple._make(found)) for found in cursor_rows(connection, sql, values)
        )
    # A run deleted between the two statements (PostgreSQL reads each statement's own
    # snapshot) is left out rather than failing the page.
    rows = [by_id[run_id] for run_id in page_ids if run_id in by_id]
    return load_runs_driver(connection, marker, rows), total


def child_runs(
    session: Session, parent_run_id: str, limit: int | None = None, offset: int = 0
) -> list[Run]:
    """The active runs nested under a run, oldest first (a page of them with `limit`)."""
    query = (
        select(RunRow)
        .where(*_children(parent_run_id))
        .order_by(RunRow.start_time, RunRow.run_id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return load_runs(session, session.scalars(query).all())


def child_run_count(session: Session, parent_run_id: str) -> int:
    """How many active runs are nested under a run."""
    query = select(func.count()).select_from(RunRow).where(*_children(parent_run_id))
    return session.scalar(query) or 0


def _children(parent_run_id: str) -> tuple[Any, ...]:
    return (
        RunRow.parent_run_id == parent_run_id,
        RunRow.lifecycle_stage == LifecycleStage.ACTIVE.value,
    )


def _experiment_clause(experiment_ids: list[int] | None) -> Any:
    """Restrict to some experiments (`None`: all of them; `[]`: none)."""
    if experiment_ids is None:
        return true()
    if not experiment_ids:
        return false()
    return RunRow.experiment_id.in_(experiment_ids)


def keys_in_use(session: Session, experiment_ids: list[int] | None) -> dict[str, list[str]]:
    """Sorted param, metric and tag keys of the experiments' active runs.

    Each distinct key is checked with an EXISTS on the `(run_id, key)` primary key rather
    than collecting every row's key: a few keys over 10,000 runs answer in milliseconds.
    """
    found: dict[str, list[str]] = {}
    for name, table in (("params", ParamRow), ("metrics", LatestMetricRow), ("tags", TagRow)):
        candidates = select(table.key).distinct().subquery()
        used = exists().where(
            table.key == candidates.c.key,
            table.run_id == RunRow.run_id,
            _experiment_clause(experiment_ids),
            RunRow.lifecycle_stage == LifecycleStage.ACTIVE.value,
        )
        query = select(candidates.c.key).where(used).order_by(candidates.c.key)
        found[name] = list(session.scalars(query))
    return found


def metric_history(
    session: Session, run_id: str, key: str, max_points: int | None = None
) -> list[Metric]:
    """The points of one metric by step then time; with `max_points`, an even sample of at
    most that many points that keeps the first and the last."""
    return sampled_metric_history(session, run_id, key, max_points)[0]


def sampled_metric_history(
    session: Session, run_id: str, key: str, max_points: int | None = None
) -> tuple[list[Metric], int]:
    """The points of one metric by step then time, and how many it has in all.

    With `max_points` (>= 1) and more points than that, an even sample (in SQL) of at most
    `max_points`: every `stride`-th point from the first, plus the last. The stride
    `ceil((total - 1) / (max_points - 1))` leaves room for the last point, so the sample never
    exceeds `max_points` (one point: the last).
    """
    where = and_(MetricRow.run_id == run_id, MetricRow.key == key)
    order = (MetricRow.step, MetricRow.timestamp, MetricRow.id)
    columns = (MetricRow.value, MetricRow.step, MetricRow.timestamp)
    total = session.scalar(select(func.count()).select_from(MetricRow).where(where)) or 0
    if max_points is None or total <= max_points:
        rows = session.execute(select(*columns).where(where).order_by(*order))
        return [Metric(key, stored_float(v), s, t) for v, s, t in rows], total
    numbered = (
        select(*columns, func.row_number().over(order_by=order).label("position"))
        .where(where)
        .subquery()
    )
    position = numbered.c.position
    if max_points <= 1:
        keep = position == total
    else:
        stride = -(-(total - 1) // (max_points - 1))
        keep = ((position - 1) % literal_column(str(stride)) == 0) | (position == total)
    sampled = (
        select(numbered.c.value, numbered.c.step, numbered.c.timestamp)
        .where(keep)
        .order_by(position)
    )
    points = [Metric(key, stored_float(v), s, t) for v, s, t in session.execute(sampled)]
    return points, total


def metric_histories(
    session: Session, run_ids: Sequence[str], keys: Sequence[str] | None
) -> dict[str, dict[str, list[Metric]]]:
    """Histories of several runs: `{run_id: {key: [points]}}`."""
    result: dict[str, dict[str, list[Metric]]] = {run_id: {} for run_id in run_ids}
    query = select(
        MetricRow.run_id, MetricRow.key, MetricRow.value, MetricRow.step, MetricRow.timestamp
    ).where(MetricRow.run_id.in_(list(run_ids)))
    if keys is not None:
        query = query.where(MetricRow.key.in_(list(keys)))
    query = query.order_by(
        MetricRow.run_id, MetricRow.key, MetricRow.step, MetricRow.timestamp, MetricRow.id
    )
    for run_id, key, value, step, timestamp in session.execute(query):
        point = Metric(key, stored_float(value), step, timestamp)
        result[run_id].setdefault(key, []).append(point)
    return result


def metric_summaries(session: Session, run_id: str) -> list[MetricSummary]:
    """Each metric of a run: its latest point and how many points it has, by key."""
    counts = (
        select(MetricRow.key, func.count().label("points"))
        .where(MetricRow.run_id == run_id)
        .group_by(MetricRow.key)
        .subquery()
    )
    query = (
        select(
            LatestMetricRow.key,
            LatestMetricRow.value,
            LatestMetricRow.step,
            LatestMetricRow.timestamp,
            counts.c.points,
        )
        .outerjoin(counts, counts.c.key == LatestMetricRow.key)
        .where(LatestMetricRow.run_id == run_id)
        .order_by(LatestMetricRow.key)
    )
    return [
        MetricSummary(key, stored_float(value), step, timestamp, points or 0)
        for key, value, step, timestamp, points in session.execute(query)
    ]
