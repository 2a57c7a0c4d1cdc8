"""MLflow's `model-versions/create` over the workbench's registry: the source MLflow's client
sends (`runs:/`, `mlflow-artifacts:/.../artifacts/...`, a logged model `models:/m-...`, a copy
`models:/NAME/V`, or a URI outside this store) resolved and registered. `MlflowVersionCreation`
is the base of `registry_facade.MlflowRegistry`; its `_call`, which every registry operation
uses, answers the registry's NOT_FOUND in MLflow's words."""

from __future__ import annotations

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
from ..serving.api import register_version
from ..serving.model_uri import ModelRef
from ..serving.registry import ModelRegistry
from ..tracking.store import TrackingStore
from . import registry_messages as rm
from .errors import INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, MlflowError
from .logged_models import LoggedModels
from .model_sources import check_outside_source
from .model_versions import register_mlflow_version
from .version_stages import version_message

T = TypeVar("T")
# `models:/NAME/V`: a copy of a registered version (`copy_model_version`), not a logged model.
REGISTERED_URI = re.compile(r"^models:/([^/@]+)/([0-9]{1,9})$")


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


class MlflowVersionCreation:
    """MLflow's `create_model_version` on a `ModelRegistry` (blocking; run in a thread)."""

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
        copied = REGISTERED_URI.match(request.source)
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
        return rm.ModelVersionAnswer(model_version=version_message(version))

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
        return rm.ModelVersionAnswer(model_version=version_message(version))

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
        return rm.ModelVersionAnswer(model_version=version_message(version))

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
        return rm.ModelVersionAnswer(model_version=version_message(version))

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
