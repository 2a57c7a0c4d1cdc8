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
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TypeVar

from ..core.errors import ErrorCode, MLOpsError
from ..model_format.mlflow_folder import (
    NO_FILES_REASON,
    NOT_SERVABLE_TAG,
    is_mlflow_folder,
    metadata_only_folder,
    workbench_folder,
)
from ..serving import registry_admin
from ..serving.api import register_version
from ..serving.entities import ModelVersion, RegisteredModel
from ..serving.model_uri import ModelRef
from ..serving.registry import ModelRegistry
from ..tracking.store import TrackingStore
from . import messages as m
from . import registry_messages as rm
from .errors import (
    INVALID_PARAMETER_VALUE,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    MlflowError,
)
from .logged_models import LoggedModels
from .model_sources import check_outside_source
from .model_versions import register_mlflow_version

T = TypeVar("T")
_REGISTERED = re.compile(r"^models:/([^/@]+)/([0-9]{1,9})$")

_CLAUSE = re.compile(
    r"^\s*(name|run_id|source_path|tags?\.(?:`[^`]+`|\"[^\"]+\"|[\w.\-]+))\s*(=|!=|LIKE|ILIKE)\s*"
    r"'((?:[^']|'')*)'\s*$",
    re.IGNORECASE,
)


# MLflow's (deprecated) stages as aliases: a version is in a stage while the alias points at it.
STAGE_ALIASES = {"staging": "Staging", "production": "Production"}
_STAGES = {"none": "None", "staging": "Staging", "production": "Production",
           "archived": "Archived"}  # fmt: skip
# MLflow's order_by keys for versions and models, as attributes here.
_VERSION_ORDER = {"name": "name", "version_number": "version",
                  "creation_timestamp": "creation_time",
                  "last_updated_timestamp": "last_update_time"}  # fmt: skip
_MODEL_ORDER = {
    "name": "name",
    "creation_timestamp": "creation_time",
    "last_updated_timestamp": "last_update_time",
    "timestamp": "last_update_time",
}
_ORDER = re.compile(r"^\s*(\S+)(?:\s+(ASC|DESC))?\s*$", re.IGNORECASE)


# `Archived` is a version tag (any number of versions may be archived, as in MLflow); the
# workbench's own tags below stay out of MLflow's answers (MLflow compares tags exactly), the
# not-servable mark shows as the version's `status_message` instead.
ARCHIVED_TAG = "mlops.stage"
ARCHIVED = "Archived"
HIDDEN_TAGS = frozenset({NOT_SERVABLE_TAG, ARCHIVED_TAG})


def _stage_of(version: ModelVersion) -> str:
    for alias in version.aliases:
        if alias in STAGE_ALIASES:
            return STAGE_ALIASES[alias]
    return ARCHIVED if version.tags.get(ARCHIVED_TAG) == ARCHIVED else "None"


def _version_message(version: ModelVersion) -> rm.ModelVersionMessage:
    reason = version.tags.get(NOT_SERVABLE_TAG)
    return rm.ModelVersionMessage(
        name=version.name,
        version=str(version.version),
        creation_timestamp=version.creation_time,
        last_updated_timestamp=version.last_update_time or version.creation_time,
        description=version.description or "",
        source=version.source,
        run_id=version.run_id,
        current_stage=_stage_of(version),
        status_message=f"not servable: {reason}" if reason else None,
        tags=[m.KeyValue(key=k, value=v) for k, v in version.tags.items() if k not in HIDDEN_TAGS],
        aliases=list(version.aliases),
    )


