"""The base of the serving REST handlers (`registry_handlers`, `endpoint_handlers`)."""

from __future__ import annotations

from ..core.rest import APIHandler
from .capability import REGISTRY, SUPERVISOR
from .entities import Endpoint
from .registry import ModelRegistry
from .rest_views import endpoint_out
from .supervisor import EndpointSupervisor


class ServingHandler(APIHandler):
    """Base of the serving handlers: gives them the registry and the endpoint supervisor."""

    @property
    def registry(self) -> ModelRegistry:
        """The server's model registry (built by `handlers.setup`)."""
        return self.service(REGISTRY)

    @property
    def supervisor(self) -> EndpointSupervisor:
        """The server's endpoint supervisor (built by `handlers.setup`)."""
        return self.service(SUPERVISOR)

    async def reply_endpoint(self, endpoint: Endpoint, status: int = 200) -> None:
        """Reply with the endpoint and the version its record resolves to now."""
        self.reply(await self.run_blocking(endpoint_out, self.registry, endpoint), status)
