"""Heartbeats of the processes running runs, and the reaper that marks orphaned runs KILLED.

A run started with `mlops.start_run` records the process running it (pid, host, the process's
start time, which tells a reused pid apart) in `tracking_run_processes` (revision
`0008_tracking_heartbeats`), in the transaction that creates it. That process's metric writer
beats every `BEAT_INTERVAL_S`: it stores the time and when it last wrote metrics. Ending the
run removes the row. A process killed with SIGKILL (or by the OOM killer, or a power cut)
leaves its runs RUNNING with a row whose process is gone; the reaper, run when any process
starts a metric writer and every minute in the server, marks them KILLED with the reason:

- same host: the pid no longer exists, is a zombie, or belongs to a process started later;
- another host (pids cannot be checked): no beat for `STALE_AFTER_S`.

A process that was only slow (a long computation holding the GIL keeps its writer from
beating) and is marked KILLED by another host's reaper ends its run normally later, which
overwrites the status.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.clock import now_ms as _now_ms
from ..core.db import Base, Database
from ..core.periodic import Periodic
from .tables import RUN_ID_LENGTH, RunRow

log = logging.getLogger(__name__)

BEAT_INTERVAL_S = 10.0
STALE_AFTER_S = 600.0
SERVER_REAP_INTERVAL_S = 60.0


class RunProcessRow(Base):
    """The process running a run (one row per RUNNING run started by `mlops.start_run`)."""

    __tablename__ = "tracking_run_processes"

    run_id: Mapped[str] = mapped_column(
        String(RUN_ID_LENGTH),
        ForeignKey("tracking_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    )
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    process_start: Mapped[int] = mapped_column(BigInteger)  # ms since the epoch
    last_beat: Mapped[int] = mapped_column(BigInteger)
    last_flush: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


@dataclass(frozen=True)
class ProcessIdentity:
    """A process as the heartbeat records it."""

    pid: int
    host: str
    start: int  # ms since the epoch


def process_start_ms(pid: int) -> int | None:
    """When process `pid` started (ms since the epoch), or None when there is no such live
    process (zombies count as gone)."""
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return int(process.create_time() * 1000)
    except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
        return None


_identity: ProcessIdentity | None = None


def this_process() -> ProcessIdentity:
    """This process (recomputed after a fork)."""
    global _identity
    if _identity is None or _identity.pid != os.getpid():
        pid = os.getpid()
        _identity = ProcessIdentity(pid, socket.gethostname(), process_start_ms(pid) or 0)
    return _identity


# --- statements run inside the store's transactions -------------------------------------------


def record_owner_values(run_id: str, process: ProcessIdentity) -> tuple[Any, ...]:
    """The row `write_new_run` inserts for a run this process starts."""
    return (run_id, process.pid, process.host, process.start, _now_ms(), None)


OWNER_COLUMNS = ("run_id", "pid", "host", "process_start", "last_beat", "last_flush")


def claim_run(database: Database, run_id: str, process: ProcessIdentity) -> None:
    """Make `process` the one running `run_id` (a resumed run)."""
    with database.session(write=True) as session:
        session.execute(delete(RunProcessRow).where(RunProcessRow.run_id == run_id))
        values = record_owner_values(run_id, process)
        session.add(RunProcessRow(**dict(zip(OWNER_COLUMNS, values, strict=True))))


def release_run(session: Session, run_id: str) -> None:
    """Forget the process of a run that ended (in the transaction that ends it)."""
    session.execute(delete(RunProcessRow).where(RunProcessRow.run_id == run_id))


# --- the beat -----------------------------------------------------------------------------------


class Heartbeat:
    """The runs this process runs, and their beat; the metric writer's thread calls `tick`."""

    def __init__(self, database: Database, interval: float = BEAT_INTERVAL_S) -> None:
        self.database = database
        self.interval = interval
        self._runs: set[str] = set()
        self._lock = threading.Lock()
        self._last_beat = time.monotonic()
        self._last_flush: int | None = None

    def own(self, run_id: str) -> None:
        """This process now runs `run_id` (its row is written by `create_run` or `claim_run`)."""
        with self._lock:
            self._runs.add(run_id)

    def disown(self, run_id: str) -> None:
        """The run ended here."""
        with self._lock:
            self._runs.discard(run_id)

    def flushed(self) -> None:
        """Metrics were just written: the next beat records the time."""
        self._last_flush = _now_ms()

    def tick(self) -> None:
        """Beat when `interval` passed since the last beat (never raises)."""
        if time.monotonic() - self._last_beat < self.interval:
            return
        self._last_beat = time.monotonic()
        with self._lock:
            runs = sorted(self._runs)
        if not runs:
            return
        process = this_process()
        values: dict[str, Any] = {"last_beat": _now_ms()}
        if self._last_flush is not None:
            values["last_flush"] = self._last_flush
        try:
            with self.database.session(write=True) as session:
                session.execute(
                    update(RunProcessRow)
                    .where(
                        RunProcessRow.run_id.in_(runs),
                        RunProcessRow.pid == process.pid,
                        RunProcessRow.host == process.host,
                    )
                    .values(**values)
                )
        except Exception as error:  # a missed beat is not an error; the next one may pass
            log.debug("heartbeat failed: %s", error)


