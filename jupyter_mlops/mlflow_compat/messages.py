"""MLflow's REST JSON shapes (protobuf JSON of `mlflow/protos/service.proto`) as pydantic models.

Requests are parsed leniently, as MLflow's server does: 64-bit integers may come as JSON strings,
doubles as `"NaN"`, `"Infinity"` or `"-Infinity"`, enums by name or number, unknown fields are
ignored. Answers write non-finite doubles the same way (`ser_json_inf_nan="strings"`) and leave
out unset fields.
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


def _enum_name(value: object, names: tuple[str, ...], first: int = 1) -> object:
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

    _view = field_validator("view_type", mode="before")(lambda value: _enum_name(value, VIEW_TYPES))


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

    _status = field_validator("status", mode="before")(
        lambda value: _enum_name(value, RUN_STATUSES)
    )


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


class SearchRuns(Message):
    """`POST runs/search`."""

    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    run_view_type: str = "ACTIVE_ONLY"
    max_results: Count = 1000
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None

    _view = field_validator("run_view_type", mode="before")(
        lambda value: _enum_name(value, VIEW_TYPES)
    )


class GetMetricHistory(RunRef):
    """`GET metrics/get-history`."""

    metric_key: str
    max_results: Count | None = None
    page_token: str | None = None


class ListArtifacts(Message):
    """`GET mlflow-artifacts/artifacts?path=`."""

    path: str = ""


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


class ErrorAnswer(Message):
    """Every error: MLflow's code and a message."""

    error_code: str
    message: str


# --- logged models (MLflow 3's `log_model` and autologging) ------------------------------------

LOGGED_MODEL_STATUSES = (
    "LOGGED_MODEL_STATUS_UNSPECIFIED",
    "LOGGED_MODEL_PENDING",
    "LOGGED_MODEL_READY",
    "LOGGED_MODEL_UPLOAD_FAILED",
)


class LoggedModelInfo(Message):
    """A logged model's attributes."""

    model_id: str
    experiment_id: str
    name: str
    creation_timestamp_ms: Int64
    last_updated_timestamp_ms: Int64
    artifact_uri: str
    status: str
    model_type: str | None = None
    source_run_id: str | None = None
    status_message: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class LoggedModelData(Message):
    """A logged model's params, and the metrics logged with its `model_id`."""

    params: list[KeyValue] = Field(default_factory=list)
    metrics: list[MetricMessage] = Field(default_factory=list)


class LoggedModelMessage(Message):
    """A logged model."""

    info: LoggedModelInfo
    data: LoggedModelData = Field(default_factory=LoggedModelData)


class CreateLoggedModel(Message):
    """`POST logged-models`."""

    experiment_id: str
    name: str | None = None
    model_type: str | None = None
    source_run_id: str | None = None
    params: list[KeyValue] = Field(default_factory=list)
    tags: list[KeyValue] = Field(default_factory=list)


class FinalizeLoggedModel(Message):
    """`PATCH logged-models/{model_id}`."""

    status: str = "LOGGED_MODEL_READY"

    _status = field_validator("status", mode="before")(
        lambda value: _enum_name(value, LOGGED_MODEL_STATUSES, first=0)
    )


class LoggedModelTags(Message):
    """`PATCH logged-models/{model_id}/tags`."""

    tags: list[KeyValue] = Field(default_factory=list)


class LoggedModelParams(Message):
    """`POST logged-models/{model_id}/params`."""

    params: list[KeyValue] = Field(default_factory=list)


class LoggedModelDataset(Message):
    """A dataset of `logged-models/search`: models with a metric logged on it."""

    dataset_name: str
    dataset_digest: str | None = None


class LoggedModelOrder(Message):
    """A sort key of `logged-models/search` (an info field, e.g. `creation_timestamp`)."""

    field_name: str
    ascending: bool = True


class SearchLoggedModels(Message):
    """`POST logged-models/search` (filter: `name`, `source_run_id`, `status`, `model_type`,
    `model_id` comparisons `=`/`!=` joined by AND)."""

    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    datasets: list[LoggedModelDataset] = Field(default_factory=list)
    max_results: Count = 100
    order_by: list[LoggedModelOrder] = Field(default_factory=list)
    page_token: str | None = None


class LogOutputs(RunRef):
    """`POST runs/outputs`: the models a run produced."""

    models: list[dict[str, object]] = Field(default_factory=list)


class LoggedModelAnswer(Message):
    """`{"model": ...}`."""

    model: LoggedModelMessage


class LoggedModelsAnswer(Message):
    """A page of logged models."""

    models: list[LoggedModelMessage] = Field(default_factory=list)
    next_page_token: str | None = None


