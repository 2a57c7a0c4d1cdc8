"""REST adapter of the model registry and endpoints, under `/mlops/api/`.

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
| GET    | endpoints                                | endpoints                                   |
| POST   | endpoints                                | deploy: start an endpoint (201)             |
| GET    | endpoints/{name}                         | one endpoint                                |
| DELETE | endpoints/{name}                         | stop it and forget it                       |
| POST   | endpoints/{name}/promote                 | serve another version, no failed request    |
| POST   | endpoints/{name}/rollback                | serve the version before the last promote   |
| POST   | endpoints/{name}/stop, .../start         | stop / start the process, keep the record   |
| GET    | endpoints/{name}/stats                   | live request count, errors, latency         |
| GET    | endpoints/{name}/token                   | its bearer token (with `auth`)              |
| POST   | endpoints/{name}/token                   | rotate it (the old one is refused at once)  |

Promote and Rollback answer once every endpoint concerned serves the new version.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, ClassVar, Protocol

from tornado import web

from ..core.capability import ServerHost, Teardown
from ..core.errors import MLOpsError
from ..core.openapi import Contract
from ..core.query import is_decimal
from ..core.rest import APIHandler
from ..tracking.capability import TRACKING
from . import api_models as api
from .api import register_version
from .capability import REGISTRY, SUPERVISOR
from .entities import Alias, Endpoint, ModelVersion, RegisteredModel
from .model_uri import MAX_VERSION, ModelRef, check_alias, check_name
from .registry import ModelRegistry
from .rest_views import compare_versions, endpoint_list, endpoint_out, model_detail
from .source_paths import confine_source
from .supervisor import EndpointSupervisor

BASE_PORT_ENV = "JUPYTER_MLOPS_SERVING_BASE_PORT"
_NAME = r"(?P<name>[^/]+)"


class ServingHost(ServerHost, Protocol):
    """The settings the serving capability reads (`MLOpsApp` traitlets)."""

    serving_base_port: int
    allow_pickle_models: bool
    serving_warm_spare: bool


def setup(app: ServingHost) -> Teardown:
    """Build the registry and the endpoint supervisor; adopt persistent endpoints at start.
    The teardown stops the endpoints this server started (persistent ones keep running)."""
    registry = ModelRegistry(app.database, app.resolved_data_dir)
    base_port = int(os.environ.get(BASE_PORT_ENV) or app.serving_base_port)
    supervisor = EndpointSupervisor(
        registry,
        app.resolved_data_dir,
        base_port,
        allow_pickle_models=app.allow_pickle_models,
        warm_spare=app.serving_warm_spare,
    )
    app.services.provide(REGISTRY, registry)
    app.services.provide(SUPERVISOR, supervisor)
    if app.serverapp is not None:
        app.serverapp.io_loop.add_callback(supervisor.adopt)
    return supervisor.close


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


class _Handler(APIHandler):
    @property
    def registry(self) -> ModelRegistry:
        return self.service(REGISTRY)

    @property
    def supervisor(self) -> EndpointSupervisor:
        return self.service(SUPERVISOR)

    async def reply_endpoint(self, endpoint: Endpoint, status: int = 200) -> None:
        self.reply(await self.run_blocking(endpoint_out, self.registry, endpoint), status)


class ModelsHandler(_Handler):
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


class ModelHandler(_Handler):
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


class VersionHandler(_Handler):
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


class VersionCompareHandler(_Handler):
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


class AliasHandler(_Handler):
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


class AliasRollbackHandler(_Handler):
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


class EndpointsHandler(_Handler):
    """`endpoints`: list, deploy."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Endpoints", response=api.EndpointList),
        "post": Contract(
            "Deploy a model version as an HTTP endpoint",
            response=api.EndpointOut,
            body=api.DeployIn,
            status=201,
        ),
    }

    @web.authenticated
    async def get(self) -> None:
        """GET: see the class docstring and `contract`."""

        self.reply(await self.run_blocking(endpoint_list, self.registry))

    @web.authenticated
    async def post(self) -> None:
        """POST: see the class docstring and `contract`."""
        body = self.parse_body(api.DeployIn)
        endpoint = await self.supervisor.deploy(
            body.model, body.name, body.port, body.workers, body.persistent, body.auth
        )
        await self.reply_endpoint(endpoint, 201)


