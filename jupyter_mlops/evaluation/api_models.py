"""The REST contract of evaluation (mirrored by the Lab's gate view)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    spec: dict[str, Any]
    evaluations: dict[str, Any] = Field(
        default_factory=dict,
        description="The evaluations the gates compared on the holdout: `candidate` and "
        "`served` (null when nothing was served), each an evaluation without figures "
        "(metrics, slices, fairness, n_rows); empty until the gates ran",
    )


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
