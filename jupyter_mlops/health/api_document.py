"""The OpenAPI document of a default server, built without starting one.

`GET /mlops/api/openapi.json` documents the routes a running server mounted. The frontend's
generated types (`labextension/src/api/schema.d.ts`, `make build`) need the same document at
build time, when no server runs: this module lists the routes the server would mount from the
capabilities' declarations (`ROUTES` and `front_routes(app)` with the app's
default settings), and a test checks it equals the served one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join

from .._version import __version__
from ..capabilities import installed_capabilities
from ..core.openapi import OpenAPIDocument, build_document, listed_routes
from ..core.server_link import API_PATH


class _DefaultSettings:
    """The settings `front_routes(app)` reads, at the values of an unconfigured `MLOpsApp`."""

    def __getattr__(self, name: str) -> Any:
        from ..app import MLOpsApp

        traits = MLOpsApp.class_traits()
        if name not in traits:
            raise AttributeError(name)
        return traits[name].default()


def default_routes(base_url: str = "/") -> list[tuple[str, type]]:
    """`(pattern, handler)` of every route a default server at `base_url` documents: those
    under `/mlops/api/` and the capabilities' front routes (`ABSOLUTE_ROUTES`, such as the
    MLflow REST API, follow another specification and are not in the document)."""
    prefix = url_path_join(base_url, API_PATH)
    routes: list[tuple[str, type]] = []
    for capability in installed_capabilities():
        module = capability.load()
        routes += [(url_path_join(prefix, path), handler) for path, handler in module.ROUTES]
    for capability in installed_capabilities():
        front = getattr(capability.load(), "front_routes", None)
        if front is not None:
            routes += [(url_path_join(base_url, p), h) for p, h in front(_DefaultSettings())]
    return routes


def default_document(base_url: str = "/") -> OpenAPIDocument:
    """The OpenAPI document a default server at `base_url` serves at `openapi.json`."""
    prefix = url_path_join(base_url, API_PATH)
    return build_document(listed_routes(default_routes(base_url)), prefix, __version__, base_url)


def document_json(base_url: str = "/") -> str:
    """`default_document` as stable JSON text (sorted keys, one trailing newline)."""
    document = default_document(base_url).model_dump(mode="json")
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def write_document(path: Path, base_url: str = "/") -> bool:
    """Write `document_json` to `path`; whether the file changed."""
    text = document_json(base_url)
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True