# --- model registry (over the workbench's registry, `serving`) -----------------------------------


class ModelVersionMessage(Message):
    """A registered model's version (`version` is text, as in MLflow)."""

    name: str
    version: str
    creation_timestamp: Int64
    last_updated_timestamp: Int64
    description: str | None = None
    source: str
    run_id: str | None = None
    status: str = "READY"
    status_message: str | None = None
    current_stage: str = "None"
    tags: list[KeyValue] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


class AliasMessage(Message):
    """An alias and the version it points to."""

    alias: str
    version: str


class RegisteredModelMessage(Message):
    """A registered model."""

    name: str
    creation_timestamp: Int64 | None = None
    last_updated_timestamp: Int64 | None = None
    description: str | None = None
    latest_versions: list[ModelVersionMessage] = Field(default_factory=list)
    tags: list[KeyValue] = Field(default_factory=list)
    aliases: list[AliasMessage] = Field(default_factory=list)


class ModelName(Message):
    """A request naming a registered model."""

    name: str


class CreateRegisteredModel(Message):
    """`POST registered-models/create`."""

    name: str
    description: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class ModelVersionRef(Message):
    """`GET model-versions/get`."""

    name: str
    version: str


class RenameRegisteredModel(Message):
    """`POST registered-models/rename`."""

    name: str
    new_name: str


class UpdateRegisteredModel(Message):
    """`PATCH registered-models/update`."""

    name: str
    description: str | None = None


class UpdateModelVersion(Message):
    """`PATCH model-versions/update`."""

    name: str
    version: str
    description: str | None = None


class RegisteredModelTag(Message):
    """`POST registered-models/set-tag`."""

    name: str
    key: str
    value: str = ""


class RegisteredModelTagRef(Message):
    """`DELETE registered-models/delete-tag`."""

    name: str
    key: str


class ModelVersionTag(Message):
    """`POST model-versions/set-tag`."""

    name: str
    version: str
    key: str
    value: str = ""


class ModelVersionTagRef(Message):
    """`DELETE model-versions/delete-tag`."""

    name: str
    version: str
    key: str


class CreateModelVersion(Message):
    """`POST model-versions/create`."""

    name: str
    source: str
    run_id: str | None = None
    description: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)
    model_id: str | None = None


class AliasRef(Message):
    """`GET`/`DELETE registered-models/alias`."""

    name: str
    alias: str


class SetAlias(Message):
    """`POST registered-models/alias`."""

    name: str
    alias: str
    version: str


class SearchRegistry(Message):
    """`GET registered-models/search`, `model-versions/search` (filter: `name`, `run_id`,
    `source_path` or `tags.KEY` with `=`, `!=`, `LIKE`, `ILIKE` and a quoted value, joined by
    AND; `order_by`: MLflow's keys with `ASC`/`DESC`)."""

    filter: str | None = None
    max_results: Count = 100
    page_token: str | None = None
    order_by: list[str] = Field(default_factory=list)

    @field_validator("order_by", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        """One `order_by` query argument arrives as text, several as a list."""
        return [value] if isinstance(value, str) else value


class LatestVersions(Message):
    """`POST registered-models/get-latest-versions` (stages map onto aliases)."""

    name: str
    stages: list[str] = Field(default_factory=list)


class TransitionStage(Message):
    """`POST model-versions/transition-stage` (deprecated in MLflow; moves an alias here)."""

    name: str
    version: str
    stage: str
    archive_existing_versions: bool = False


class RegisteredModelAnswer(Message):
    """`{"registered_model": ...}`."""

    registered_model: RegisteredModelMessage


class RegisteredModelsAnswer(Message):
    """A page of registered models."""

    registered_models: list[RegisteredModelMessage] = Field(default_factory=list)
    next_page_token: str | None = None


class ModelVersionAnswer(Message):
    """`{"model_version": ...}`."""

    model_version: ModelVersionMessage


class DownloadUriAnswer(Message):
    """`{"artifact_uri": ...}` of `model-versions/get-download-uri`."""

    artifact_uri: str


class ModelVersionsAnswer(Message):
    """Versions (search, latest)."""

    model_versions: list[ModelVersionMessage] = Field(default_factory=list)
    next_page_token: str | None = None


class ListRunArtifacts(Message):
    """`GET artifacts/list`: a run's artifacts under `path` (MLflow's tracking route)."""

    run_id: StrictStr | None = None
    run_uuid: StrictStr | None = None
    path: str | None = None
    page_token: str | None = None


class RunArtifactsAnswer(Message):
    """`{"root_uri": ..., "files": [...]}`."""

    root_uri: str
    files: list[FileInfoMessage] = Field(default_factory=list)
