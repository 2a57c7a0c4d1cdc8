"""A deployment's own capability, declared as a third party would (tests/app/test_capabilities.py):
`HELLO` adds a route and a service and requires tracking; `NEEDY` requires a service that no
capability provides, so a server asked to run it must refuse to start."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel
from tornado import web

from jupyter_mlops.core.capability import Capability, ServerHost, ServiceKey
from jupyter_mlops.core.openapi import Contract
from jupyter_mlops.core.rest import APIHandler
from jupyter_mlops.tracking.capability import TRACKING

GREETING: ServiceKey[str] = ServiceKey("greeting")


class Hello(BaseModel):
    """What `GET /mlops/api/hello` answers."""

    greeting: str
    experiments: int


class HelloHandler(APIHandler):
    """`GET /mlops/api/hello`: this capability's service and one it requires."""

    contract: ClassVar[dict[str, Contract]] = {"get": Contract("Say hello", response=Hello)}

    @web.authenticated
    async def get(self) -> None:
        """Reply with the greeting and the number of experiments (from tracking's store)."""
        store = self.service(TRACKING)
        experiments = await self.run_blocking(store.list_experiments)
        self.reply(Hello(greeting=self.service(GREETING), experiments=len(experiments)))


ROUTES = [("hello", HelloHandler)]


def setup(app: ServerHost) -> None:
    """Provide the greeting."""
    app.services.provide(GREETING, "hello from a plug-in")


HELLO = Capability(
    "hello",
    "Hello",
    __name__,
    provides=(GREETING,),
    requires=(TRACKING,),
)

NEEDY = Capability(
    "needy", "Needy", __name__, requires=(ServiceKey[object]("a-service-nobody-provides"),)
)
