"""`EvaluationStore`: gate specs, gate runs and version constraints, one session per call."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ..core.clock import now_ms as now_ms
from ..core.db import Database
from ..core.errors import NotFoundError
from .gate_spec import GateSpec
from .tables import ConstraintsRow, GateRunRow, GateSpecRow


@dataclass
class GateResult:
    """One gate's verdict: `passed` None means skipped (with why in `detail`)."""

    name: str
    passed: bool | None
    detail: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class GateRun:
    """A run of a model's gates for `version` (against what `endpoint_name` serves)."""

    gate_run_id: str
    model_name: str
    version: int
    endpoint_name: str | None
    served_version: int | None
    mode: str
    status: str
    override: bool
    requested_by: str | None
    spec: dict[str, Any]
    results: list[GateResult]
    message: str | None
    task_run_id: str | None
    created_time: int
    end_time: int | None
    # The evaluations the gates compared: `candidate` and `served` (None when nothing was
    # served), each `Evaluation.to_dict(figures=False)`; empty until the gates ran.
    evaluations: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        """The names of the gates that failed."""
        return [r.name for r in self.results if r.passed is False]


def _run(row: GateRunRow) -> GateRun:
    return GateRun(
        gate_run_id=row.gate_run_id,
        model_name=row.model_name,
        version=row.version,
        endpoint_name=row.endpoint_name,
        served_version=row.served_version,
        mode=row.mode,
        status=row.status,
        override=bool(row.override),
        requested_by=row.requested_by,
        spec=json.loads(row.spec),
        results=[GateResult(**r) for r in json.loads(row.results or "[]")],
        message=row.message,
        task_run_id=row.task_run_id,
        created_time=row.created_time,
        end_time=row.end_time,
        evaluations=json.loads(row.evaluations) if row.evaluations else {},
    )


class EvaluationStore:
    """The evaluation tables of one store."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- gate specs ---------------------------------------------------------------------

    def set_spec(self, model_name: str, spec: GateSpec, alias: str = "") -> GateSpec:
        """Declare (or replace) the gates of a model or of one of its aliases."""
        with self.database.session(write=True) as session:
            row = session.get(GateSpecRow, (model_name, alias))
            text = spec.model_dump_json()
            if row is None:
                session.add(
                    GateSpecRow(model_name=model_name, alias=alias, spec=text, update_time=now_ms())
                )
            else:
                row.spec, row.update_time = text, now_ms()
        return spec

    def get_spec(self, model_name: str, alias: str | None = None) -> GateSpec | None:
        """The alias's gates, else the model's, else None."""
        with self.database.session() as session:
            for key in ([alias] if alias else []) + [""]:
                row = session.get(GateSpecRow, (model_name, key))
                if row is not None:
                    return GateSpec.model_validate_json(row.spec)
        return None

    def list_specs(self, model_name: str) -> dict[str, GateSpec]:
        """Every gate spec of a model by alias ("" for the model's own)."""
        with self.database.session() as session:
            rows = session.scalars(select(GateSpecRow).where(GateSpecRow.model_name == model_name))
            return {row.alias: GateSpec.model_validate_json(row.spec) for row in rows}

    def delete_spec(self, model_name: str, alias: str = "") -> None:
        """Remove a gate spec (404 when there is none)."""
        with self.database.session(write=True) as session:
            row = session.get(GateSpecRow, (model_name, alias))
            if row is None:
                raise NotFoundError(f"model {model_name!r} declares no such gates", field="alias")
            session.delete(row)

    # --- gate runs ----------------------------------------------------------------------

    def create_run(
        self,
        model_name: str,
        version: int,
        endpoint_name: str | None,
        mode: str,
        spec: GateSpec,
        override: bool = False,
        requested_by: str | None = None,
    ) -> GateRun:
        """Record a queued gate run."""
        row = GateRunRow(
            gate_run_id=uuid.uuid4().hex,
            model_name=model_name,
            version=version,
            endpoint_name=endpoint_name,
            mode=mode,
            status="queued",
            override=override,
            requested_by=requested_by,
            spec=spec.model_dump_json(),
            results="[]",
            created_time=now_ms(),
        )
        with self.database.session(write=True) as session:
            session.add(row)
            session.flush()
            return _run(row)

    def update_run(self, gate_run_id: str, **changes: Any) -> GateRun:
        """Change a gate run's fields (`results` as a list of `GateResult`, `evaluations` a
        JSON-ready dict)."""
        with self.database.session(write=True) as session:
            row = session.get(GateRunRow, gate_run_id)
            if row is None:
                raise NotFoundError(f"no gate run {gate_run_id!r}", field="gate_run_id")
            for key, value in changes.items():
                if key == "results":
                    value = json.dumps([r.__dict__ for r in value], default=str)
                elif key == "evaluations":
                    value = json.dumps(value, default=str)
                setattr(row, key, value)
            session.flush()
            return _run(row)

    def get_run(self, gate_run_id: str) -> GateRun:
        """One gate run (404 naming `gate_run_id`)."""
        with self.database.session() as session:
            row = session.get(GateRunRow, gate_run_id)
            if row is None:
                raise NotFoundError(f"no gate run {gate_run_id!r}", field="gate_run_id")
            return _run(row)

    def list_runs(self, model_name: str | None = None, limit: int = 50) -> list[GateRun]:
        """The latest gate runs (of a model), newest first."""
        query = select(GateRunRow).order_by(GateRunRow.created_time.desc()).limit(limit)
        if model_name:
            query = query.where(GateRunRow.model_name == model_name)
        with self.database.session() as session:
            return [_run(row) for row in session.scalars(query)]

    # --- constraints ---------------------------------------------------------------------

    def set_constraints(self, model_name: str, version: int, constraints: dict[str, Any]) -> None:
        """Attach constraints (a `Constraints.to_dict()`) to a registered version."""
        with self.database.session(write=True) as session:
            row = session.get(ConstraintsRow, (model_name, version))
            text = json.dumps(constraints, default=str)
            if row is None:
                session.add(
                    ConstraintsRow(
                        model_name=model_name,
                        version=version,
                        constraints=text,
                        update_time=now_ms(),
                    )
                )
            else:
                row.constraints, row.update_time = text, now_ms()

    def get_constraints(self, model_name: str, version: int) -> dict[str, Any] | None:
        """The constraints a version carries, if any were attached."""
        with self.database.session() as session:
            row = session.get(ConstraintsRow, (model_name, version))
            return json.loads(row.constraints) if row is not None else None
