"""REST handlers of the model registry, under `/mlops/api/` (mounted by `handlers.ROUTES`).

| verb   | path                                     | what                                        |
|--------|------------------------------------------|---------------------------------------------|
| GET    | models                                   | registered models                           |
| POST   | models                                   | register a run's model artifact (201)       |
| GET    | models/{name}                            | a model, its versions and endpoints         |
| PATCH  | models/{name}                            | description, tags, delete_tags              |
| DELETE | models/{name}                            | delete (refused while an endpoint serves it)|
| GET    | models/{name}/versions/{version}         | one version                                 |
| PATCH  | models/{name}/versions/{version}         | description, tags, delete_tags              |
| GET    | models/{name}/versions/{version}/compare | beside version `?to=N`: records, run metrics|
| PUT    | models/{name}/aliases/{alias}            | point the alias at a version (Promote)      |
| DELETE | models/{name}/aliases/{alias}            | remove the alias                            |
| POST   | models/{name}/aliases/{alias}/rollback   | back to the alias's previous version        |

Moving an alias answers once every endpoint following it serves the new version.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from tornado import web

from ..core.errors import MLOpsError
from ..core.openapi import Contract
from ..core.query import is_decimal
from ..tracking.capability import TRACKING
from . import api_models as api
from .api import register_version
from .entities import Alias, ModelVersion, RegisteredModel
from .handler_base import ServingHandler
from .model_uri import MAX_VERSION, ModelRef, check_alias
from .registry import ModelRegistry
from .rest_views import compare_versions, model_detail
from .source_paths import confine_source


def _update_model(registry: ModelRegistry, name: str, body: api.UpdateIn) -> RegisteredModel:
    """PATCH models/{name}: description and tags set, then `delete_tags` removed."""
    model = registry.update_model(name, body.description, body.tags)
    for key in body.delete_tags:
        registry.delete_model_tag(name, key)
    return registry.get_model(name) if body.delete_tags else model


def _update_version(
    registry: ModelRegistry, name: str, version: int, body: api.UpdateIn
) -> ModelVersion:
    """PATCH models/{name}/versions/{v}: description and tags set, then `delete_tags` removed."""
    updated = registry.update_version(name, version, body.description, body.tags)
    for key in body.delete_tags:
        registry.delete_version_tag(name, version, key)
    return registry.get_version(ModelRef(name, version=version)) if body.delete_tags else updated


def _version_number(text: str) -> int:
    if not is_decimal(text) or not 1 <= int(text) <= MAX_VERSION:
        raise MLOpsError(f"version {text!r} must be a positive number", field="version")
    return int(text)


class ModelsHandler(ServingHandler):
    """`models`: list, register."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Registered models", response=api.ModelList),
        "post": Contract(
            "Register a run's model as a new version",
            response=ModelVersion,
            body=api.RegisterIn,
            status=201,
        ),
    }

    @web.authenticated
    async def get(self) -> None:
        """GET: see the class docstring and `contract`."""
        models = await self.run_blocking(self.registry.list_models)
        self.reply(api.ModelList(models=models))

    @web.authenticated
    async def post(self) -> None:
        """POST: see the class docstring and `contract`."""
        body = self.parse_body(api.RegisterIn)
        # A folder must be under the server's root or the store (source_paths.py).
        root = Path(self.settings.get("server_root_dir") or ".").expanduser()
        source = confine_source(body.source, root, [self.data_dir])
        tracking = self.services.find(TRACKING)
        if tracking is None and not source.startswith("/"):
            raise MLOpsError("experiment tracking is not available", field="source")
        version = await self.run_blocking(
            register_version,
            self.registry,
            lambda: tracking,
            source,
            body.name,
            description=body.description,
            tags=body.tags,
        )
        self.reply(version, 201)


