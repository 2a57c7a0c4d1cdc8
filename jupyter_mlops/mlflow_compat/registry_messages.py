"""MLflow's model registry requests and answers as MLflow's REST JSON shapes.

Parsed and written as every message of `messages` is (its `Message` base); `registry_facade`
answers them over the workbench's registry (`serving`).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from .messages import Count, Int64, KeyValue, Message


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
