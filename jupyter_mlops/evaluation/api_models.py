"""The REST contract of evaluation (mirrored by the Lab's gate view)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.query import QueryModel
from .gate_spec import GateSpec
from .store import GateRun


class GateSpecIn(GateSpec):
    """`PUT evaluation/models/{name}/gates`: the gates, for the model or one `alias`."""

    alias: str | None = Field(None, max_length=128)


class GateSpecsOut(BaseModel):
    """A model's gate specs by alias ("" is the model's own)."""

    model: str
    gates: dict[str, GateSpec]


class GateRunIn(BaseModel):
    """`POST evaluation/gate-runs`: run the gates for serving `version` on `endpoint`."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(min_length=1, max_length=256)
    version: int = Field(ge=1, le=2**31 - 1)
    mode: Literal["check", "promote", "propose"] = "promote"
    override: bool = False
    wait: bool = Field(False, description="Answer once decided (409 when refused)")


class GateResultOut(BaseModel):
    """One gate: passed (None: skipped), why, and its figures."""

    name: str
    passed: bool | None
    detail: str
    values: dict[str, Any] = Field(default_factory=dict)


class FairnessOut(BaseModel):
    """One sensitive feature's fairness (`entities.GroupFairness`): `by_group[group][metric]`,
    and the gaps between groups, `difference` (max - min) and `ratio` (min / max)."""

    by_group: dict[str, dict[str, float | None]]
    difference: dict[str, float | None]
    ratio: dict[str, float | None]


class EvaluationSummaryOut(BaseModel):
    """An evaluation without its figures (`Evaluation.to_dict(figures=False)`); a figure that
    is NaN (e.g. a metric undefined on one class) is null."""

    model_type: str
    n_rows: int
    metrics: dict[str, float | None]
    slices: dict[str, dict[str, dict[str, float | None]]] = Field(default_factory=dict)
    fairness: dict[str, FairnessOut] = Field(default_factory=dict)
    importance: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    latency_ms: dict[str, float | None] | None = None
    classes: list[str | int | float | bool] | None = None
    engine: str = "pandas"
    model: str | None = None
    run_id: str | None = None
    notes: list[str] = Field(default_factory=list)


class GateEvaluationsOut(BaseModel):
    """What a gate run compared on the same holdout rows: the candidate's evaluation and the
    served version's (null when nothing was served, or before the gates ran)."""

    candidate: EvaluationSummaryOut | None = None
    served: EvaluationSummaryOut | None = None


class GateRunOut(BaseModel):
    """A gate run: its verdict, every gate, and the task that ran it (with its progress)."""

    gate_run_id: str
    model_name: str
    version: int
    endpoint_name: str | None
    served_version: int | None
    mode: str
    status: str
    override: bool
    requested_by: str | None
    failed: list[str]
    results: list[GateResultOut]
    message: str | None
    task_run_id: str | None
    progress: float | None = None
    created_time: int
    end_time: int | None
    spec: GateSpec
    evaluations: GateEvaluationsOut = Field(
        default_factory=GateEvaluationsOut,
        description="The evaluations the gates compared on the holdout (both null until the "
        "gates ran)",
    )

    @field_validator("spec", mode="before")
    @classmethod
    def _declared_fields(cls, spec: Any) -> Any:
        # A run keeps the spec it checked; a field a later version dropped is left out of the
        # answer rather than refusing the old run (GateSpec forbids unknown fields as input).
        if isinstance(spec, dict):
            return {k: v for k, v in spec.items() if k in GateSpec.model_fields}
        return spec


class GateRunList(BaseModel):
    """Gate runs, newest first."""

    gate_runs: list[GateRunOut]


class GateRunQuery(QueryModel):
    """`GET evaluation/gate-runs?model=`."""

    model: str | None = Field(None, max_length=256)
    limit: int = Field(50, ge=1, le=1000)


class ConstraintsIn(BaseModel):
    """`PUT .../constraints`: the constraints as a mapping, or as YAML/JSON text."""

    model_config = ConfigDict(extra="forbid")

    constraints: dict[str, Any] | None = None
    text: str | None = Field(None, max_length=1_000_000)


class ConstraintsOut(BaseModel):
    """A version's constraints (attached, or suggested from its training data; None: none)."""

    model: str
    version: int
    attached: bool
    constraints: dict[str, Any] | None


def gate_run_out(run: GateRun, progress: float | None = None) -> GateRunOut:
    """The REST view of a gate run."""
    return GateRunOut(
        **{k: v for k, v in asdict(run).items() if k != "results"},
        failed=run.failed,
        results=[GateResultOut(**asdict(r)) for r in run.results],
        progress=progress,
    )
