"""The drift loop's record of what followed each alert's retraining run.

Monitoring's follower (`monitoring/retraining_followup.py`) claims an alert here once its
retraining run has ended, then records what it did: no version registered, no gates declared,
or the `propose` gate run it started (which promotes, or asks for an approval). The claim is the
insert of the alert's row, so two servers ticking the same store follow an alert up once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.db import Database
from .store import now_ms
from .tables import AlertFollowupRow


@dataclass
class AlertFollowup:
    """What followed alert `alert_id`'s retraining run `job_run_id`."""

    alert_id: int
    job_run_id: str
    state: str
    version: int | None
    gate_run_id: str | None
    message: str | None
    created_time: int


def _followup(row: AlertFollowupRow) -> AlertFollowup:
    return AlertFollowup(
        alert_id=row.alert_id,
        job_run_id=row.job_run_id,
        state=row.state,
        version=row.version,
        gate_run_id=row.gate_run_id,
        message=row.message,
        created_time=row.created_time,
    )


class FollowupStore:
    """Claims and records of the drift loop's follow-ups, one session per call."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def followed(self, alert_ids: Iterable[int]) -> set[int]:
        """Which of `alert_ids` were already followed up (claimed)."""
        ids = list(alert_ids)
        if not ids:
            return set()
        with self.database.session() as session:
            found = session.scalars(
                select(AlertFollowupRow.alert_id).where(AlertFollowupRow.alert_id.in_(ids))
            )
            return set(found)

    def claim(self, alert_id: int, job_run_id: str, state: str, **fields: Any) -> bool:
        """Insert the alert's follow-up; False when another ticker claimed it first."""
        row = AlertFollowupRow(
            alert_id=alert_id,
            job_run_id=job_run_id,
            state=state,
            created_time=now_ms(),
            **fields,
        )
        try:
            with self.database.session(write=True) as session:
                session.add(row)
                session.flush()
        except IntegrityError:
            return False
        return True

    def update(self, alert_id: int, **changes: Any) -> AlertFollowup:
        """Change a claimed follow-up's fields."""
        with self.database.session(write=True) as session:
            row = session.get(AlertFollowupRow, alert_id)
            if row is None:
                raise KeyError(alert_id)
            for key, value in changes.items():
                setattr(row, key, value)
            session.flush()
            return _followup(row)

    def get(self, alert_id: int) -> AlertFollowup | None:
        """The alert's follow-up, or None while its retraining has not ended."""
        with self.database.session() as session:
            row = session.get(AlertFollowupRow, alert_id)
            return _followup(row) if row is not None else None
