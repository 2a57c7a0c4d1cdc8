"""Endpoint processes in the store, as each one reports itself (revision `0070`).

Every endpoint process, whatever runs it (the Lab's supervisor, `jupyter-mlops serve` in a
terminal, a Docker container, a Kubernetes pod), keeps one row keyed by its name and the URL
it is reachable at (`self_registration`): the model it serves, the version its `/health` last
answered, where it runs (`runner`: `server` when the Lab's supervisor started it, else
`external`), its host and pid, when it started and last beat. A clean exit marks it
`stopped`; a row that has missed `STALE_BEATS` heartbeats is shown `stale` (a process killed
or a machine gone), which the store cannot tell apart from a network split.

Replicas behind one URL (a Kubernetes Service) share the row: any replica's beat keeps it
fresh, and host and pid are the last one's. Times are the endpoint machine's clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Boolean, Float, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now_ms
from ..core.db import Base, Database

STALE_BEATS = 3  # missed heartbeats before a running row is shown stale
STALE_GRACE_MS = 2000  # a slow store write or probe is not a missed beat


class EndpointRegistrationRow(Base):
    """One endpoint process (or the replicas behind one URL) as it reports itself."""

    __tablename__ = "serving_endpoint_registrations"

    name: Mapped[str] = mapped_column(String(256), primary_key=True)
    url: Mapped[str] = mapped_column(String(1024), primary_key=True)
    model_name: Mapped[str] = mapped_column(String(256))
    alias: Mapped[str | None] = mapped_column(String(256), nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    runner: Mapped[str] = mapped_column(String(16))
    hostname: Mapped[str] = mapped_column(String(256))
    pid: Mapped[int] = mapped_column(Integer)
    auth: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(16))
    health: Mapped[str] = mapped_column(String(16))
    started_time: Mapped[int] = mapped_column(BigInteger)
    heartbeat_time: Mapped[int] = mapped_column(BigInteger)
    heartbeat_s: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class Registration:
    """What an endpoint process reports: identity, what it serves, where, and its health.

    `state` is `running` or `stopped` as written; `seen_state` adds `stale` for a running row
    whose heartbeats stopped.
    """

    name: str
    url: str
    model_name: str
    alias: str | None
    version: int | None
    runner: str
    hostname: str
    pid: int
    auth: bool
    state: str
    health: str
    started_time: int
    heartbeat_time: int
    heartbeat_s: float

    def seen_state(self, now: int | None = None) -> str:
        """`running`, `stopped`, or `stale` (running, but no heartbeat for `STALE_BEATS`)."""
        if self.state != "running":
            return self.state
        late = (now if now is not None else now_ms()) - self.heartbeat_time
        return (
            "stale" if late > STALE_BEATS * self.heartbeat_s * 1000 + STALE_GRACE_MS else "running"
        )


_FIELDS = tuple(Registration.__dataclass_fields__)


def _entity(row: EndpointRegistrationRow) -> Registration:
    return Registration(**{field: getattr(row, field) for field in _FIELDS})


def record(database: Database, registration: Registration) -> None:
    """Write `registration` (insert, or replace the row of the same name and URL)."""
    with database.session(write=True) as session:
        row = session.get(EndpointRegistrationRow, (registration.name, registration.url))
        if row is None:
            session.add(EndpointRegistrationRow(**{f: getattr(registration, f) for f in _FIELDS}))
            return
        for field in _FIELDS:
            setattr(row, field, getattr(registration, field))


def mark_stopped(database: Database, name: str, url: str, pid: int) -> None:
    """Say the process `pid` behind `name` at `url` exited cleanly (unless another took over
    the row since: a replica, or a restart on the same URL)."""
    with database.session(write=True) as session:
        row = session.get(EndpointRegistrationRow, (name, url))
        if row is not None and row.pid == pid:
            row.state, row.heartbeat_time = "stopped", now_ms()


def list_registrations(database: Database, runner: str | None = None) -> list[Registration]:
    """Every registered endpoint process (only `runner`'s when given), by name and URL."""
    query = select(EndpointRegistrationRow).order_by(
        EndpointRegistrationRow.name, EndpointRegistrationRow.url
    )
    if runner is not None:
        query = query.where(EndpointRegistrationRow.runner == runner)
    with database.session() as session:
        return [_entity(row) for row in session.scalars(query).all()]
