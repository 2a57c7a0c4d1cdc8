"""REST adapter for the health service and the API's own OpenAPI document."""

from __future__ import annotations

from typing import ClassVar

from jupyter_server.utils import url_path_join
from tornado import web

from .._version import __version__
from ..core.openapi import (
    Contract,
    OpenAPIDocument,
    build_document,
    listed_routes,
    mounted_routes,
)
from ..core.rest import APIHandler
from .service import Health, get_health

API_PATH = "mlops/api"
DOCUMENT_SETTING = "mlops_openapi_document"  # the document, built at the first request


class HealthHandler(APIHandler):
    """`GET /mlops/api/health`: version, store, schema and capabilities."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Version, store, schema and capabilities", response=Health)
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with the `Health` model."""
        health = await self.run_blocking(
            get_health, self.database, str(self.data_dir), self.capability_names
        )
        self.reply(health)


class OpenAPIHandler(APIHandler):
    """`GET /mlops/api/openapi.json`: the OpenAPI 3.1 document of every mounted route."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The OpenAPI document of this API", response=OpenAPIDocument),
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with the document, built from the routes this server mounted (once: they
        do not change after start, and building it takes ~0.5 s of CPU)."""
        document: OpenAPIDocument | None = self.settings.get(DOCUMENT_SETTING)
        if document is None:
            prefix = url_path_join(self.base_url, API_PATH)
            routes = mounted_routes(self.application, prefix)
            routes += listed_routes(self.front_handlers)
            document = build_document(routes, prefix, __version__, self.base_url)
            self.settings[DOCUMENT_SETTING] = document
        self.reply(document)


ROUTES = [("health", HealthHandler), ("openapi.json", OpenAPIHandler)]
