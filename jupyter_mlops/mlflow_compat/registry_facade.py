"""MLflow's model registry calls over the workbench's registry (`serving.registry`).

What maps: registered models and versions (read, search), aliases (set, get, delete: an
endpoint deployed at `NAME@ALIAS` follows the alias as it moves), and `create_model_version`
for a source holding a model folder in the workbench's format (`mlops.log_model`, skops):
`runs:/<run_id>/<path>`, `mlflow-artifacts:/<exp>/<run_id>/artifacts/<path>` or a logged
model `models:/m-...`. A model folder in MLflow's format (pickled) is refused with
`INVALID_PARAMETER_VALUE`: the registry loads only skops model folders it can verify (see the
Security section of docs/ARCHITECTURE.md). `create_registered_model` records the model (its
description and tags) before its first version. Renaming, describing, tagging and deleting
models and versions go through the registry (`serving.registry_admin`): what an endpoint serves
is neither renamed nor deleted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from ..core.errors import ErrorCode, MLOpsError
from ..serving import registry_admin
from ..serving.entities import ModelVersion, RegisteredModel
from ..serving.model_uri import ModelRef
from . import messages as m
from . import registry_messages as rm
from .errors import INVALID_PARAMETER_VALUE, RESOURCE_ALREADY_EXISTS, MlflowError
from .registry_search import MODEL_ORDER, VERSION_ORDER, matches_filter, page_of, sorted_as_asked
from .version_creation import REGISTERED_URI, MlflowVersionCreation
from .version_stages import (
    ARCHIVED,
    ARCHIVED_TAG,
    STAGE_ALIASES,
    STAGES,
    checked_stage,
    stage_of,
    version_message,
)


def _number(version: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", version.strip()):
        raise MlflowError(
            f"Parameter 'version' must be an integer, got '{version}'.",  # MLflow's words
            INVALID_PARAMETER_VALUE,
            "version",
        )
    return int(version)


def _tag_key(key: str) -> str:
    """A registry tag key: 1 to 250 characters, not blank."""
    if not key.strip() or len(key) > 250:
        raise MlflowError(
            f"Invalid tag key {key!r}: 1 to 250 characters", INVALID_PARAMETER_VALUE, "key"
        )
    return key


def _unless_missing_tag(action: Callable[[], None]) -> None:
    try:
        action()
    except MLOpsError as error:
        if not (error.code is ErrorCode.NOT_FOUND and error.field == "key"):
            raise


class MlflowRegistry(MlflowVersionCreation):
    """MLflow's registry operations on a `ModelRegistry` (blocking; run in a thread); creating
    versions comes from `version_creation.MlflowVersionCreation`."""

    def _newest_per_stage(self, name: str, stages: set[str]) -> list[ModelVersion]:
        """The newest version in each of `stages` (ascending by number), as MLflow's
        `latest_versions` and `get_latest_versions` give them."""
        newest: dict[str, ModelVersion] = {}
        for version in self.registry.list_versions(name):  # newest first
            stage = stage_of(version)
            if stage in stages and stage not in newest:
                newest[stage] = version
        return sorted(newest.values(), key=lambda version: version.version)

    def _model_message(self, model: RegisteredModel) -> rm.RegisteredModelMessage:
        latest = []
        if model.latest_version is not None:
            latest = self._newest_per_stage(model.name, set(STAGES.values()))
        return rm.RegisteredModelMessage(
            name=model.name,
            creation_timestamp=model.creation_time,
            last_updated_timestamp=model.last_update_time,
            description=model.description,
            latest_versions=[version_message(version) for version in latest],
            tags=[m.KeyValue(key=k, value=v) for k, v in model.tags.items()],
            aliases=[
                rm.AliasMessage(alias=alias, version=str(version))
                for alias, version in sorted(model.aliases.items())
            ],
        )

    def create_registered_model(
        self, request: rm.CreateRegisteredModel
    ) -> rm.RegisteredModelAnswer:
        """Record a model (with its description and tags) before its first version; a taken
        name is `RESOURCE_ALREADY_EXISTS`."""
        tags = {_tag_key(tag.key): tag.value for tag in request.tags}
        try:
            registry_admin.create_model(self.registry, request.name, request.description, tags)
        except MLOpsError as error:
            if error.code is ErrorCode.CONFLICT:
                raise MlflowError(
                    f"Registered Model (name={request.name}) already exists.",
                    RESOURCE_ALREADY_EXISTS,
                    "name",
                ) from None
            raise
        model = self.registry.get_model(request.name)
        return rm.RegisteredModelAnswer(registered_model=self._model_message(model))

    def get_registered_model(self, request: rm.ModelName) -> rm.RegisteredModelAnswer:
        """One registered model with its latest version and aliases."""
        model = self._call(lambda: self.registry.get_model(request.name), "registered model")
        return rm.RegisteredModelAnswer(registered_model=self._model_message(model))

    def search_registered_models(self, request: rm.SearchRegistry) -> rm.RegisteredModelsAnswer:
        """Registered models by name."""
        models = [
            model
            for model in self.registry.list_models()
            if matches_filter(request.filter, {"name": model.name}, dict(model.tags))
        ]
        models = sorted_as_asked(models, request.order_by, MODEL_ORDER, [("name", True)])
        page, token = page_of(models, request)
        return rm.RegisteredModelsAnswer(
            registered_models=[self._model_message(model) for model in page],
            next_page_token=token,
        )

    def get_latest_versions(self, request: rm.LatestVersions) -> rm.ModelVersionsAnswer:
        """The newest version of each stage asked for (all stages when none): `Staging` and
        `Production` are the versions the aliases `staging` and `production` point at, `None`
        the newest version in neither (MLflow's stages are deprecated; see docs/mlflow.md)."""
        self._call(lambda: self.registry.get_model(request.name), "registered model")
        asked = {checked_stage(stage) for stage in request.stages} or set(STAGES.values())
        ordered = self._newest_per_stage(request.name, asked)
        return rm.ModelVersionsAnswer(model_versions=[version_message(v) for v in ordered])

    def transition_model_version_stage(self, request: rm.TransitionStage) -> rm.ModelVersionAnswer:
        """Move a version into a stage: `Staging`/`Production` point that alias at it (so it
        leaves the stage's previous version, which `archive_existing_versions` archives);
        `Archived` takes the stage aliases off and tags it archived; `None` takes both off."""
        number = _number(request.version)
        stage = checked_stage(request.stage)
        ref = ModelRef(request.name, version=number)
        version = self._call(lambda: self.registry.get_version(ref), "model version")
        alias = {label: alias for alias, label in STAGE_ALIASES.items()}.get(stage)
        for held in version.aliases:
            if held in STAGE_ALIASES and held != alias:
                self._call(functools.partial(self.registry.delete_alias, request.name, held),
                           "alias")  # fmt: skip
        if stage == ARCHIVED:
            self._set_archived(request.name, number, True)
        elif version.tags.get(ARCHIVED_TAG):
            self._set_archived(request.name, number, False)
        if alias is not None:
            before = self.registry.get_model(request.name).aliases.get(alias)
            self._call(lambda: self.registry.set_alias(request.name, alias, number), "version")
            if request.archive_existing_versions and before is not None and before != number:
                self._set_archived(request.name, before, True)
        # One update of the version and its model, as MLflow's transition is.
        self._call(lambda: self.registry.touch_version(request.name, number), "model version")
        moved = self._call(lambda: self.registry.get_version(ref), "model version")
        return rm.ModelVersionAnswer(model_version=version_message(moved))

    def _set_archived(self, name: str, number: int, archived: bool) -> None:
        if archived:
            self.registry.update_version(name, number, tags={ARCHIVED_TAG: ARCHIVED})
        else:
            drop = functools.partial(self.registry.delete_version_tag, name, number, ARCHIVED_TAG)
            _unless_missing_tag(drop)

    def get_model_version(self, request: rm.ModelVersionRef) -> rm.ModelVersionAnswer:
        """One version."""
        ref = ModelRef(request.name, version=_number(request.version))
        version = self._call(lambda: self.registry.get_version(ref), "model version")
        return rm.ModelVersionAnswer(model_version=version_message(version))

    def get_model_version_download_uri(self, request: rm.ModelVersionRef) -> rm.DownloadUriAnswer:
        """The version's source URI (its files are the registry's copy; MLflow's client
        downloads through the source's run)."""
        ref = ModelRef(request.name, version=_number(request.version))
        version = self._call(lambda: self.registry.get_version(ref), "model version")
        source = version.source
        for _ in range(16):  # a copy's source is `models:/NAME/V`: MLflow answers the original's
            copied = REGISTERED_URI.match(source)
            if copied is None:
                break
            try:
                found = self.registry.get_version(
                    ModelRef(copied.group(1), version=int(copied.group(2)))
                )
            except MLOpsError:
                break  # the original is gone: its URI is what there is
            source = found.source
        return rm.DownloadUriAnswer(artifact_uri=source)

    def search_model_versions(self, request: rm.SearchRegistry) -> rm.ModelVersionsAnswer:
        """Versions of every model matching the filter, in `order_by` (MLflow's default: the
        last registered first)."""
        versions = [
            version
            for model in self.registry.list_models()
            for version in self.registry.list_versions(model.name)
            if matches_filter(
                request.filter,
                {"name": version.name, "run_id": version.run_id, "source_path": version.source},
                version.tags,
            )
        ]
        # MLflow's default: last updated first, then name, then the newest version.
        versions = sorted_as_asked(
            versions,
            request.order_by or ["last_updated_timestamp DESC"],
            VERSION_ORDER,
            [("name", True), ("version", False)],
        )
        page, token = page_of(versions, request)
        return rm.ModelVersionsAnswer(
            model_versions=[version_message(v) for v in page], next_page_token=token
        )

    def get_model_version_by_alias(self, request: rm.AliasRef) -> rm.ModelVersionAnswer:
        """The version an alias points to."""
        ref = ModelRef(request.name, alias=request.alias)
        version = self._call(lambda: self.registry.get_version(ref), "alias")
        return rm.ModelVersionAnswer(model_version=version_message(version))

    def set_registered_model_alias(self, request: rm.SetAlias) -> m.Empty:
        """Point an alias at a version (endpoints that follow it switch)."""
        number = _number(request.version)
        self._call(
            lambda: self.registry.set_alias(request.name, request.alias, number), "model version"
        )
        return m.Empty()

    def delete_registered_model_alias(self, request: rm.AliasRef) -> m.Empty:
        """Remove an alias."""
        self._call(lambda: self.registry.delete_alias(request.name, request.alias), "alias")
        return m.Empty()

    def rename_registered_model(
        self, request: rm.RenameRegisteredModel
    ) -> rm.RegisteredModelAnswer:
        """Rename a model with its versions and aliases (a taken name is
        `RESOURCE_ALREADY_EXISTS`; a model an endpoint serves is refused)."""
        if request.new_name != request.name and any(
            model.name == request.new_name for model in self.registry.list_models()
        ):
            raise MlflowError(
                f"Registered Model (name={request.new_name}) already exists.",
                RESOURCE_ALREADY_EXISTS,
                "new_name",
            )
        model = self._call(
            lambda: self.registry.rename_model(request.name, request.new_name), "registered model"
        )
        return rm.RegisteredModelAnswer(registered_model=self._model_message(model))

    def update_registered_model(
        self, request: rm.UpdateRegisteredModel
    ) -> rm.RegisteredModelAnswer:
        """Set a model's description."""
        model = self._call(
            lambda: self.registry.update_model(request.name, description=request.description),
            "registered model",
        )
        return rm.RegisteredModelAnswer(registered_model=self._model_message(model))

    def delete_registered_model(self, request: rm.ModelName) -> m.Empty:
        """Delete a model, its versions, aliases and files (refused while an endpoint serves
        it)."""
        self._call(lambda: self.registry.delete_model(request.name), "registered model")
        return m.Empty()

    def update_model_version(self, request: rm.UpdateModelVersion) -> rm.ModelVersionAnswer:
        """Set a version's description."""
        number = _number(request.version)
        version = self._call(
            lambda: self.registry.update_version(
                request.name, number, description=request.description
            ),
            "model version",
        )
        return rm.ModelVersionAnswer(model_version=version_message(version))

    def delete_model_version(self, request: rm.ModelVersionRef) -> m.Empty:
        """Delete a version with the aliases pointing at it (refused while an endpoint
        serves it)."""
        number = _number(request.version)
        self._call(lambda: self.registry.delete_version(request.name, number), "model version")
        return m.Empty()

    def set_registered_model_tag(self, request: rm.RegisteredModelTag) -> m.Empty:
        """Set (or overwrite) a model's tag."""
        tags = {_tag_key(request.key): request.value}
        self._call(lambda: self.registry.update_model(request.name, tags=tags), "registered model")
        return m.Empty()

    def set_model_version_tag(self, request: rm.ModelVersionTag) -> m.Empty:
        """Set (or overwrite) a version's tag."""
        number = _number(request.version)
        tags = {_tag_key(request.key): request.value}
        self._call(
            lambda: self.registry.update_version(request.name, number, tags=tags), "model version"
        )
        return m.Empty()

    def delete_registered_model_tag(self, request: rm.RegisteredModelTagRef) -> m.Empty:
        """Remove a model's tag (a missing tag is no error, as in MLflow)."""
        self._call(
            lambda: _unless_missing_tag(
                lambda: self.registry.delete_model_tag(request.name, request.key)
            ),
            "registered model",
        )
        return m.Empty()

    def delete_model_version_tag(self, request: rm.ModelVersionTagRef) -> m.Empty:
        """Remove a version's tag (a missing tag is no error, as in MLflow)."""
        number = _number(request.version)
        self._call(
            lambda: _unless_missing_tag(
                lambda: self.registry.delete_version_tag(request.name, number, request.key)
            ),
            "model version",
        )
        return m.Empty()