class ModelHandler(ServingHandler):
    """`models/{name}`: read, update, delete."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A model, its versions and endpoints", response=api.ModelDetail),
        "patch": Contract(
            "Set a model's description or tags", response=RegisteredModel, body=api.UpdateIn
        ),
        "delete": Contract("Delete a model and its versions", response=api.Deleted),
    }

    @web.authenticated
    async def get(self, name: str) -> None:
        """GET: see the class docstring and `contract`."""
        self.reply(await self.run_blocking(model_detail, self.registry, name))

    @web.authenticated
    async def patch(self, name: str) -> None:
        """PATCH: see the class docstring and `contract`."""
        body = self.parse_body(api.UpdateIn)
        self.reply(await self.run_blocking(_update_model, self.registry, name, body))

    @web.authenticated
    async def delete(self, name: str) -> None:
        """DELETE: see the class docstring and `contract`."""
        await self.run_blocking(self.registry.delete_model, name)
        self.reply(api.Deleted(deleted=name))


class VersionHandler(ServingHandler):
    """`models/{name}/versions/{version}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("One model version", response=ModelVersion),
        "patch": Contract(
            "Set a version's description or tags", response=ModelVersion, body=api.UpdateIn
        ),
    }

    @web.authenticated
    async def get(self, name: str, version: str) -> None:
        """GET: see the class docstring and `contract`."""
        ref = ModelRef(name, version=_version_number(version))
        self.reply(await self.run_blocking(self.registry.get_version, ref))

    @web.authenticated
    async def patch(self, name: str, version: str) -> None:
        """PATCH: see the class docstring and `contract`."""
        body = self.parse_body(api.UpdateIn)
        number = _version_number(version)
        self.reply(await self.run_blocking(_update_version, self.registry, name, number, body))


class VersionCompareHandler(ServingHandler):
    """`models/{name}/versions/{version}/compare?to=N`: the Models panel's comparison view."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "A version beside another: records and run metrics",
            response=api.VersionComparison,
            query=api.CompareQuery,
        ),
    }

    @web.authenticated
    async def get(self, name: str, version: str) -> None:
        """GET: see the class docstring and `contract`."""
        query = self.parse_query(api.CompareQuery)
        comparison = await self.run_blocking(
            compare_versions,
            self.registry,
            self.services.find(TRACKING),
            name,
            _version_number(version),
            query.to,
        )
        self.reply(comparison)


class AliasHandler(ServingHandler):
    """`models/{name}/aliases/{alias}`: set (Promote), delete."""

    contract: ClassVar[dict[str, Contract]] = {
        "put": Contract(
            "Point an alias at a version; endpoints following it switch",
            response=Alias,
            body=api.AliasIn,
        ),
        "delete": Contract("Remove an alias", response=api.Deleted),
    }

    @web.authenticated
    async def put(self, name: str, alias: str) -> None:
        """PUT: see the class docstring and `contract`."""
        body = self.parse_body(api.AliasIn)
        check_alias(alias)
        moved = await self.run_blocking(self.registry.set_alias, name, alias, body.version)
        await self.supervisor.after_alias_moved(name, alias, moved.version)
        self.reply(moved)

    @web.authenticated
    async def delete(self, name: str, alias: str) -> None:
        """DELETE: see the class docstring and `contract`."""
        await self.run_blocking(self.registry.delete_alias, name, alias)
        self.reply(api.Deleted(deleted=f"{name}@{alias}"))


class AliasRollbackHandler(ServingHandler):
    """`models/{name}/aliases/{alias}/rollback`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Point an alias back at its previous version", response=Alias, body=api.EmptyIn
        ),
    }

    @web.authenticated
    async def post(self, name: str, alias: str) -> None:
        """POST: see the class docstring and `contract`."""
        current = await self.run_blocking(self.registry.get_alias, name, alias)
        if current.previous_version is None:
            raise MLOpsError(f"{name}@{alias} has no previous version", field="alias")
        moved = await self.run_blocking(
            self.registry.set_alias, name, alias, current.previous_version
        )
        await self.supervisor.after_alias_moved(name, alias, moved.version)
        self.reply(moved)