class EndpointHandler(_Handler):
    """`endpoints/{name}`: read, stop and forget."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("One endpoint", response=api.EndpointOut),
        "delete": Contract("Stop an endpoint and forget it", response=api.Deleted),
    }

    @web.authenticated
    async def get(self, name: str) -> None:
        """GET: see the class docstring and `contract`."""
        await self.reply_endpoint(await self.run_blocking(self.registry.get_endpoint, name))

    @web.authenticated
    async def delete(self, name: str) -> None:
        """DELETE: see the class docstring and `contract`."""
        await self.supervisor.stop(name, forget=True)
        self.reply(api.Deleted(deleted=name))


class EndpointActionHandler(_Handler):
    """`endpoints/{name}/(promote|rollback|stop|start)`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "promote (body: version), rollback, stop or start an endpoint",
            response=api.EndpointOut,
            body=api.PromoteIn,
        ),
    }

    @web.authenticated
    async def post(self, name: str, action: str) -> None:
        """POST: see the class docstring and `contract`."""
        check_name(name, "endpoint", "endpoint name")
        if action == "promote":
            body = self.parse_body(api.PromoteIn)
            endpoint = await self.supervisor.promote(name, body.version, body.alias)
        elif action == "rollback":
            endpoint = await self.supervisor.rollback(name)
        elif action == "stop":
            await self.supervisor.stop(name, forget=False)
            endpoint = await self.run_blocking(self.registry.get_endpoint, name)
        else:
            endpoint = await self.supervisor.start(name)
        await self.reply_endpoint(endpoint)


class EndpointStatsHandler(_Handler):
    """`endpoints/{name}/stats`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Live figures from the endpoint", response=api.EndpointStats)
    }

    @web.authenticated
    async def get(self, name: str) -> None:
        """GET: see the class docstring and `contract`."""
        stats: dict[str, Any] = await self.supervisor.stats(name)
        self.reply(api.EndpointStats(**stats))


class EndpointTokenHandler(_Handler):
    """`endpoints/{name}/token`: read, rotate."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The endpoint's bearer token", response=api.TokenOut),
        "post": Contract(
            "Give the endpoint a new bearer token; answers once the old one is refused",
            response=api.TokenOut,
            body=api.EmptyIn,
        ),
    }

    @web.authenticated
    async def get(self, name: str) -> None:
        """GET: see the class docstring and `contract`."""
        await self.run_blocking(self.registry.get_endpoint, name)
        self.reply(api.TokenOut(token=await asyncio.to_thread(self.supervisor.token, name)))

    @web.authenticated
    async def post(self, name: str) -> None:
        """POST: see the class docstring and `contract`."""
        self.parse_body(api.EmptyIn)
        check_name(name, "endpoint", "endpoint name")
        self.reply(api.TokenOut(token=await self.supervisor.rotate_token(name)))


ROUTES = [
    ("models", ModelsHandler),
    (f"models/{_NAME}", ModelHandler),
    (f"models/{_NAME}/versions/(?P<version>[^/]+)", VersionHandler),
    (f"models/{_NAME}/versions/(?P<version>[^/]+)/compare", VersionCompareHandler),
    (f"models/{_NAME}/aliases/(?P<alias>[^/]+)", AliasHandler),
    (f"models/{_NAME}/aliases/(?P<alias>[^/]+)/rollback", AliasRollbackHandler),
    ("endpoints", EndpointsHandler),
    (f"endpoints/{_NAME}", EndpointHandler),
    (f"endpoints/{_NAME}/(?P<action>promote|rollback|stop|start)", EndpointActionHandler),
    (f"endpoints/{_NAME}/stats", EndpointStatsHandler),
    (f"endpoints/{_NAME}/token", EndpointTokenHandler),
]
