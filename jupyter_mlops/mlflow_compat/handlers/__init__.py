"""MLflow's REST API 2.0 under `/mlops/mlflow/`, so `MLFLOW_TRACKING_URI=<server>/mlops/mlflow`.

Routes are `ABSOLUTE_ROUTES` (relative to the server's base URL, not `/mlops/api/`). Every verb
is behind Jupyter's auth (MLflow's client sends `MLFLOW_TRACKING_TOKEN` as `Authorization:
Bearer`, which Jupyter's token check accepts), takes and returns MLflow's JSON shapes
(`messages`) and answers errors as `{"error_code": ..., "message": ...}` with MLflow's statuses
(`base`). Routes by API: `tracking`, `registry`, `logged_models`, `artifacts`; here `setup`,
the version probe and the catch-all.

| verb | path under `/mlops/mlflow/api/2.0/` | MLflow call |
|------|------|------|
| GET  | mlflow/experiments/get, get-by-name   | `get_experiment`, `get_experiment_by_name` |
| POST | mlflow/experiments/create, search     | `create_experiment`, `search_experiments` |
| POST | mlflow/experiments/delete, restore, update | `delete_experiment`, ..., rename |
| POST | mlflow/experiments/set-experiment-tag, delete-experiment-tag | experiment tags |
| POST | mlflow/runs/create, update, delete, restore | `start_run`, `end_run`, `delete_run`, ... |
| GET  | mlflow/runs/get                       | `get_run` |
| POST | mlflow/runs/log-metric, log-parameter, set-tag, delete-tag, log-batch | logging |
| POST | mlflow/runs/log-inputs, outputs       | accepted (datasets are not stored) |
| POST | mlflow/runs/search                    | `search_runs` |
| GET  | mlflow/metrics/get-history            | `get_metric_history` |
| *    | mlflow/logged-models/...              | MLflow 3's `log_model`, autologging |
| *    | mlflow/registered-models/..., model-versions/... | the registry (`registry_facade`) |
| GET  | mlflow-artifacts/artifacts?path=P     | `list_artifacts` |
| GET/PUT | mlflow-artifacts/artifacts/{path}  | `download_artifacts` / `log_artifact(s)` |

`setup` also sets `MLFLOW_TRACKING_URI` and `MLFLOW_TRACKING_TOKEN` for the server's kernels
when the user has not set `MLFLOW_TRACKING_URI`, so `import mlflow` logs to the Lab.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from tornado import web

from ...core.capability import CapabilityError, ServerHost, Teardown
from ...core.exported_environment import ExportedEnvironment
from ...core.openapi import Contract
from ...core.rest import EVERY_VERB, RefusingHandler
from ...core.server_link import HUB_TOKEN_ENV, server_url_for
from ...serving.capability import REGISTRY
from ...tracking.capability import TRACKING
from ...tracking.store import TrackingStore
from .. import messages as m
from ..capability import MLFLOW_LOGGED_MODELS, MLFLOW_REGISTRY, MLFLOW_TRACKING
from ..errors import ENDPOINT_NOT_FOUND, MlflowError
from ..facade import MlflowFacade
from ..logged_models import LoggedModels
from .artifacts import ARTIFACT_ROUTES
from .base import PREFIX, MlflowHandler
from .logged_models import LOGGED_MODEL_ROUTES
from .registry import REGISTRY_ROUTES
from .tracking import TRACKING_ROUTES

TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"
TRACKING_TOKEN_ENV = "MLFLOW_TRACKING_TOKEN"

ROUTES: list[tuple[str, Any]] = []  # nothing under /mlops/api/


def setup(app: ServerHost) -> Teardown:
    """Build the facade on the tracking store (and MLflow's registry on serving's, when it
    runs); point the kernels' MLflow at this server. The teardown puts back the MLflow
    variables that were there before the server started."""
    store = app.services.get(TRACKING)
    if not isinstance(store, TrackingStore):  # the facade reads the SQL store's tables
        raise CapabilityError(
            f"mlflow_compat needs a TrackingStore (MLOpsApp.tracking_store_class is "
            f"{type(store).__name__})"
        )
    facade = MlflowFacade(store)
    app.services.provide(MLFLOW_TRACKING, facade)
    logged_models = LoggedModels(store)
    facade.on_model_metrics = logged_models.add_metrics
    app.services.provide(MLFLOW_LOGGED_MODELS, logged_models)
    registry = app.services.find(REGISTRY)  # serving's (set up first when it runs)
    if registry is not None:
        from ..registry_facade import MlflowRegistry

        app.services.provide(MLFLOW_REGISTRY, MlflowRegistry(registry, store, logged_models))
    exported = ExportedEnvironment()
    serverapp = app.serverapp
    if os.environ.get(TRACKING_URI_ENV) or serverapp is None:
        return exported.restore  # the user's own MLflow server (or file store) wins
    exported.update(tracking_environment(serverapp))
    # The port is final only once the server listens (port 0, retries): export again then.
    serverapp.io_loop.add_callback(lambda: exported.update(tracking_environment(serverapp)))
    return exported.restore


def tracking_uri_for(serverapp: Any) -> str | None:
    """`MLFLOW_TRACKING_URI` of this server's facade, or None on a Unix socket."""
    url = server_url_for(serverapp)
    return None if url is None else url.rstrip("/") + "/" + PREFIX


