"""The REST contract of experiment tracking: request and response models under `/mlops/api/`.

Shapes follow MLflow's REST API where it has one (run ids, `run_name`, `lifecycle_stage`,
times in milliseconds since the epoch, metric points with step and timestamp, artifact
`files` with `is_dir` and `file_size`), so an MLflow-compatible facade can be laid over the
same store later. `labextension/src/tracking/model.ts` mirrors these models field by field.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.query import MAX_INT64
from ..core.query import QueryModel as QueryModel  # re-exported for older imports; use core.query
from .entities import ArtifactInfo, Experiment, Metric, Run
from .entities import MetricSummary as StoreMetricSummary

RunStatus = Literal["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]
LifecycleStage = Literal["active", "deleted"]
ViewType = Literal["active", "deleted", "all"]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_METRIC_POINTS = 100_000


# --- requests ------------------------------------------------------------------------------


class ExperimentsQuery(QueryModel):
    """`GET experiments`: which lifecycle stage to list."""

    view: ViewType = "active"


class RunsQuery(QueryModel):
    """`GET runs`: MLflow's search arguments plus paging.

    `filter` is the search syntax (`params.lr = '0.1' and metrics.acc > 0.9`), `order_by` is
    repeatable (`metrics.acc DESC`, `params.lr`, `attributes.start_time ASC`). Page with the
    `next_page_token` of the previous page, or with an explicit `offset`.
    """

    experiment_id: list[str] = Field(default_factory=list)
    filter: str = ""
    order_by: list[str] = Field(default_factory=list)
    max_results: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    page_token: str | None = None
    offset: int | None = Field(None, ge=0, le=MAX_INT64)
    view: ViewType = "active"


class ChildRunsQuery(QueryModel):
    """`GET runs/{run_id}/children`: a page of nested runs (oldest first)."""

    max_results: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    page_token: str | None = None
    offset: int | None = Field(None, ge=0, le=MAX_INT64)


class MetricHistoryQuery(QueryModel):
    """`GET runs/{run_id}/metrics[/{key}]`: which metric, and at most how many points."""

    key: str = Field(min_length=1)
    max_points: int = Field(MAX_METRIC_POINTS, ge=1, le=MAX_METRIC_POINTS)


class MetricHistoryPathQuery(QueryModel):
    """`GET runs/{run_id}/metrics/{key}`: at most how many points (the key is in the path)."""

    max_points: int = Field(MAX_METRIC_POINTS, ge=1, le=MAX_METRIC_POINTS)


class ArtifactsQuery(QueryModel):
    """`GET runs/{run_id}/artifacts`: the folder to list, relative to the run's artifact root."""

    path: str = ""


class RunUpdate(BaseModel):
    """`PATCH runs/{run_id}`: the run's new name."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=250)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a run name cannot be blank")
        return value


# --- responses -----------------------------------------------------------------------------


class ExperimentOut(BaseModel):
    """One experiment with its run counts (runs not deleted)."""

    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: LifecycleStage
    creation_time: int | None
    last_update_time: int | None
    run_count: int
    active_run_count: int
    last_run_time: int | None


class ExperimentList(BaseModel):
    """`GET experiments`."""

    experiments: list[ExperimentOut]


class ExperimentDetail(ExperimentOut):
    """`GET experiments/{experiment_id}`: also the keys that the runs table offers as columns."""

    param_keys: list[str]
    metric_keys: list[str]
    tag_keys: list[str]


# A metric value over JSON: a number, or NaN and the infinities as MLflow's REST API sends them.
MetricValue = float | Literal["NaN", "Infinity", "-Infinity"]


class RunOut(BaseModel):
    """A run as the runs table shows it: attributes, params, latest metrics and tags."""

    run_id: str
    experiment_id: str
    run_name: str
    status: RunStatus
    start_time: int | None
    end_time: int | None
    lifecycle_stage: LifecycleStage
    artifact_uri: str
    parent_run_id: str | None
    params: dict[str, str]
    metrics: dict[str, MetricValue]
    tags: dict[str, str]


class RunsPage(BaseModel):
    """`GET runs`: one page, the token of the next (null on the last page) and the total."""

    runs: list[RunOut]
    next_page_token: str | None
    offset: int
    total: int


class MetricSummary(BaseModel):
    """The latest point of one metric of a run, and how many points it has."""

    key: str
    value: MetricValue
    step: int
    timestamp: int
    points: int


class NotebookSource(BaseModel):
    """Where a run came from: the notebook (`lab_path` is relative to the Lab's root, or null
    when the notebook lies outside it) and the cell's source when recorded."""

    path: str
    lab_path: str | None
    cell_source: str | None


