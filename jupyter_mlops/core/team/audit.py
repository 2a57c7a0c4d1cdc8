"""The audit trail: one insert-only row per change, written in the change's own transaction.

`record(session, ...)` is what a service calls inside the write session of the change it makes,
so the change and its audit row commit (or roll back) together. Rows are never updated or
deleted by the application; `query` reads them newest first, paged by id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import now_ms
from ..db import Database
from .identity import Actor, current_actor
from .tables import AuditRow

MAX_PAGE = 500


@dataclass(frozen=True)
class AuditEntry:
    """One audited change."""

    id: int
    time: int
    user: str
    source: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    comment: str | None


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)


def record(
    session: Session,
    action: str,
    object_type: str,
    object_id: str,
    *,
    before: Any = None,
    after: Any = None,
    comment: str | None = None,
    actor: Actor | None = None,
) -> None:
    """Add an audit row for a change made in `session` (by the current actor unless given).

    `action` is `<object>.<verb>` (`alias.set`, `model.delete`, ...); `before`/`after` are
    JSON-serialisable snapshots of what changed (None where it did not exist).
    """
    who = actor or current_actor()
    session.add(
        AuditRow(
            time=now_ms(),
            user=who.name,
            source=who.source,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=_dump(before),
            after=_dump(after),
            comment=comment,
        )
    )


def record_now(
    database: Database, action: str, object_type: str, object_id: str, **kw: Any
) -> None:
    """`record` in a write session of its own (for changes that have no session, e.g. a
    process started or stopped)."""
    with database.session(write=True) as session:
        record(session, action, object_type, object_id, **kw)


@dataclass(frozen=True)
class AuditPage:
    """A page of entries, newest first, and the id to pass as `before_id` for the next."""

    entries: list[AuditEntry]
    next_before_id: int | None


def query(
    database: Database,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    user: str | None = None,
    action: str | None = None,
    since: int | None = None,
    until: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> AuditPage:
    """Entries matching every filter given (`action` ending in `.` or `*` is a prefix),
    newest first; times in ms since the epoch, `until` exclusive."""
    limit = max(1, min(limit, MAX_PAGE))
    statement = select(AuditRow)
    if object_type:
        statement = statement.where(AuditRow.object_type == object_type)
    if object_id:
        statement = statement.where(AuditRow.object_id == object_id)
    if user:
        statement = statement.where(AuditRow.user == user)
    if action:
        if action.endswith(("*", ".")):
            prefix = action.rstrip("*")
            statement = statement.where(AuditRow.action.startswith(prefix, autoescape=True))
        else:
            statement = statement.where(AuditRow.action == action)
    if since is not None:
        statement = statement.where(AuditRow.time >= since)
    if until is not None:
        statement = statement.where(AuditRow.time < until)
    if before_id is not None:
        statement = statement.where(AuditRow.id < before_id)
    statement = statement.order_by(AuditRow.id.desc()).limit(limit + 1)
    with database.session() as session:
        rows = session.scalars(statement).all()
        entries = [_entry(row) for row in rows[:limit]]
    more = len(rows) > limit
    return AuditPage(entries, entries[-1].id if more and entries else None)


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        time=row.time,
        user=row.user,
        source=row.source,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        before=None if row.before is None else json.loads(row.before),
        after=None if row.after is None else json.loads(row.after),
        comment=row.comment,
    )