def tracking_environment(serverapp: Any) -> dict[str, str | None]:
    """`MLFLOW_TRACKING_URI` and its token (None: unset) for the kernels; empty on a socket."""
    uri = tracking_uri_for(serverapp)
    if uri is None:
        return {}
    token = getattr(getattr(serverapp, "identity_provider", None), "token", "") or ""
    # Under JupyterHub the server has no token of its own; the hub's API token authenticates.
    token = token or os.environ.get(HUB_TOKEN_ENV, "")
    return {TRACKING_URI_ENV: uri, TRACKING_TOKEN_ENV: token or None}


class VersionHandler(MlflowHandler):
    """`GET <tracking URI>/version`: the MLflow version, as text, as `mlflow server` answers
    (MLflow's client probes it to choose what to send)."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The MLflow server version the facade emulates (text)", binary=True)
    }

    @web.authenticated
    async def get(self) -> None:
        """Answer the version."""
        # One version for the facade and the endpoints (imported here: serving is optional).
        from ...serving.invocation_bodies import MLFLOW_PROTOCOL_VERSION

        self.set_header("Content-Type", "text/plain; charset=utf-8")
        await self.finish(MLFLOW_PROTOCOL_VERSION)


class UnknownEndpointHandler(RefusingHandler, MlflowHandler):
    """Any other path under `/mlops/mlflow/`: `ENDPOINT_NOT_FOUND` in MLflow's shape (e.g. an
    MLflow feature the facade does not offer, such as traces), not an HTML page."""

    contract: ClassVar[dict[str, Contract]] = {
        verb: Contract("Not an endpoint of the facade", response=m.ErrorAnswer, status=404)
        for verb in EVERY_VERB
    }

    def refusal(self) -> Exception:
        """Why this path is refused."""
        return MlflowError(
            f"{self.request.method} {self.request.path} is not an endpoint of the workbench's "
            "MLflow API (see docs/mlflow.md for what it offers)",
            ENDPOINT_NOT_FOUND,
        )


ABSOLUTE_ROUTES: list[tuple[str, Any]] = [
    *TRACKING_ROUTES,
    *REGISTRY_ROUTES,
    *LOGGED_MODEL_ROUTES,
    *ARTIFACT_ROUTES,
    (f"{PREFIX}/version", VersionHandler),
    (f"{PREFIX}/(?P<path>.*)", UnknownEndpointHandler),  # last: after every real route
]
