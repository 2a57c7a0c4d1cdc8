"""REST handlers of the endpoints, under `/mlops/api/` (mounted by `handlers.ROUTES`).

| verb   | path                                     | what                                        |
|--------|------------------------------------------|---------------------------------------------|
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
from typing import Any, ClassVar

from tornado import web

from ..core.openapi import Contract
from . import api_models as api
from .handler_base import ServingHandler
from .model_uri import check_name
from .rest_views import endpoint_list


class EndpointsHandler(ServingHandler):
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


class EndpointHandler(ServingHandler):
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


class EndpointActionHandler(ServingHandler):
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


class EndpointStatsHandler(ServingHandler):
    """`endpoints/{name}/stats`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Live figures from the endpoint", response=api.EndpointStats)
    }

    @web.authenticated
    async def get(self, name: str) -> None:
        """GET: see the class docstring and `contract`."""
        stats: dict[str, Any] = await self.supervisor.stats(name)
        self.reply(api.EndpointStats(**stats))


class EndpointTokenHandler(ServingHandler):
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
