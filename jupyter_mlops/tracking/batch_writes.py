"""The write side of logging: params (immutable), tags, and metric points in bulk.

Metric points go into the history with one `executemany` per batch, and each (run, key)'s
latest point is upserted once per batch, keeping it the point with the largest step (then the
latest timestamp) whatever order batches from several processes arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from ..core.errors import ErrorCode, MLOpsError
from .tables import LatestMetricRow, MetricRow, ParamRow, RunRow, TagRow

# (run_id, key, value, step, timestamp): what the background writer hands over.
MetricPoint = tuple[str, str, float, int, int]


def write_params(session: Session, run_id: str, params: Mapping[str, str]) -> None:
    """Insert new params; logging a param again with the same value is a no-op, a different
    value is a CONFLICT naming the param."""
    if not params:
        return
    existing: dict[str, str] = {}
    for chunk in _chunks(list(params)):
        rows = session.execute(
            select(ParamRow.key, ParamRow.value).where(
                ParamRow.run_id == run_id, ParamRow.key.in_(chunk)
            )
        )
        existing.update((key, value) for key, value in rows)
    for key, old in existing.items():
        if old != params[key]:
            raise MLOpsError(
                f"param {key!r} is already {old!r} in run {run_id}; params are immutable, so "
                f"{params[key]!r} cannot replace it (use a new run, or a tag or metric instead)",
                ErrorCode.CONFLICT,
                f"params.{key}",
            )
    new = [
        {"run_id": run_id, "key": key, "value": value}
        for key, value in params.items()
        if key not in existing
    ]
    if new:
        session.execute(insert(ParamRow), new)


def write_new_run(
    session: Session, row: Mapping[str, Any], params: Mapping[str, str], tags: Mapping[str, str]
) -> None:
    """Insert a new run with its first params and tags (nothing to compare against yet).

    Core statements on the session's connection: creating 1,000 runs/s leaves no room for
    the ORM's unit of work.
    """
    connection = session.connection()
    connection.execute(insert(_table(RunRow)), [dict(row)])
    run_id = row["run_id"]
    if params:
        connection.execute(
            insert(_table(ParamRow)),
            [{"run_id": run_id, "key": k, "value": v} for k, v in params.items()],
        )
    if tags:
        connection.execute(
            insert(_table(TagRow)),
            [{"run_id": run_id, "key": k, "value": v} for k, v in tags.items()],
        )


def write_tags(session: Session, run_id: str, tags: Mapping[str, str]) -> None:
    """Set tags, replacing earlier values."""
    if not tags:
        return
    keys = list(tags)
    for chunk in _chunks(keys):
        session.execute(delete(TagRow).where(TagRow.run_id == run_id, TagRow.key.in_(chunk)))
    session.execute(
        insert(TagRow), [{"run_id": run_id, "key": k, "value": v} for k, v in tags.items()]
    )


def write_metric_points(session: Session, points: Sequence[MetricPoint], dialect: str) -> None:
    """Append `points` to the history and bring each touched latest value up to date."""
    if not points:
        return
    connection = session.connection()
    # The driver's own executemany: SQLAlchemy's per-row parameter processing would cost more
    # than the insert itself at 100,000 points/s.
    connection.exec_driver_sql(_history_insert_sql(connection.dialect.paramstyle), list(points))
    latest = _latest_per_key(points)
    if dialect in ("sqlite", "postgresql"):
        _upsert_latest(session, latest, dialect)
    else:
        _merge_latest_portably(session, latest)


def _history_insert_sql(paramstyle: str) -> str:
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(paramstyle)
    markers = ", ".join([f":{i}" for i in range(1, 6)] if marker is None else [marker] * 5)
    table = MetricRow.__tablename__
    return f"INSERT INTO {table} (run_id, key, value, step, timestamp) VALUES ({markers})"


def _latest_per_key(points: Iterable[MetricPoint]) -> list[MetricPoint]:
    best: dict[tuple[str, str], MetricPoint] = {}
    for point in points:
        ident = (point[0], point[1])
        current = best.get(ident)
        if current is None or (point[3], point[4]) >= (current[3], current[4]):
            best[ident] = point
    return list(best.values())


def _upsert_latest(session: Session, latest: list[MetricPoint], dialect: str) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    module: Any = sqlite if dialect == "sqlite" else postgresql
    statement = module.insert(LatestMetricRow)
    newer = or_(
        statement.excluded.step > LatestMetricRow.step,
        and_(
            statement.excluded.step == LatestMetricRow.step,
            statement.excluded.timestamp >= LatestMetricRow.timestamp,
        ),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[LatestMetricRow.run_id, LatestMetricRow.key],
        set_={
            "value": statement.excluded.value,
            "step": statement.excluded.step,
            "timestamp": statement.excluded.timestamp,
        },
        where=newer,
    )
    session.execute(statement, [_latest_params(point) for point in latest])


def _merge_latest_portably(session: Session, latest: list[MetricPoint]) -> None:
    for point in latest:
        row = _latest_params(point)
        current = session.execute(
            select(LatestMetricRow.step, LatestMetricRow.timestamp).where(
                LatestMetricRow.run_id == row["run_id"], LatestMetricRow.key == row["key"]
            )
        ).first()
        if current is None:
            session.execute(insert(LatestMetricRow), [row])
        elif (row["step"], row["timestamp"]) >= (current.step, current.timestamp):
            session.execute(
                update(LatestMetricRow)
                .where(LatestMetricRow.run_id == row["run_id"], LatestMetricRow.key == row["key"])
                .values(value=row["value"], step=row["step"], timestamp=row["timestamp"])
            )


def _latest_params(point: MetricPoint) -> dict[str, Any]:
    run_id, key, value, step, timestamp = point
    return {"run_id": run_id, "key": key, "value": value, "step": step, "timestamp": timestamp}


def _table(mapped: type[Any]) -> Table:
    table: Table = mapped.__table__
    return table


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
