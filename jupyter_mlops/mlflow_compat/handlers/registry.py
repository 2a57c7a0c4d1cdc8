"""MLflow's model registry routes (registered models, versions, aliases): one handler per
operation of `MlflowRegistry`, answering `ENDPOINT_NOT_FOUND` while serving does not run."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel
from tornado import web

from ...core.openapi import Contract
from .. import messages as m
from .. import registry_messages as rm
from ..capability import MLFLOW_REGISTRY
from .base import PREFIX, Endpoint, endpoint_route


class RegistryAliasHandler(Endpoint):
    """`GET` (version by alias), `POST` (set) and `DELETE` `registered-models/alias`."""

    service_key = MLFLOW_REGISTRY
    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The version an alias points to", response=rm.ModelVersionAnswer,
                        query=rm.AliasRef),
        "post": Contract("Point an alias at a version", response=m.Empty, body=rm.SetAlias),
        "delete": Contract("Remove an alias", response=m.Empty, body=rm.AliasRef),
    }  # fmt: skip

    @web.authenticated
    async def get(self) -> None:
        """Reply with the version."""
        self.operation = "get_model_version_by_alias"  # type: ignore[misc]
        await self._call(self.parse_query(rm.AliasRef))

    @web.authenticated
    async def post(self) -> None:
        """Set the alias."""
        self.operation = "set_registered_model_alias"  # type: ignore[misc]
        await self._call(self.parse_body(rm.SetAlias))

    @web.authenticated
    async def delete(self) -> None:
        """Remove the alias (name and alias in the body, or in the query)."""
        self.operation = "delete_registered_model_alias"  # type: ignore[misc]
        if self.request.body:
            await self._call(self.parse_body(rm.AliasRef))
        else:
            await self._call(self.parse_query(rm.AliasRef))


_REGISTRY_ENDPOINTS: list[tuple[str, str, str, type[BaseModel], type[BaseModel], str]] = [
    ("registered-models/create", "post", "create_registered_model", rm.CreateRegisteredModel,
     rm.RegisteredModelAnswer, "Name a registered model (stored with its first version)"),
    ("registered-models/get", "get", "get_registered_model", rm.ModelName,
     rm.RegisteredModelAnswer, "A registered model"),
    ("registered-models/search", "get", "search_registered_models", rm.SearchRegistry,
     rm.RegisteredModelsAnswer, "Search registered models"),
    ("registered-models/get-latest-versions", "post", "get_latest_versions", rm.LatestVersions,
     rm.ModelVersionsAnswer, "The newest version of each stage (stages are aliases here)"),
    ("model-versions/transition-stage", "post", "transition_model_version_stage",
     rm.TransitionStage, rm.ModelVersionAnswer,
     "Move a version into a stage (deprecated in MLflow; moves the stage's alias)"),
    ("model-versions/create", "post", "create_model_version", rm.CreateModelVersion,
     rm.ModelVersionAnswer, "Register a run's model folder as a new version"),
    ("model-versions/get", "get", "get_model_version", rm.ModelVersionRef, rm.ModelVersionAnswer,
     "A model version"),
    ("model-versions/get-download-uri", "get", "get_model_version_download_uri",
     rm.ModelVersionRef, rm.DownloadUriAnswer, "Where a version's files come from (its source)"),
    ("model-versions/search", "get", "search_model_versions", rm.SearchRegistry,
     rm.ModelVersionsAnswer, "Search model versions"),
    ("registered-models/rename", "post", "rename_registered_model", rm.RenameRegisteredModel,
     rm.RegisteredModelAnswer, "Rename a registered model"),
    ("registered-models/update", "patch", "update_registered_model", rm.UpdateRegisteredModel,
     rm.RegisteredModelAnswer, "Set a registered model's description"),
    ("registered-models/delete", "delete", "delete_registered_model", rm.ModelName, m.Empty,
     "Delete a registered model with its versions"),
    ("registered-models/set-tag", "post", "set_registered_model_tag", rm.RegisteredModelTag,
     m.Empty, "Set a registered model's tag"),
    ("registered-models/delete-tag", "delete", "delete_registered_model_tag",
     rm.RegisteredModelTagRef, m.Empty, "Delete a registered model's tag"),
    ("model-versions/update", "patch", "update_model_version", rm.UpdateModelVersion,
     rm.ModelVersionAnswer, "Set a model version's description"),
    ("model-versions/delete", "delete", "delete_model_version", rm.ModelVersionRef, m.Empty,
     "Delete a model version"),
    ("model-versions/set-tag", "post", "set_model_version_tag", rm.ModelVersionTag, m.Empty,
     "Set a model version's tag"),
    ("model-versions/delete-tag", "delete", "delete_model_version_tag", rm.ModelVersionTagRef,
     m.Empty, "Delete a model version's tag"),
]  # fmt: skip

REGISTRY_ROUTES: list[tuple[str, Any]] = [
    *(endpoint_route(*spec, service=MLFLOW_REGISTRY) for spec in _REGISTRY_ENDPOINTS),
    (f"{PREFIX}/api/2.0/mlflow/registered-models/alias", RegistryAliasHandler),
]
