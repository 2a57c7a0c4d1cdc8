"""REST adapter of the model registry and endpoints, under `/mlops/api/`: the capability's
`setup` and its `ROUTES`; the handlers are in `registry_handlers` (models, versions, aliases)
and `endpoint_handlers`, on the base in `handler_base`.

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
