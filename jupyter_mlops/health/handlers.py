"""REST adapter for the health service."""

from __future__ import annotations

from tornado import web

from ..core.api import APIHandler
from .service import get_health


class HealthHandler(APIHandler):
    """`GET /mlops/api/health`: version, store, schema and capabilities."""

    @web.authenticated
    async def get(self) -> None:
        """Reply with the `Health` model."""
        health = await self.run_blocking(get_health, self.database, str(self.data_dir))
        self.reply(health)


ROUTES = [("health", HealthHandler)]
