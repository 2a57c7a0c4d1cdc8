"""`MonitorStore`: monitors, their windows, alerts and posted labels, one session per call."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..core.clock import now_ms as now_ms
from ..core.db import Database
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.team import audit, notifications
from ..core.team.identity import current_user
from .entities import Monitor, MonitorAlert, MonitorSpec, Window, WindowResult
from .tables import AlertRow, LabelRow, MonitorRow, WindowRow


def _monitor(row: MonitorRow) -> Monitor:
    return Monitor(
        monitor_id=row.monitor_id,
        endpoint_name=row.endpoint_name,
        reference_kind=row.reference_kind,
        reference_profile=row.reference_profile,
        window_seconds=row.window_seconds,
        window_rows=row.window_rows,
        min_rows=row.min_rows,
        columns=json.loads(row.columns) if row.columns else None,
        tests=json.loads(row.tests or "{}"),
        thresholds=json.loads(row.thresholds or "{}"),
        dataset_share=row.dataset_share,
        retrain_job_id=row.retrain_job_id,
        retrain_parameter=row.retrain_parameter,
        paused=row.paused,
        created_time=row.created_time,
        next_window_start=row.next_window_start,
        created_by=row.created_by,
        updated_by=row.updated_by,
    )


def _window(row: WindowRow, with_report: bool = False) -> Window:
    report = json.loads(row.report) if row.report else None
    return Window(
        window_id=row.window_id,
        monitor_id=row.monitor_id,
        number=row.number if row.number is not None else 0,
        start_time=row.start_time,
        end_time=row.end_time,
        status=row.status,
        task_run_id=row.task_run_id,
        model_version=row.model_version,
        n_rows=row.n_rows,
        share_drifted=row.share_drifted,
        dataset_drifted=row.dataset_drifted,
        prediction_drifted=row.prediction_drifted,
        error_rate=row.error_rate,
        latency_p50_ms=row.latency_p50_ms,
        latency_p99_ms=row.latency_p99_ms,
        n_labels=row.n_labels,
        performance=json.loads(row.performance) if row.performance else None,
        data_path=row.data_path,
        error=row.error,
        created_time=row.created_time,
        report=report if with_report else None,
        scores=_scores(report),
    )


def _scores(report: dict[str, Any] | None) -> dict[str, float] | None:
    if report is None:
        return None
    from .drift import DriftReport

    scores = {c.column: c.score for c in DriftReport.from_dict(report).columns}
    return {name: score if math.isfinite(score) else 1e9 for name, score in scores.items()}


def _alert(row: AlertRow, window_number: int | None) -> MonitorAlert:
    return MonitorAlert(
        alert_id=row.alert_id,
        monitor_id=row.monitor_id,
        window_id=row.window_id,
        kind=row.kind,
        message=row.message,
        job_run_id=row.job_run_id,
        job_error=row.job_error,
        created_time=row.created_time,
        window_number=window_number,
    )


def _number_of(window_id: int) -> Any:
    return select(WindowRow.number).where(WindowRow.window_id == window_id)


class MonitorStore:
    """Monitors and what they found, in the store (see `tables.py`)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- monitors ------------------------------------------------------------------------

    def create_monitor(self, spec: MonitorSpec, start_ms: int | None = None) -> Monitor:
        """Store a new monitor; its first window starts now (or at `start_ms`)."""
        row = MonitorRow(
            monitor_id=uuid.uuid4().hex,
            endpoint_name=spec.endpoint_name,
            reference_kind="profile" if spec.reference_profile else "training",
            reference_profile=spec.reference_profile,
            window_seconds=spec.window_seconds,
            window_rows=spec.window_rows,
            min_rows=spec.min_rows,
            columns=json.dumps(spec.columns) if spec.columns is not None else None,
            tests=json.dumps(spec.tests),
            thresholds=json.dumps(spec.thresholds),
            dataset_share=spec.dataset_share,
            retrain_job_id=spec.retrain_job_id,
            retrain_parameter=spec.retrain_parameter,
            paused=spec.paused,
            created_time=now_ms(),
            next_window_start=now_ms() if start_ms is None else start_ms,
            created_by=current_user(),
            updated_by=current_user(),
        )
        with self.database.session(write=True) as session:
            taken = session.scalar(
                select(MonitorRow.monitor_id).where(MonitorRow.endpoint_name == spec.endpoint_name)
            )
            if taken is not None:
                raise MLOpsError(
                    f"endpoint {spec.endpoint_name!r} already has monitor {taken}",
                    ErrorCode.CONFLICT,
                    "endpoint_name",
                )
            session.add(row)
            session.flush()
            after = {"endpoint": spec.endpoint_name, "thresholds": spec.thresholds}
            audit.record(session, "monitor.create", "monitor", row.monitor_id, after=after)
            return _monitor(row)

    def get_monitor(self, monitor_id: str) -> Monitor:
        """One monitor; unknown ids are a 404 naming `monitor_id`."""
        with self.database.session() as session:
            return _monitor(self._row(session, monitor_id))

    def monitor_for_endpoint(self, endpoint_name: str) -> Monitor | None:
        """The monitor watching `endpoint_name`, if any."""
        with self.database.session() as session:
            row = session.scalar(
                select(MonitorRow).where(MonitorRow.endpoint_name == endpoint_name)
            )
            return _monitor(row) if row is not None else None

    def list_monitors(self) -> list[Monitor]:
        """Every monitor, oldest first."""
        with self.database.session() as session:
            rows = session.scalars(select(MonitorRow).order_by(MonitorRow.created_time))
            return [_monitor(row) for row in rows]

    def update_monitor(self, monitor_id: str, **changes: Any) -> Monitor:
        """Change a monitor's settings (already validated by the service)."""
        encoded = {
            key: (json.dumps(value) if key in ("columns", "tests", "thresholds") else value)
            for key, value in changes.items()
        }
        if "columns" in changes and changes["columns"] is None:
            encoded["columns"] = None
        with self.database.session(write=True) as session:
            row = self._row(session, monitor_id)
            before = {key: getattr(row, key) for key in encoded}
            for key, value in encoded.items():
                setattr(row, key, value)
            row.updated_by = current_user()
            audit.record(
                session, "monitor.update", "monitor", monitor_id, before=before, after=changes
            )
            if "reference_profile" in changes:
                row.reference_kind = "profile" if changes["reference_profile"] else "training"
            session.flush()
            return _monitor(row)

    def delete_monitor(self, monitor_id: str) -> None:
        """Delete a monitor with its windows and alerts."""
        with self.database.session(write=True) as session:
            row = self._row(session, monitor_id)
            before = {"endpoint": row.endpoint_name}
            audit.record(session, "monitor.delete", "monitor", monitor_id, before=before)
            session.execute(delete(AlertRow).where(AlertRow.monitor_id == monitor_id))
            session.execute(delete(WindowRow).where(WindowRow.monitor_id == monitor_id))
            session.execute(delete(MonitorRow).where(MonitorRow.monitor_id == monitor_id))

    @staticmethod
    def _row(session: Session, monitor_id: str) -> MonitorRow:
        row = session.get(MonitorRow, monitor_id)
        if row is None:
            raise NotFoundError(f"no monitor {monitor_id!r}", field="monitor_id")
        return row

    # --- windows -------------------------------------------------------------------------

    def claim_window(self, monitor_id: str, start_ms: int, end_ms: int) -> Window | None:
        """Claim the window `[start_ms, end_ms)` for evaluation; None if another process did.

        The insert and the move of the monitor's next window start are one transaction, and
        `(monitor_id, start_time)` is unique: one claimer wins, on SQLite and PostgreSQL.
        """
        try:
            with self.database.session(write=True) as session:
                # Two claimers reading the same count collide on (monitor_id, number): the
                # loser's claim is refused as a conflict, as on (monitor_id, start_time).
                last = session.scalar(
                    select(func.max(WindowRow.number)).where(WindowRow.monitor_id == monitor_id)
                )
                row = WindowRow(
                    monitor_id=monitor_id,
                    number=(last or 0) + 1,
                    start_time=start_ms,
                    end_time=end_ms,
                    status="pending",
                    n_rows=0,
                    n_labels=0,
                    created_time=now_ms(),
                )
                session.add(row)
                session.flush()
                session.execute(
                    update(MonitorRow)
                    .where(MonitorRow.monitor_id == monitor_id)
                    .values(next_window_start=end_ms)
                )
                return _window(row)
        except MLOpsError as exc:
            if exc.code is ErrorCode.CONFLICT:
                return None
            raise

    def set_task(self, window_id: int, task_run_id: str) -> None:
        """Record which runner task evaluates a window."""
        with self.database.session(write=True) as session:
            session.execute(
                update(WindowRow)
                .where(WindowRow.window_id == window_id)
                .values(task_run_id=task_run_id)
            )

    def save_result(self, window_id: int, result: WindowResult) -> Window:
        """Write what a window's evaluation found."""
        values = asdict(result)
        values["performance"] = (
            json.dumps(result.performance) if result.performance is not None else None
        )
        values["report"] = json.dumps(result.report) if result.report is not None else None
        with self.database.session(write=True) as session:
            row = session.get(WindowRow, window_id)
            if row is None:
                raise NotFoundError(f"no window {window_id}", field="window_id")
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            return _window(row)

    def set_performance(
        self, window_id: int, n_labels: int, performance: dict[str, float] | None
    ) -> None:
        """Rescore a window after labels arrived (its drift and traffic stay as they were)."""
        with self.database.session(write=True) as session:
            session.execute(
                update(WindowRow)
                .where(WindowRow.window_id == window_id)
                .values(
                    n_labels=n_labels,
                    performance=json.dumps(performance) if performance is not None else None,
                )
            )

    def get_window(self, window_id: int, monitor_id: str | None = None) -> Window:
        """One window with its report."""
        with self.database.session() as session:
            row = session.get(WindowRow, window_id)
            if row is None or (monitor_id is not None and row.monitor_id != monitor_id):
                raise NotFoundError(f"no window {window_id}", field="window_id")
            return _window(row, with_report=True)

    def list_windows(self, monitor_id: str, limit: int = 100) -> list[Window]:
        """The latest windows of a monitor (without reports), oldest first."""
        with self.database.session() as session:
            rows = session.scalars(
                select(WindowRow)
                .where(WindowRow.monitor_id == monitor_id)
                .order_by(WindowRow.end_time.desc())
                .limit(limit)
            ).all()
            return [_window(row) for row in reversed(rows)]

    # --- alerts --------------------------------------------------------------------------

    def add_alert(
        self,
        monitor_id: str,
        window_id: int,
        kind: str,
        message: str,
        job_run_id: str | None = None,
        job_error: str | None = None,
    ) -> MonitorAlert:
        """Record an alert (and the retraining run it started, or why it could not)."""
        with self.database.session(write=True) as session:
            row = AlertRow(
                monitor_id=monitor_id,
                window_id=window_id,
                kind=kind,
                message=message,
                job_run_id=job_run_id,
                job_error=job_error,
                created_time=now_ms(),
            )
            session.add(row)
            session.flush()
            notifications.notify(
                session,
                "monitor.drift_alert",
                f"drift alert ({kind}) on monitor {monitor_id}: {message}"[:500],
                monitor_id=monitor_id,
                window_id=window_id,
                kind=kind,
                message=message,
                job_run_id=job_run_id,
                job_error=job_error,
            )
            return _alert(row, session.scalar(_number_of(window_id)))

    def list_alerts(self, monitor_id: str | None = None, limit: int = 100) -> list[MonitorAlert]:
        """The latest alerts (of one monitor), newest first."""
        with self.database.session() as session:
            query = (
                select(AlertRow, WindowRow.number)
                .outerjoin(WindowRow, WindowRow.window_id == AlertRow.window_id)
                .order_by(AlertRow.created_time.desc())
                .limit(limit)
            )
            if monitor_id is not None:
                query = query.where(AlertRow.monitor_id == monitor_id)
            return [_alert(row, number) for row, number in session.execute(query)]

    # --- labels --------------------------------------------------------------------------

    def save_labels(
        self, endpoint_name: str, request_ids: Sequence[str], labels: Sequence[Any]
    ) -> int:
        """Store (or replace) the ground truth of served requests; returns how many."""
        created = now_ms()
        with self.database.session(write=True) as session:
            session.execute(
                delete(LabelRow).where(
                    LabelRow.endpoint_name == endpoint_name,
                    LabelRow.request_id.in_(list(request_ids)),
                )
            )
            session.add_all(
                LabelRow(
                    endpoint_name=endpoint_name,
                    request_id=request_id,
                    label=json.dumps(label),
                    created_time=created,
                )
                for request_id, label in zip(request_ids, labels, strict=True)
            )
        return len(request_ids)

    def labels_for(self, endpoint_name: str, request_ids: Iterable[str]) -> dict[str, Any]:
        """The labels known for these requests (request id -> label)."""
        ids = list(dict.fromkeys(request_ids))
        found: dict[str, Any] = {}
        with self.database.session() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(
                    select(LabelRow.request_id, LabelRow.label).where(
                        LabelRow.endpoint_name == endpoint_name,
                        LabelRow.request_id.in_(ids[start : start + 500]),
                    )
                )
                found.update({request_id: json.loads(label) for request_id, label in rows})
        return found