class RunDetail(RunOut):
    """`GET runs/{run_id}`: the run plus its experiment's name, metric summaries, where it came
    from (notebook, cell, git, environment) and, for a FAILED run, the traceback."""

    experiment_name: str
    metric_summaries: list[MetricSummary]
    source: NotebookSource | None
    user: str | None
    git_commit: str | None
    git_dirty: bool | None
    environment: dict[str, str]
    failure: str | None


class MetricPoint(BaseModel):
    """One logged value of a metric."""

    step: int
    value: MetricValue
    timestamp: int


class MetricHistory(BaseModel):
    """`GET runs/{run_id}/metrics/{key}`: every point in step order (or an even sample of at
    most `max_points`, flagged by `sampled`); `total` is how many points the store holds."""

    run_id: str
    key: str
    points: list[MetricPoint]
    sampled: bool
    total: int


class ArtifactFile(BaseModel):
    """An entry of an artifact folder, its path relative to the run's artifact root."""

    path: str
    is_dir: bool
    file_size: int | None


class ArtifactList(BaseModel):
    """`GET runs/{run_id}/artifacts?path=...`: the folder's entries, folders first."""

    run_id: str
    root_uri: str
    path: str
    files: list[ArtifactFile]


# --- from store entities -------------------------------------------------------------------


def _ms(value: int | None) -> int | None:
    return None if value is None else int(value)


def _finite(value: float) -> MetricValue:
    # JSON has no NaN or infinities: they travel as the strings MLflow's REST API uses.
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def experiment_out(experiment: Experiment) -> ExperimentOut:
    """The REST view of an experiment and its counts."""
    return ExperimentOut(
        experiment_id=experiment.experiment_id,
        name=experiment.name,
        artifact_location=experiment.artifact_location,
        lifecycle_stage=experiment.lifecycle_stage,  # type: ignore[arg-type]
        creation_time=_ms(experiment.creation_time),
        last_update_time=_ms(experiment.last_update_time),
        run_count=experiment.run_count or 0,
        active_run_count=experiment.active_run_count or 0,
        last_run_time=_ms(experiment.last_run_time),
    )


def run_fields(run: Run) -> dict[str, Any]:
    """The fields of `RunOut` for a store `Run`."""
    return {
        "run_id": run.run_id,
        "experiment_id": run.experiment_id,
        "run_name": run.name,
        "status": run.status,
        "start_time": _ms(run.start_time),
        "end_time": _ms(run.end_time),
        "lifecycle_stage": run.lifecycle_stage,
        "artifact_uri": run.artifact_uri,
        "parent_run_id": run.parent_run_id,
        "params": dict(run.params),
        "metrics": {key: _finite(value) for key, value in run.metrics.items()},
        "tags": dict(run.tags),
    }


def run_out(run: Run) -> RunOut:
    """The REST view of a run for the runs table."""
    return RunOut(**run_fields(run))


def metric_point(metric: Metric) -> MetricPoint:
    """One point of a metric's history."""
    return MetricPoint(step=metric.step, value=_finite(metric.value), timestamp=metric.timestamp)


def metric_summary(summary: StoreMetricSummary) -> MetricSummary:
    """The latest point of one metric and its number of points."""
    return MetricSummary(
        key=summary.key,
        value=_finite(summary.value),
        step=summary.step,
        timestamp=summary.timestamp,
        points=summary.points,
    )


def artifact_file(info: ArtifactInfo) -> ArtifactFile:
    """An entry of an artifact listing."""
    return ArtifactFile(path=info.path, is_dir=info.is_dir, file_size=info.file_size)
