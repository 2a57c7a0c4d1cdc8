"""MLflow 3's logged models (`log_model`, autologging) as MLflow's REST JSON shapes.

Parsed and written as every message of `messages` is (its `Message` base); `logged_models`
keeps them.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from .messages import Count, Int64, KeyValue, Message, MetricMessage, enum_name

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
        lambda value: enum_name(value, LOGGED_MODEL_STATUSES, first=0)
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


class LoggedModelAnswer(Message):
    """`{"model": ...}`."""

    model: LoggedModelMessage


class LoggedModelsAnswer(Message):
    """A page of logged models."""

    models: list[LoggedModelMessage] = Field(default_factory=list)
    next_page_token: str | None = None
