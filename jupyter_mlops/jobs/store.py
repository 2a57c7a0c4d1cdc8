"""`JobStore`: job definitions, runs and firing claims in the store (one session per call).

Returns `entities` dataclasses, never rows. Writes take the write session (SQLite's write lock
at BEGIN), so a scheduler, the server and job processes can all write at once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..core.clock import now_ms as now_ms
from ..core.db import Database
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.team import audit, notifications
from ..core.team.identity import current_user
from .entities import ACTIVE_STATUSES, Job, JobRun, JobSpec, RunStatus
from .tables import FiringRow, JobRow, RunRow


def new_id() -> str:
    """A fresh 32-hex id."""
    return uuid.uuid4().hex


def _job(row: JobRow, last_run: JobRun | None = None) -> Job:
    return Job(
        job_id=row.job_id,
        name=row.name,
        notebook_path=row.notebook_path,
        parameters=json.loads(row.parameters or "{}"),
        schedule=row.schedule,
        timezone=row.timezone,
        target=row.target,
        gpu=bool(row.gpu),
        timeout_s=row.timeout_s,
        retries=row.retries,
        outputs=[part for part in row.outputs.split(",") if part],
        paused=bool(row.paused),
        missed_policy=row.missed_policy,
        created_time=row.created_time,
        updated_time=row.updated_time,
        schedule_since=row.schedule_since,
        last_run=last_run,
        created_by=row.created_by,
        updated_by=row.updated_by,
        input_validation=json.loads(row.input_validation) if row.input_validation else None,
    )


def _run(row: RunRow) -> JobRun:
    return JobRun(
        run_id=row.run_id,
        job_id=row.job_id,
        kind=row.kind,
        title=row.title,
        status=RunStatus(row.status),
        trigger=row.trigger,
        attempt=row.attempt,
        target=row.target,
        notebook_path=row.notebook_path,
        parameters=json.loads(row.parameters or "{}"),
        scheduled_time=row.scheduled_time,
        created_time=row.created_time,
        start_time=row.start_time,
        end_time=row.end_time,
        progress=row.progress,
        cells_done=row.cells_done,
        cells_total=row.cells_total,
        failed_cell=row.failed_cell,
        failed_cell_source=row.failed_cell_source,
        error=row.error,
        error_code=row.error_code,
        error_field=row.error_field,
        output_dir=row.output_dir,
        outputs=json.loads(row.outputs or "{}"),
        result=json.loads(row.result) if row.result is not None else None,
        host=row.host,
        pid=row.pid,
        heartbeat_time=row.heartbeat_time,
        created_by=row.created_by,
    )


_JOB_FIELDS = {
    "name", "parameters", "schedule", "timezone", "target", "gpu", "timeout_s", "retries",
    "outputs", "paused", "missed_policy", "notebook_path", "snapshot", "schedule_since",
    "input_validation",
}  # fmt: skip


def _job_values(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "parameters" in out:
        out["parameters"] = json.dumps(out["parameters"])
    if "outputs" in out:
        out["outputs"] = ",".join(out["outputs"])
    if out.get("input_validation") is not None:
        out["input_validation"] = json.dumps(out["input_validation"])
    return out


class JobStore:
    """Jobs, runs and firing claims in `database`."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # -- jobs ---------------------------------------------------------------------------
    def create_job(self, spec: JobSpec, snapshot: str, name: str) -> Job:
        """Store a validated job definition with its notebook snapshot."""
        now = now_ms()
        values = asdict(spec)
        values["name"] = name
        row = JobRow(
            job_id=new_id(),
            snapshot=snapshot,
            created_time=now,
            updated_time=now,
            schedule_since=now,
            created_by=current_user(),
            updated_by=current_user(),
            **_job_values(values),
        )
        with self.database.session(write=True) as session:
            session.add(row)
            session.flush()
            after = {"name": name, "notebook": spec.notebook_path, "schedule": spec.schedule}
            audit.record(session, "job.create", "job", row.job_id, after=after)
            return _job(row)

    def get_job(self, job_id: str) -> Job:
        """One job with its latest run; unknown ids are a 404 naming `job_id`."""
        with self.database.session() as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"no job {job_id!r}", field="job_id")
            last = session.scalars(
                select(RunRow)
                .where(RunRow.job_id == job_id)
                .order_by(RunRow.created_time.desc())
                .limit(1)
            ).first()
            return _job(row, _run(last) if last is not None else None)

    def list_jobs(self) -> list[Job]:
        """Every job, newest first, each with its latest run."""
        with self.database.session() as session:
            rows = session.scalars(select(JobRow).order_by(JobRow.created_time.desc())).all()
            latest = (
                select(RunRow.job_id, func.max(RunRow.created_time).label("created"))
                .where(RunRow.job_id.is_not(None))
                .group_by(RunRow.job_id)
                .subquery()
            )
            last_runs = session.scalars(
                select(RunRow).join(
                    latest,
                    (RunRow.job_id == latest.c.job_id) & (RunRow.created_time == latest.c.created),
                )
            ).all()
            by_job = {run.job_id: _run(run) for run in last_runs}
            return [_job(row, by_job.get(row.job_id)) for row in rows]

    def schedulable_jobs(self) -> list[Job]:
        """Jobs with a schedule that are not paused."""
        with self.database.session() as session:
            rows = session.scalars(
                select(JobRow).where(JobRow.schedule.is_not(None), JobRow.paused.is_(False))
            ).all()
            return [_job(row) for row in rows]

    def update_job(self, job_id: str, **changes: Any) -> Job:
        """Change stored fields of a job (already validated by the service)."""
        unknown = set(changes) - _JOB_FIELDS
        if unknown:
            raise ValueError(f"not job fields: {sorted(unknown)}")
        values = _job_values(changes)
        values["updated_time"] = now_ms()
        values["updated_by"] = current_user()
        with self.database.session(write=True) as session:
            result = session.execute(update(JobRow).where(JobRow.job_id == job_id).values(**values))
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFoundError(f"no job {job_id!r}", field="job_id")
            # The schedule's bookkeeping is not a user's change.
            if set(changes) - {"schedule_since"}:
                shown = {k: v for k, v in changes.items() if k != "snapshot"}
                audit.record(session, "job.update", "job", job_id, after=shown)
        return self.get_job(job_id)

    def delete_job(self, job_id: str) -> None:
        """Delete a job with its runs and claims."""
        with self.database.session(write=True) as session:
            session.execute(delete(FiringRow).where(FiringRow.job_id == job_id))
            session.execute(delete(RunRow).where(RunRow.job_id == job_id))
            result = session.execute(delete(JobRow).where(JobRow.job_id == job_id))
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFoundError(f"no job {job_id!r}", field="job_id")
            audit.record(session, "job.delete", "job", job_id)

    def snapshot(self, job_id: str) -> str:
        """The notebook JSON the job runs."""
        with self.database.session() as session:
            text = session.scalar(select(JobRow.snapshot).where(JobRow.job_id == job_id))
            if text is None:
                raise NotFoundError(f"no job {job_id!r}", field="job_id")
            return text

    # -- runs ---------------------------------------------------------------------------
    def _new_run_row(self, **fields: Any) -> RunRow:
        fields.setdefault("run_id", new_id())
        fields.setdefault("created_time", now_ms())
        fields.setdefault("status", RunStatus.QUEUED.value)
        fields["parameters"] = json.dumps(fields.get("parameters") or {})
        fields.setdefault("outputs", "{}")
        fields.setdefault("progress", 0.0)
        fields.setdefault("cells_done", 0)
        fields.setdefault("cells_total", 0)
        fields.setdefault("attempt", 1)
        fields.setdefault("target", "local")
        fields.setdefault("created_by", current_user())
        return RunRow(**fields)

    def create_run(self, **fields: Any) -> JobRun:
        """A new queued run (fields of `jobs_runs`: kind, title, trigger, job_id, ...)."""
        row = self._new_run_row(**fields)
        with self.database.session(write=True) as session:
            session.add(row)
            session.flush()
            return _run(row)

    def claim_firing(
        self, job: Job, scheduled_time: int, claimed_by: str, *, run: bool
    ) -> JobRun | None:
        """Claim firing `(job, scheduled_time)`; returns its new run, or None if taken.

        The claim and the run are one transaction: exactly one caller wins, whatever the
        number of schedulers. `run=False` records a skipped firing (missed-firing policy).
        """
        row = None
        if run:
            row = self._new_run_row(
                job_id=job.job_id,
                kind="notebook",
                title=job.name,
                trigger="schedule",
                target=job.target,
                notebook_path=job.notebook_path,
                parameters=job.parameters,
                scheduled_time=scheduled_time,
                created_by=job.created_by,  # a scheduled run acts for the job's owner
            )
        claim = FiringRow(
            job_id=job.job_id,
            scheduled_time=scheduled_time,
            run_id=row.run_id if row is not None else None,
            claimed_time=now_ms(),
            claimed_by=claimed_by[:256],
        )
        try:
            with self.database.session(write=True) as session:
                session.add(claim)
                session.flush()
                if row is not None:
                    session.add(row)
                    session.flush()
                    return _run(row)
                return None
        except MLOpsError as exc:
            if exc.code is ErrorCode.CONFLICT:
                return None
            raise

    def last_firing(self, job_id: str) -> int | None:
        """The latest claimed firing time of a job."""
        with self.database.session() as session:
            value: int | None = session.scalar(
                select(func.max(FiringRow.scheduled_time)).where(FiringRow.job_id == job_id)
            )
            return value

    def firings(self, job_id: str) -> list[tuple[int, str | None]]:
        """Every claimed firing of a job: (scheduled time, run id or None when skipped)."""
        with self.database.session() as session:
            rows = session.execute(
                select(FiringRow.scheduled_time, FiringRow.run_id)
                .where(FiringRow.job_id == job_id)
                .order_by(FiringRow.scheduled_time)
            ).all()
            return [(row[0], row[1]) for row in rows]

    def get_run(self, run_id: str) -> JobRun:
        """One run; unknown ids are a 404 naming `run_id`."""
        with self.database.session() as session:
            row = session.get(RunRow, run_id)
            if row is None:
                raise NotFoundError(f"no job run {run_id!r}", field="run_id")
            return _run(row)

    def list_runs(
        self,
        job_id: str | None = None,
        kind: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[JobRun]:
        """Runs, newest first, of one job and/or of one kind."""
        query = select(RunRow)
        if job_id is not None:
            query = query.where(RunRow.job_id == job_id)
        if kind is not None:
            query = query.where(RunRow.kind == kind)
        query = query.order_by(RunRow.created_time.desc(), RunRow.run_id).limit(limit)
        with self.database.session() as session:
            return [_run(row) for row in session.scalars(query.offset(offset)).all()]

    def active_runs(self) -> list[JobRun]:
        """Runs that are queued or running."""
        with self.database.session() as session:
            rows = session.scalars(select(RunRow).where(RunRow.status.in_(ACTIVE_STATUSES)))
            return [_run(row) for row in rows.all()]

    def update_run(self, run_id: str, **values: Any) -> None:
        """Set columns of a run (status, progress, outputs, ...)."""
        if "outputs" in values and not isinstance(values["outputs"], str):
            values["outputs"] = json.dumps(values["outputs"])
        if "result" in values and values["result"] is not None:
            values["result"] = json.dumps(values["result"])
        if isinstance(values.get("status"), RunStatus):
            values["status"] = values["status"].value
        with self.database.session(write=True) as session:
            session.execute(update(RunRow).where(RunRow.run_id == run_id).values(**values))
            if values.get("status") in _NOTIFIED:
                _notify_end(session, run_id)

    def finish_run_if_active(self, run_id: str, status: RunStatus, error: str) -> bool:
        """End a run still queued/running (a dead process's); False if it had ended."""
        with self.database.session(write=True) as session:
            result = session.execute(
                update(RunRow)
                .where(RunRow.run_id == run_id, RunRow.status.in_(ACTIVE_STATUSES))
                .values(status=status.value, error=error, end_time=now_ms())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def heartbeat(self, run_ids: Iterable[str]) -> None:
        """Say these runs' process is alive."""
        ids = list(run_ids)
        if not ids:
            return
        with self.database.session(write=True) as session:
            session.execute(
                update(RunRow)
                .where(RunRow.run_id.in_(ids), RunRow.status.in_(ACTIVE_STATUSES))
                .values(heartbeat_time=now_ms())
            )


_NOTIFIED = {
    "succeeded": "job.run.succeeded",
    "failed": "job.run.failed",
    "timed_out": "job.run.failed",
}


def _notify_end(session: Session, run_id: str) -> None:
    """Queue the notification of a job's run that ended (tasks are not notified)."""
    row = session.get(RunRow, run_id)
    if row is None or row.job_id is None:
        return
    event = _NOTIFIED[row.status]
    text = f"job {row.title} run {row.status}" + (f": {row.error}" if row.error else "")
    notifications.notify(
        session,
        event,
        text[:500],
        job_id=row.job_id,
        run_id=run_id,
        status=row.status,
        error=row.error,
        owner=row.created_by,
    )
