"""MLflow's REST JSON shapes (protobuf JSON of `mlflow/protos/service.proto`) as pydantic models.

Requests are parsed leniently, as MLflow's server does: 64-bit integers may come as JSON strings,
doubles as `"NaN"`, `"Infinity"` or `"-Infinity"`, enums by name or number, unknown fields are
ignored. Answers write non-finite doubles the same way (`ser_json_inf_nan="strings"`) and leave
out unset fields. This module holds the base and the tracking API's shapes (experiments, runs,
metrics, artifacts, errors); `logged_model_messages` and `registry_messages` the others.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

# Protobuf's int64 (times, steps): a larger number is a 400, never a database overflow.
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
Count = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Message(BaseModel):
    """Base of every MLflow message: lenient in, protobuf-JSON out."""

    # Answers leave unset fields out (`reply_message`), so the document keeps them optional.
    model_config = ConfigDict(
        extra="ignore",
        coerce_numbers_to_str=True,
        ser_json_inf_nan="strings",
        json_schema_serialization_defaults_required=False,
    )


RUN_STATUSES = ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")
VIEW_TYPES = ("ACTIVE_ONLY", "DELETED_ONLY", "ALL")


def enum_name(value: object, names: tuple[str, ...], first: int = 1) -> object:
    """An enum given by number (protobuf's values start at `first`) as its name."""
    if isinstance(value, int) and not isinstance(value, bool):
        index = value - first
        return names[index] if 0 <= index < len(names) else str(value)
    return value


# --- entities ----------------------------------------------------------------------------------


class KeyValue(Message):
    """A param or a tag."""

    key: str
    value: str = ""


class MetricMessage(Message):
    """One metric point (timestamp in ms since the epoch); `model_id` attaches it to a logged
    model too (MLflow 3), `run_id` says where a logged model's metric came from."""

    key: str
    value: float
    timestamp: Int64 = 0
    step: Int64 = 0
    model_id: str | None = None
    run_id: str | None = None
    dataset_name: str | None = None
    dataset_digest: str | None = None


class ExperimentMessage(Message):
    """An experiment."""

    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: str
    last_update_time: Int64 | None = None
    creation_time: Int64 | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class RunInfoMessage(Message):
    """A run's attributes."""

    run_id: str
    run_uuid: str
    run_name: str
    experiment_id: str
    user_id: str = ""
    status: str
    start_time: Int64
    end_time: Int64 | None = None
    artifact_uri: str
    lifecycle_stage: str


class RunDataMessage(Message):
    """A run's latest metrics, params and tags."""

    metrics: list[MetricMessage] = Field(default_factory=list)
    params: list[KeyValue] = Field(default_factory=list)
    tags: list[KeyValue] = Field(default_factory=list)


class RunMessage(Message):
    """A run (`inputs`: dataset and model inputs, `outputs`: model outputs, as recorded)."""

    info: RunInfoMessage
    data: RunDataMessage
    inputs: dict[str, object] | None = None
    outputs: dict[str, object] | None = None


class FileInfoMessage(Message):
    """An artifact file or folder, its path relative to the listed folder."""

    path: str
    is_dir: bool
    file_size: Int64 | None = None


# --- requests ----------------------------------------------------------------------------------


class RunRef(Message):
    """A request naming a run (`run_id`, or the older `run_uuid`)."""

    # Strict, as MLflow's server is: a number where a run id goes is INVALID_PARAMETER_VALUE.
    run_id: StrictStr | None = None
    run_uuid: StrictStr | None = None

    @property
    def the_run_id(self) -> str:
        """The run's id, whichever field carried it."""
        from .errors import INVALID_PARAMETER_VALUE, MlflowError

        found = self.run_id or self.run_uuid
        if not found:
            raise MlflowError("Missing value for required parameter 'run_id'.",
                              INVALID_PARAMETER_VALUE, "run_id")  # fmt: skip
        return found


class ExperimentRef(Message):
    """A request naming an experiment."""

    experiment_id: str


class ExperimentByName(Message):
    """`GET experiments/get-by-name`."""

    experiment_name: str


class CreateExperiment(Message):
    """`POST experiments/create` (a name that is not a string is refused, as in MLflow)."""

    name: StrictStr
    artifact_location: StrictStr | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class UpdateExperiment(Message):
    """`POST experiments/update` (rename)."""

    experiment_id: str
    new_name: str


class ExperimentTag(Message):
    """`POST experiments/set-experiment-tag`."""

    experiment_id: str
    key: str
    value: str = ""


class ExperimentTagRef(Message):
    """`POST experiments/delete-experiment-tag`."""

    experiment_id: str
    key: str


class SearchExperiments(Message):
    """`POST experiments/search`."""

    max_results: Count = 1000
    page_token: str | None = None
    filter: str | None = None
    order_by: list[str] = Field(default_factory=list)
    view_type: str = "ACTIVE_ONLY"

    _view = field_validator("view_type", mode="before")(lambda value: enum_name(value, VIEW_TYPES))


class CreateRun(Message):
    """`POST runs/create`."""

    experiment_id: str = "0"
    user_id: str | None = None
    run_name: str | None = None
    start_time: Int64 | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class UpdateRun(RunRef):
    """`POST runs/update`."""

    status: str | None = None
    end_time: Int64 | None = None
    run_name: str | None = None

    _status = field_validator("status", mode="before")(lambda value: enum_name(value, RUN_STATUSES))


class LogMetric(RunRef):
    """`POST runs/log-metric` (text fields strict, as MLflow's server checks them)."""

    key: StrictStr
    value: float
    timestamp: Int64 | None = None
    step: Int64 = 0
    model_id: StrictStr | None = None
    dataset_name: StrictStr | None = None
    dataset_digest: StrictStr | None = None


class LogParam(RunRef):
    """`POST runs/log-parameter` (a number for the key or value is refused, as in MLflow)."""

    key: StrictStr
    value: StrictStr = ""


class SetTag(RunRef):
    """`POST runs/set-tag` (a number for the key or value is refused, as in MLflow)."""

    key: StrictStr
    value: StrictStr = ""


class DeleteTag(RunRef):
    """`POST runs/delete-tag`."""

    key: str


class BatchMetric(MetricMessage):
    """A point of `runs/log-batch`: MLflow's server requires its timestamp (a point without
    one is refused, not logged at time 0)."""

    timestamp: Int64


class LogBatch(RunRef):
    """`POST runs/log-batch`."""

    metrics: list[BatchMetric] = Field(default_factory=list)
    params: list[KeyValue] = Field(default_factory=list)
    tags: list[KeyValue] = Field(default_factory=list)


class LogInputs(RunRef):
    """`POST runs/log-inputs` (dataset and model inputs)."""

    datasets: list[dict[str, object]] = Field(default_factory=list)
    models: list[dict[str, object]] = Field(default_factory=list)


class LogOutputs(RunRef):
    """`POST runs/outputs`: the models a run produced."""

    models: list[dict[str, object]] = Field(default_factory=list)


class SearchRuns(Message):
    """`POST runs/search`."""

    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    run_view_type: str = "ACTIVE_ONLY"
    max_results: Count = 1000
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None

    _view = field_validator("run_view_type", mode="before")(
        lambda value: enum_name(value, VIEW_TYPES)
    )


class GetMetricHistory(RunRef):
    """`GET metrics/get-history`."""

    metric_key: str
    max_results: Count | None = None
    page_token: str | None = None


class ListArtifacts(Message):
    """`GET mlflow-artifacts/artifacts?path=`."""

    path: str = ""


class ListRunArtifacts(Message):
    """`GET artifacts/list`: a run's artifacts under `path` (MLflow's tracking route)."""

    run_id: StrictStr | None = None
    run_uuid: StrictStr | None = None
    path: str | None = None
    page_token: str | None = None


# --- answers -----------------------------------------------------------------------------------


class Empty(Message):
    """An answer without fields (`{}`)."""


class ExperimentAnswer(Message):
    """`{"experiment": ...}`."""

    experiment: ExperimentMessage


class CreateExperimentAnswer(Message):
    """`{"experiment_id": ...}`."""

    experiment_id: str


class ExperimentsAnswer(Message):
    """A page of experiments."""

    experiments: list[ExperimentMessage] = Field(default_factory=list)
    next_page_token: str | None = None


class RunAnswer(Message):
    """`{"run": ...}`."""

    run: RunMessage


class RunInfoAnswer(Message):
    """`{"run_info": ...}`."""

    run_info: RunInfoMessage


class RunsAnswer(Message):
    """A page of runs."""

    runs: list[RunMessage] = Field(default_factory=list)
    next_page_token: str | None = None


class MetricHistoryAnswer(Message):
    """A page of a metric's history."""

    metrics: list[MetricMessage] = Field(default_factory=list)
    next_page_token: str | None = None


class ArtifactsAnswer(Message):
    """One artifact folder's entries."""

    files: list[FileInfoMessage] = Field(default_factory=list)


class RunArtifactsAnswer(Message):
    """`{"root_uri": ..., "files": [...]}`."""

    root_uri: str
    files: list[FileInfoMessage] = Field(default_factory=list)


class ErrorAnswer(Message):
    """Every error: MLflow's code and a message."""

    error_code: str
    message: str