# --- the reaper ---------------------------------------------------------------------------------


def _when(ms: int | None) -> str:
    if ms is None:
        return "never"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def gone_reason(row: RunProcessRow, here: ProcessIdentity, now: int) -> str | None:
    """Why the process of `row` is gone, or None while it may still run."""
    where = f"process {row.pid} on {row.host}"
    if row.host == here.host:
        if row.pid == here.pid and row.process_start == here.start:
            return None
        started = process_start_ms(row.pid)
        if started is None:
            reason = f"{where} ended without ending the run"
        elif abs(started - row.process_start) > 1000:
            reason = f"{where} ended without ending the run (the pid is now another process's)"
        else:
            return None
    elif now - row.last_beat > STALE_AFTER_S * 1000:
        reason = f"no heartbeat from {where} since {_when(row.last_beat)}"
    else:
        return None
    return f"KILLED: {reason}; metrics last written {_when(row.last_flush)}"


def reap_orphaned_runs(database: Database) -> list[str]:
    """Mark RUNNING runs whose process is gone KILLED, with the reason as the run's error;
    returns their ids."""
    here = this_process()
    now = _now_ms()
    with database.session() as session:
        rows = list(
            session.scalars(
                select(RunProcessRow)
                .join(RunRow, RunRow.run_id == RunProcessRow.run_id)
                .where(RunRow.status == "RUNNING")
            )
        )
    orphans = [(row, reason) for row in rows if (reason := gone_reason(row, here, now))]
    killed = []
    for row, reason in orphans:
        ended = max(row.last_beat, row.last_flush or 0)
        with database.session(write=True) as session:
            result = session.execute(
                update(RunRow)
                .where(RunRow.run_id == row.run_id, RunRow.status == "RUNNING")
                .values(status="KILLED", end_time=ended, error=reason)
            )
            release_run(session, row.run_id)
            if getattr(result, "rowcount", 0):
                killed.append(row.run_id)
    if killed:
        log.warning("marked %d run(s) KILLED whose process is gone: %s", len(killed), killed)
    return killed


def reap_quietly(database: Database) -> list[str]:
    """`reap_orphaned_runs`, logging instead of raising (a store not yet upgraded, offline)."""
    try:
        return reap_orphaned_runs(database)
    except Exception as error:
        log.debug("could not look for orphaned runs: %s", error)
        return []


class ServerReaper:
    """Reaps orphaned runs from a daemon thread (`core.periodic`): now, then every `interval`
    seconds."""

    def __init__(
        self,
        database: Database,
        interval: float = SERVER_REAP_INTERVAL_S,
        reap: Callable[[Database], Iterable[str]] = reap_quietly,
    ) -> None:
        self.database = database
        self.interval = interval
        self._reap = reap
        self._periodic = Periodic(
            "mlops-run-reaper",
            self._pass,
            interval,
            immediately=True,
            logger=log,
            join_timeout_s=10,
        )

    def start(self) -> ServerReaper:
        """Start the thread."""
        self._periodic.start()
        return self

    def stop(self) -> None:
        """Stop the thread (waits for a reap in progress)."""
        self._periodic.stop()

    def _pass(self) -> None:
        self._reap(self.database)