def _sorted(items: list[T], order_by: list[str], keys: dict[str, str],
            ties: list[tuple[str, bool]]) -> list[T]:  # fmt: skip
    """`items` in MLflow's `order_by` (then `ties`), `INVALID_PARAMETER_VALUE` for an unknown
    key; stable sorts applied from the last key to the first."""
    parsed: list[tuple[str, bool]] = []
    for clause in order_by:
        match = _ORDER.match(clause)
        key = match.group(1).strip('`"') if match else ""
        if match is None or key not in keys:
            raise MlflowError(
                f"Invalid order by key '{clause}' specified. Valid keys are {sorted(keys)}",
                INVALID_PARAMETER_VALUE,
                "order_by",
            )
        attribute = keys[key]
        if any(attribute == seen for seen, _ in parsed):
            raise MlflowError(
                f"`order_by` contains duplicate fields: {order_by}",
                INVALID_PARAMETER_VALUE,
                "order_by",
            )
        parsed.append((attribute, (match.group(2) or "ASC").upper() == "ASC"))
    parsed += [(key, ascending) for key, ascending in ties if all(key != k for k, _ in parsed)]
    ordered = list(items)
    for attribute, ascending in reversed(parsed):
        ordered.sort(key=lambda item: getattr(item, attribute) or 0, reverse=not ascending)
    return ordered


