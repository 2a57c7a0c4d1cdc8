"""The write side of logging: params (immutable), tags, and metric points in bulk.

Metric points go into the history with one `executemany` per batch (on PostgreSQL one
`COPY ... FROM STDIN`, several times faster than any INSERT), and each (run, key)'s latest
point is upserted once per batch, keeping it the point with the largest step (then the latest
timestamp) whatever order batches from several processes arrive in. NaN is stored as NULL on
every database (SQLite cannot hold it; PostgreSQL would sort it above every number and match it
in `metrics.x > 1`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Table, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from ..core.db import conflict_message
from ..core.errors import ErrorCode, MLOpsError
from .tables import LatestMetricRow, MetricRow, ParamRow, TagRow

_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")

# From this many points on, PostgreSQL gets the history through COPY.
COPY_MIN_POINTS = 64

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


def _pipelined(connection: Any, statements: list[tuple[str, Any, bool]]) -> None:
    """Send the statements in one round trip (psycopg 3's pipeline mode)."""
    driver = connection.connection.driver_connection
    with _driver_errors(), driver.pipeline(), driver.cursor() as cursor:
        for sql, parameters, many in statements:
            if many:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, parameters)


@contextmanager
def _driver_errors() -> Iterator[None]:
    """psycopg's own errors (statements sent past SQLAlchemy) as `Database.session` reports
    SQLAlchemy's: integrity -> CONFLICT, operational (connection lost, locks) -> UNAVAILABLE,
    anything else the database refused -> BAD_REQUEST."""
    import psycopg

    try:
        yield
    except psycopg.IntegrityError as error:
        raise MLOpsError(conflict_message(error), ErrorCode.CONFLICT) from error
    except psycopg.OperationalError as error:
        raise MLOpsError(f"store unavailable: {error}", ErrorCode.UNAVAILABLE) from error
    except psycopg.Error as error:
        raise MLOpsError(f"the store refused the values: {error}") from error


def _markers(connection: Any, count: int) -> str:
    """`count` positional parameter markers in the driver's own style."""
    style = connection.dialect.paramstyle
    if style == "qmark":
        return ", ".join(["?"] * count)
    if style in ("format", "pyformat"):
        return ", ".join(["%s"] * count)
    if style == "numeric":
        return ", ".join(f":{i}" for i in range(1, count + 1))
    raise MLOpsError(f"unsupported database driver parameter style {style!r}", ErrorCode.INTERNAL)


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
    if dialect == "postgresql":
        if len(points) >= COPY_MIN_POINTS:
            _copy_history(connection, points)  # writes NaN as NULL itself
        else:  # COPY's extra protocol round trip costs more than a few pipelined inserts
            points = [_nan_as_null(point) for point in points]
            _pipelined(connection, [(_history_insert_sql(connection), list(points), True)])
    else:
        # The driver's own executemany: SQLAlchemy's per-row parameter processing would cost
        # more than the insert itself at 100,000 points/s. (sqlite3 stores NaN as NULL.)
        connection.exec_driver_sql(_history_insert_sql(connection), list(points))
    latest = _latest_per_key(points)
    if dialect == "postgresql":
        latest = [_nan_as_null(point) for point in latest]
    if dialect in ("sqlite", "postgresql"):
        _upsert_latest(session, latest, dialect)
    else:
        _merge_latest_portably(session, latest)


def _nan_as_null(point: MetricPoint) -> MetricPoint:
    if point[2] == point[2]:
        return point
    stored: Any = (point[0], point[1], None, point[3], point[4])
    return cast(MetricPoint, stored)


def _copy_history(connection: Any, points: Sequence[MetricPoint]) -> None:
    """`COPY` the points into the history through psycopg 3, as one text-format buffer."""
    driver = connection.connection.driver_connection
    copy_sql = f"COPY {MetricRow.__tablename__} (run_id, key, value, step, timestamp) FROM STDIN"
    with _driver_errors(), driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
        if _plain_text(points):
            copy.write(_copy_text(points))
        else:  # a character COPY would read as a separator: let psycopg escape each row
            for point in points:
                copy.write_row(_nan_as_null(point))


def _plain_text(points: Sequence[MetricPoint]) -> bool:
    """Whether no run id or key holds a character COPY's text format would have to escape."""
    seen: set[tuple[str, str]] = set()
    for point in points:
        ident = (point[0], point[1])
        if ident not in seen:
            seen.add(ident)
            if _COPY_SPECIAL.search(point[0]) or _COPY_SPECIAL.search(point[1]):
                return False
    return True


def _copy_text(points: Sequence[MetricPoint]) -> bytes:
    # repr() of a float reads back exactly (float() first for anything else: numpy scalars
    # print their type); PostgreSQL reads "inf" and "-inf"; NaN and None are NULL (\N). Steps
    # and timestamps are ints (`metric_points` checks them). One list comprehension, a
    # `float` kept as it is: this text is most of a batch's CPU (~2 us a point).
    null = "\\N"
    return "".join(
        [
            f"{run_id}\t{key}\t"
            f"{null if v is None or v != v else (repr(v) if type(v) is float else repr(float(v)))}"
            f"\t{step}\t{timestamp}\n"
            for run_id, key, v, step, timestamp in points
        ]
    ).encode()


def _history_insert_sql(connection: Any) -> str:
    table = MetricRow.__tablename__
    return (
        f"INSERT INTO {table} (run_id, key, value, step, timestamp) "
        f"VALUES ({_markers(connection, 5)})"
    )


def _latest_per_key(points: Iterable[MetricPoint]) -> list[MetricPoint]:
    best: dict[tuple[str, str], MetricPoint] = {}
    get = best.get
    for point in points:  # compared field by field: two tuples a point cost ~40% more
        ident = (point[0], point[1])
        current = get(ident)
        if (
            current is None
            or point[3] > current[3]
            or (point[3] == current[3] and point[4] >= current[4])
        ):
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
