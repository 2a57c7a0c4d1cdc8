"""REST adapter of the model registry and endpoints, under `/mlops/api/`: the capability's
`setup` and its `ROUTES`. The handlers, each module with the table of its routes, are in
`registry_handlers` (models, versions, aliases) and `endpoint_handlers` (deploy, lifecycle,
stats, token), on the base in `handler_base`.
"""

from __future__ import annotations

import os
from typing import Protocol

from ..core.capability import ServerHost, Teardown
from .capability import REGISTRY, SUPERVISOR
from .endpoint_handlers import (
    EndpointActionHandler,
    EndpointHandler,
    EndpointsHandler,
    EndpointStatsHandler,
    EndpointTokenHandler,
)
from .registry import ModelRegistry
from .registry_handlers import (
    AliasHandler,
    AliasRollbackHandler,
    ModelHandler,
    ModelsHandler,
    VersionCompareHandler,
    VersionHandler,
)
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