def _number(version: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", version.strip()):
        raise MlflowError(
            f"Parameter 'version' must be an integer, got '{version}'.",  # MLflow's words
            INVALID_PARAMETER_VALUE,
            "version",
        )
    return int(version)


def _matches(
    filter_text: str | None, values: dict[str, str | None], tags: dict[str, str] | None = None
) -> bool:
    if not filter_text or not filter_text.strip():
        return True
    for part in re.split(r"\s+and\s+", filter_text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.match(part)
        if match is None:
            raise MlflowError(
                f"Unsupported registry filter {part!r}: use name, run_id or tags.KEY with "
                "=, !=, LIKE or ILIKE and a quoted value, joined by AND",
                INVALID_PARAMETER_VALUE,
                "filter",
            )
        field, op, value = match.group(1), match.group(2).upper(), match.group(3)
        value = value.replace("''", "'")
        if field.lower().startswith("tag"):
            key = field.split(".", 1)[1].strip('`"')
            current = (tags or {}).get(key, "")
        else:
            current = values.get(field.lower()) or ""
        if op in ("=", "!="):
            if (current == value) != (op == "="):
                return False
        else:
            pattern = "".join(
                ".*" if c == "%" else "." if c == "_" else re.escape(c) for c in value
            )
            flags = re.IGNORECASE | re.DOTALL if op == "ILIKE" else re.DOTALL
            if re.fullmatch(pattern, current, flags) is None:
                return False
    return True


def _stage(stage: str) -> str:
    """MLflow's stage name for `stage` (any case), else `INVALID_PARAMETER_VALUE`."""
    found = _STAGES.get(stage.strip().lower())
    if found is None:
        raise MlflowError(
            f"Invalid Model Version stage: {stage}. Value must be one of "
            f"{', '.join(_STAGES.values())}.",
            INVALID_PARAMETER_VALUE,
            "stage",
        )
    return found


def _page(items: list[T], request: rm.SearchRegistry) -> tuple[list[T], str | None]:
    token = request.page_token or "0"
    start = int(token) if re.fullmatch(r"[0-9]{1,9}", token) else 0
    page = items[start : start + request.max_results]
    following = start + len(page)
    return page, (str(following) if following < len(items) else None)


def _tag_key(key: str) -> str:
    """A registry tag key: 1 to 250 characters, not blank."""
    if not key.strip() or len(key) > 250:
        raise MlflowError(
            f"Invalid tag key {key!r}: 1 to 250 characters", INVALID_PARAMETER_VALUE, "key"
        )
    return key


_MISSING_MODEL = re.compile(r"^no registered model named '(.+)'$")
_MISSING_VERSION = re.compile(r"^model '(.+)' has no version ([0-9]+)$")


def _not_found(what: str, message: str) -> str:
    """MLflow's words for a missing model or version (its tests match them), else ours."""
    model = _MISSING_MODEL.match(message)
    if model is not None:
        return f"Registered Model with name={model.group(1)} not found"
    version = _MISSING_VERSION.match(message)
    if version is not None:
        return f"Model Version (name={version.group(1)}, version={version.group(2)}) not found"
    return f"{what}: {message}"


def _unless_missing_tag(action: Callable[[], None]) -> None:
    try:
        action()
    except MLOpsError as error:
        if not (error.code is ErrorCode.NOT_FOUND and error.field == "key"):
            raise


class MlflowRegistry:
    """MLflow's registry operations on a `ModelRegistry` (blocking; run in a thread)."""

    def __init__(
        self, registry: ModelRegistry, store: TrackingStore, logged_models: LoggedModels
    ) -> None:
        self.registry = registry
        self.store = store
        self.logged_models = logged_models

    def _call(self, action: Callable[[], T], what: str) -> T:
        try:
            return action()
        except MlflowError:
            raise
        except MLOpsError as error:
            if error.code is ErrorCode.NOT_FOUND:
                message = _not_found(what, error.message)
                raise MlflowError(message, RESOURCE_DOES_NOT_EXIST) from None
            raise

    def _newest_per_stage(self, name: str, stages: set[str]) -> list[ModelVersion]:
        """The newest version in each of `stages` (ascending by number), as MLflow's
        `latest_versions` and `get_latest_versions` give them."""
        newest: dict[str, ModelVersion] = {}
        for version in self.registry.list_versions(name):  # newest first
            stage = _stage_of(version)
            if stage in stages and stage not in newest:
                newest[stage] = version
        return sorted(newest.values(), key=lambda version: version.version)

    def _model_message(self, model: RegisteredModel) -> rm.RegisteredModelMessage:
        latest = []
        if model.latest_version is not None:
            latest = self._newest_per_stage(model.name, set(_STAGES.values()))
        return rm.RegisteredModelMessage(
            name=model.name,
            creation_timestamp=model.creation_time,
            last_updated_timestamp=model.last_update_time,
            description=model.description,
            latest_versions=[_version_message(version) for version in latest],
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
            if _matches(request.filter, {"name": model.name}, dict(model.tags))
        ]
        models = _sorted(models, request.order_by, _MODEL_ORDER, [("name", True)])
        page, token = _page(models, request)
        return rm.RegisteredModelsAnswer(
            registered_models=[self._model_message(model) for model in page],
            next_page_token=token,
        )

    def get_latest_versions(self, request: rm.LatestVersions) -> rm.ModelVersionsAnswer:
        """The newest version of each stage asked for (all stages when none): `Staging` and
        `Production` are the versions the aliases `staging` and `production` point at, `None`
        the newest version in neither (MLflow's stages are deprecated; see docs/mlflow.md)."""
        self._call(lambda: self.registry.get_model(request.name), "registered model")
        asked = {_stage(stage) for stage in request.stages} or set(_STAGES.values())
        ordered = self._newest_per_stage(request.name, asked)
        return rm.ModelVersionsAnswer(model_versions=[_version_message(v) for v in ordered])

    def transition_model_version_stage(self, request: rm.TransitionStage) -> rm.ModelVersionAnswer:
        """Move a version into a stage: `Staging`/`Production` point that alias at it (so it
        leaves the stage's previous version, which `archive_existing_versions` archives);
        `Archived` takes the stage aliases off and tags it archived; `None` takes both off."""
        number = _number(request.version)
        stage = _stage(request.stage)
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
        return rm.ModelVersionAnswer(model_version=_version_message(moved))

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
        return rm.ModelVersionAnswer(model_version=_version_message(version))

    def get_model_version_download_uri(self, request: rm.ModelVersionRef) -> rm.DownloadUriAnswer:
        """The version's source URI (its files are the registry's copy; MLflow's client
        downloads through the source's run)."""
        ref = ModelRef(request.name, version=_number(request.version))
        version = self._call(lambda: self.registry.get_version(ref), "model version")
        source = version.source
        for _ in range(16):  # a copy's source is `models:/NAME/V`: MLflow answers the original's
            copied = _REGISTERED.match(source)
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
            if _matches(
                request.filter,
                {"name": version.name, "run_id": version.run_id, "source_path": version.source},
                version.tags,
            )
        ]
        # MLflow's default: last updated first, then name, then the newest version.
        versions = _sorted(
            versions,
            request.order_by or ["last_updated_timestamp DESC"],
            _VERSION_ORDER,
            [("name", True), ("version", False)],
        )
        page, token = _page(versions, request)
        return rm.ModelVersionsAnswer(
            model_versions=[_version_message(v) for v in page], next_page_token=token
        )

    def get_model_version_by_alias(self, request: rm.AliasRef) -> rm.ModelVersionAnswer:
        """The version an alias points to."""
        ref = ModelRef(request.name, alias=request.alias)
        version = self._call(lambda: self.registry.get_version(ref), "alias")
        return rm.ModelVersionAnswer(model_version=_version_message(version))

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
        return rm.ModelVersionAnswer(model_version=_version_message(version))

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

    def create_model_version(self, request: rm.CreateModelVersion) -> rm.ModelVersionAnswer:
        """Register the model folder at `source` as a new version: the workbench's format, or
        an MLflow model folder (`MLmodel`): skops becomes a servable version, anything pickled
        a version marked not servable (`model_format.mlflow_folder`). A version made from a
        logged model (`model_id`) is added to that model's `mlflow.modelVersions` tag, as
        MLflow's server adds it."""
        answer = self._create_version(request)
        if request.model_id:
            version = answer.model_version
            self.logged_models.add_model_version(
                request.model_id, version.name, int(version.version)
            )
        return answer

    def _create_version(self, request: rm.CreateModelVersion) -> rm.ModelVersionAnswer:
        copied = _REGISTERED.match(request.source)
        if copied is not None and not request.source.startswith("models:/m-"):
            return self._copy_version(request, copied.group(1), int(copied.group(2)))
        if request.model_id:  # the files are the model's; a local or climbing source is refused
            check_outside_source(request.source)
        source = self._runs_uri(request.source, request.model_id)
        if source is None:  # a URI outside this store: recorded, as MLflow's registry does
            check_outside_source(request.source)
            return self._register_metadata_only(request, request.source)
        mlflow_folder = self._mlflow_folder(source)
        if mlflow_folder is not None:
            return self._register_mlflow_folder(request, source, mlflow_folder)
        try:
            version = register_version(
                self.registry,
                lambda: self.store,
                source,
                request.name,
                description=request.description,
                tags={tag.key: tag.value for tag in request.tags} or None,
            )
        except MLOpsError as error:
            if error.code is ErrorCode.NOT_FOUND and not self._has_files(source):
                return self._register_metadata_only(request, source)
            if error.field == "source" or error.code is ErrorCode.NOT_FOUND:
                raise MlflowError(
                    f"{request.source} holds no model folder of the workbench's format "
                    f"({error.message}); MLflow-format (pickled) models cannot be registered "
                    "here: log the model with mlops.log_model, or register the fitted "
                    "estimator with mlops.register_model",
                    INVALID_PARAMETER_VALUE,
                    "source",
                ) from None
            raise
        return rm.ModelVersionAnswer(model_version=_version_message(version))

    def _has_files(self, source: str) -> bool:
        """Whether the run at a `runs:/` source exists and has anything at its path."""
        run_id, _, path = source[len("runs:/") :].partition("/")
        try:
            folder = self.store.artifact_path(run_id, path.strip("/") or "model")
        except MLOpsError:
            return False
        return folder.exists()

    def _register_metadata_only(
        self, request: rm.CreateModelVersion, source: str
    ) -> rm.ModelVersionAnswer:
        """A version of a source with no model files (a run this store never saw): recorded,
        as MLflow's registry records any source, and marked not servable."""
        in_run = source[len("runs:/") :].partition("/")[0] if source.startswith("runs:/") else ""
        run_id = request.run_id or in_run or None
        with tempfile.TemporaryDirectory(prefix="mlops-mlflow-model-") as scratch:
            folder = Path(scratch) / "model"
            metadata_only_folder(folder, run_id)
            version = register_mlflow_version(
                self.registry,
                request.name,
                folder,
                request.source,
                run_id=run_id,
                description=request.description,
                tags={tag.key: tag.value for tag in request.tags} or None,
                not_servable=NO_FILES_REASON,
            )
        return rm.ModelVersionAnswer(model_version=_version_message(version))

    def _copy_version(
        self, request: rm.CreateModelVersion, name: str, number: int
    ) -> rm.ModelVersionAnswer:
        """`copy_model_version`: the version's kept folder registered again under another
        name (its tags with it, as MLflow copies them)."""
        ref = ModelRef(name, version=number)
        original = self._call(lambda: self.registry.get_version(ref), "model version")
        tags = {**original.tags, **{tag.key: tag.value for tag in request.tags}}
        version = register_mlflow_version(
            self.registry,
            request.name,
            Path(original.storage_location),
            request.source,
            run_id=original.run_id,
            description=request.description or original.description,
            tags=tags or None,
            not_servable=tags.get(NOT_SERVABLE_TAG),
        )
        return rm.ModelVersionAnswer(model_version=_version_message(version))

    def _mlflow_folder(self, source: str) -> Path | None:
        """The run's folder at a `runs:/` source when it is an MLflow model folder."""
        run_id, _, path = source[len("runs:/") :].partition("/")
        try:
            folder = self.store.artifact_path(run_id, path.strip("/") or "model")
        except MLOpsError:
            return None  # register_version says what is wrong with the source
        return folder if is_mlflow_folder(folder) else None

    def _register_mlflow_folder(
        self, request: rm.CreateModelVersion, source: str, folder: Path
    ) -> rm.ModelVersionAnswer:
        run_id = source[len("runs:/") :].partition("/")[0]
        tags = {tag.key: tag.value for tag in request.tags}
        with tempfile.TemporaryDirectory(prefix="mlops-mlflow-model-") as scratch:
            converted = Path(scratch) / "model"
            try:
                _, described = workbench_folder(folder, converted)
            except MLOpsError as error:
                raise MlflowError(
                    f"{request.source}: {error.message}", INVALID_PARAMETER_VALUE, "source"
                ) from None
            if described.not_servable is not None:
                tags[NOT_SERVABLE_TAG] = described.not_servable
            version = register_mlflow_version(
                self.registry,
                request.name,
                converted,
                source,
                run_id=self.store.get_run(run_id).run_id,
                description=request.description,
                tags=tags or None,
                not_servable=described.not_servable,
            )
        return rm.ModelVersionAnswer(model_version=_version_message(version))

    def _runs_uri(self, source: str, model_id: str | None) -> str | None:
        """`runs:/<run_id>/<path>` for the sources MLflow's client sends (None: a source
        outside this store, such as `s3://...` or `mlflow-artifacts:/models`)."""
        logged = model_id or (source[len("models:/") :] if source.startswith("models:/m-") else "")
        if logged:
            info = self.logged_models.get(logged).model.info
            # Its files' place: its source run's artifacts, or the run holding them for a model
            # without a run (or whose source run this store never saw).
            source = info.artifact_uri or ""
            if not source and info.source_run_id:
                return f"runs:/{info.source_run_id}/{info.name}"
        if source.startswith("runs:/"):
            return source
        if source.startswith("mlflow-artifacts:"):
            parts = PurePosixPath(source[len("mlflow-artifacts:") :].lstrip("/")).parts
            if len(parts) >= 4 and parts[2] == "artifacts":
                return f"runs:/{parts[1]}/{'/'.join(parts[3:])}"
        return None
