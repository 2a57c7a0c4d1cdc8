"""MLflow's REST API 2.0 under `/mlops/mlflow/`, so `MLFLOW_TRACKING_URI=<server>/mlops/mlflow`.

Routes are `ABSOLUTE_ROUTES` (relative to the server's base URL, not `/mlops/api/`). Every verb
is behind Jupyter's auth (MLflow's client sends `MLFLOW_TRACKING_TOKEN` as `Authorization:
Bearer`, which Jupyter's token check accepts), takes and returns MLflow's JSON shapes
(`messages`) and answers errors as `{"error_code": ..., "message": ...}` with MLflow's statuses.

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

import contextlib
import json
import mimetypes
import os
from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError
from tornado import web
from tornado.iostream import StreamClosedError

from ..core.capability import CapabilityError, ServerHost, ServiceKey, Teardown
from ..core.errors import MLOpsError
from ..core.exported_environment import ExportedEnvironment
from ..core.openapi import Contract
from ..core.rest import EVERY_VERB, APIHandler, ModelT, RefusingHandler
from ..core.server_link import HUB_TOKEN_ENV, server_url_for
from ..serving.capability import REGISTRY
from ..tracking.capability import TRACKING
from ..tracking.store import TrackingStore
from . import artifact_proxy
from . import logged_model_messages as lm
from . import messages as m
from . import registry_messages as rm
from .capability import MLFLOW_LOGGED_MODELS, MLFLOW_REGISTRY, MLFLOW_TRACKING
from .errors import (
    ENDPOINT_NOT_FOUND,
    HTTP_STATUS,
    MlflowError,
    code_for_status,
    error_body,
    mlflow_code,
    request_error,
)
from .facade import MlflowFacade
from .logged_models import LoggedModels

PREFIX = "mlops/mlflow"
TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"
TRACKING_TOKEN_ENV = "MLFLOW_TRACKING_TOKEN"
DOWNLOAD_CHUNK_BYTES = 1 << 20

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
        from .registry_facade import MlflowRegistry

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


@contextlib.contextmanager
def _validation_in_mlflows_words() -> Iterator[None]:
    """Re-raise a request model's validation error as MLflow's server words it."""
    try:
        yield
    except MLOpsError as error:
        if isinstance(error.__cause__, ValidationError):
            raise request_error(error.__cause__) from None
        raise


class MlflowHandler(APIHandler):
    """Base of the facade's handlers: errors in MLflow's shape and statuses."""

    @property
    def facade(self) -> MlflowFacade:
        """The facade built by `setup`."""
        facade = self.service(MLFLOW_TRACKING)
        return facade

    def parse_body(self, model: type[ModelT]) -> ModelT:
        """The JSON body as `model`; a field of the wrong type in MLflow's words."""
        with _validation_in_mlflows_words():
            return super().parse_body(model)

    def parse_query(self, model: type[ModelT]) -> ModelT:
        """The query arguments as `model`; a field of the wrong type in MLflow's words."""
        with _validation_in_mlflows_words():
            return super().parse_query(model)

    def reply_message(self, message: BaseModel) -> None:
        """Send an answer as MLflow does: unset fields left out, non-finite numbers as text."""
        self.set_header("Content-Type", "application/json")
        self.finish(message.model_dump_json(exclude_none=True))

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        """MLflow's status for the error's MLflow code."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MLOpsError):
            status_code = HTTP_STATUS[mlflow_code(exc)]
        # Past `APIHandler.send_error`, which would give the workbench's status instead.
        super(APIHandler, self).send_error(status_code, **kwargs)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """`{"error_code": ..., "message": ...}` for every error."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MLOpsError):
            body = error_body(mlflow_code(exc), exc.message)
        elif isinstance(exc, web.HTTPError):
            body = error_body(code_for_status(status_code), exc.log_message or self._reason)
        else:
            body = error_body(
                code_for_status(status_code), "internal error; the server log has the details"
            )
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class Endpoint(MlflowHandler):
    """One MLflow operation: parse the request message, call the facade in a thread, answer."""

    operation: ClassVar[str]
    request_model: ClassVar[type[BaseModel]]
    service_key: ClassVar[ServiceKey[Any]] = MLFLOW_TRACKING

    async def _call(self, request: BaseModel) -> None:
        service = self.services.find(self.service_key)
        if service is None:  # the registry needs the serving capability
            raise MlflowError(
                f"{self.request.path} needs jupyter-mlops serving", ENDPOINT_NOT_FOUND
            )
        method = getattr(service, self.operation)
        self.reply_message(await self.run_blocking(method, request))


class PostEndpoint(Endpoint):
    """An operation with a JSON body."""

    @web.authenticated
    async def post(self) -> None:
        """Run the operation on the JSON body."""
        await self._call(self.parse_body(self.request_model))


class GetEndpoint(Endpoint):
    """An operation with query arguments."""

    @web.authenticated
    async def get(self) -> None:
        """Run the operation on the query arguments."""
        await self._call(self.parse_query(self.request_model))


class PatchEndpoint(Endpoint):
    """An operation with a JSON body sent as `PATCH`."""

    @web.authenticated
    async def patch(self) -> None:
        """Run the operation on the JSON body."""
        await self._call(self.parse_body(self.request_model))


class DeleteEndpoint(Endpoint):
    """An operation sent as `DELETE`: MLflow's client puts its fields in a JSON body; other
    clients may send them as query arguments."""

    @web.authenticated
    async def delete(self) -> None:
        """Run the operation on the JSON body (or the query arguments without one)."""
        if self.request.body:
            await self._call(self.parse_body(self.request_model))
        else:
            await self._call(self.parse_query(self.request_model))


def _endpoint(
    path: str,
    verb: str,
    operation: str,
    request: type[BaseModel],
    response: type[BaseModel],
    summary: str,
    service: ServiceKey[Any] = MLFLOW_TRACKING,
) -> tuple[str, type[Endpoint]]:
    bases: dict[str, type[Endpoint]] = {
        "post": PostEndpoint,
        "get": GetEndpoint,
        "patch": PatchEndpoint,
        "delete": DeleteEndpoint,
    }
    base = bases[verb]
    where = "query" if verb == "get" else "body"
    name = "".join(part.title() for part in operation.split("_")) + "Handler"
    contract = {verb: Contract(summary, response=response, **{where: request})}  # type: ignore[arg-type]
    handler = type(
        name,
        (base,),
        {
            "operation": operation,
            "request_model": request,
            "service_key": service,
            "contract": contract,
            "__doc__": f"`{verb.upper()} {path}`: {summary}",
            "__module__": __name__,
        },
    )
    return f"{PREFIX}/api/2.0/mlflow/{path}", handler


class LoggedModelsHandler(MlflowHandler):
    """Base of the logged-model handlers."""

    @property
    def models(self) -> LoggedModels:
        """The logged models built by `setup`."""
        return self.service(MLFLOW_LOGGED_MODELS)


class LoggedModelCreateHandler(LoggedModelsHandler):
    """`POST logged-models`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Create a logged model of a run",
            response=lm.LoggedModelAnswer,
            body=lm.CreateLoggedModel,
        )
    }

    @web.authenticated
    async def post(self) -> None:
        """Reply with the new model."""
        request = self.parse_body(lm.CreateLoggedModel)
        self.reply_message(await self.run_blocking(self.models.create, request))


class LoggedModelSearchHandler(LoggedModelsHandler):
    """`POST logged-models/search`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Search logged models", response=lm.LoggedModelsAnswer, body=lm.SearchLoggedModels
        )
    }

    @web.authenticated
    async def post(self) -> None:
        """Reply with a page of models."""
        request = self.parse_body(lm.SearchLoggedModels)
        self.reply_message(await self.run_blocking(self.models.search, request))


class LoggedModelHandler(LoggedModelsHandler):
    """`GET`, `PATCH` (finalize) and `DELETE` `logged-models/{model_id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A logged model", response=lm.LoggedModelAnswer),
        "patch": Contract(
            "Set a logged model's status",
            response=lm.LoggedModelAnswer,
            body=lm.FinalizeLoggedModel,
        ),
        "delete": Contract("Forget a logged model (its files stay)", response=m.Empty),
    }

    @web.authenticated
    async def get(self, model_id: str) -> None:
        """Reply with the model."""
        self.reply_message(await self.run_blocking(self.models.get, model_id))

    @web.authenticated
    async def patch(self, model_id: str) -> None:
        """Set the status; reply with the model."""
        request = self.parse_body(lm.FinalizeLoggedModel)
        self.reply_message(await self.run_blocking(self.models.finalize, model_id, request))

    @web.authenticated
    async def delete(self, model_id: str) -> None:
        """Forget the model."""
        self.reply_message(await self.run_blocking(self.models.delete, model_id))


class LoggedModelTagsHandler(LoggedModelsHandler):
    """`PATCH logged-models/{model_id}/tags`."""

    contract: ClassVar[dict[str, Contract]] = {
        "patch": Contract("Set a logged model's tags", response=m.Empty, body=lm.LoggedModelTags)
    }

    @web.authenticated
    async def patch(self, model_id: str) -> None:
        """Set the tags."""
        request = self.parse_body(lm.LoggedModelTags)
        self.reply_message(await self.run_blocking(self.models.set_tags, model_id, request))


class LoggedModelTagHandler(LoggedModelsHandler):
    """`DELETE logged-models/{model_id}/tags/{tag_key}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "delete": Contract("Delete a logged model's tag", response=m.Empty)
    }

    @web.authenticated
    async def delete(self, model_id: str, tag_key: str) -> None:
        """Delete the tag."""
        self.reply_message(await self.run_blocking(self.models.delete_tag, model_id, tag_key))


class LoggedModelParamsHandler(LoggedModelsHandler):
    """`POST logged-models/{model_id}/params`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract("Log a logged model's params", response=m.Empty, body=lm.LoggedModelParams)
    }

    @web.authenticated
    async def post(self, model_id: str) -> None:
        """Add the params."""
        request = self.parse_body(lm.LoggedModelParams)
        self.reply_message(await self.run_blocking(self.models.log_params, model_id, request))


class RegistryAliasHandler(Endpoint):
    """`GET` (version by alias), `POST` (set) and `DELETE` `registered-models/alias`."""

    service_key = MLFLOW_REGISTRY
    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The version an alias points to", response=rm.ModelVersionAnswer,
                        query=rm.AliasRef),
        "post": Contract("Point an alias at a version", response=m.Empty, body=rm.SetAlias),
        "delete": Contract("Remove an alias", response=m.Empty, body=rm.AliasRef),
    }  # fmt: skip

    @web.authenticated
    async def get(self) -> None:
        """Reply with the version."""
        self.operation = "get_model_version_by_alias"  # type: ignore[misc]
        await self._call(self.parse_query(rm.AliasRef))

    @web.authenticated
    async def post(self) -> None:
        """Set the alias."""
        self.operation = "set_registered_model_alias"  # type: ignore[misc]
        await self._call(self.parse_body(rm.SetAlias))

    @web.authenticated
    async def delete(self) -> None:
        """Remove the alias (name and alias in the body, or in the query)."""
        self.operation = "delete_registered_model_alias"  # type: ignore[misc]
        if self.request.body:
            await self._call(self.parse_body(rm.AliasRef))
        else:
            await self._call(self.parse_query(rm.AliasRef))


class ArtifactListHandler(MlflowHandler):
    """`GET mlflow-artifacts/artifacts?path=<experiment_id>/<run_id>/artifacts/...`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "List one artifact folder", response=m.ArtifactsAnswer, query=m.ListArtifacts
        )
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with the folder's entries."""
        query = self.parse_query(m.ListArtifacts)
        store = self.facade.store
        self.reply_message(await self.run_blocking(artifact_proxy.list_folder, store, query.path))


class ArtifactFileHandler(MlflowHandler):
    """`GET` (download) and `PUT` (upload) `mlflow-artifacts/artifacts/<path>`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Download one artifact file", binary=True),
        "put": Contract("Upload one artifact file (the body is the file)", response=m.Empty),
    }

    @web.authenticated
    async def get(self, path: str) -> None:
        """Stream the file."""
        store = self.facade.store
        target = await self.run_blocking(artifact_proxy.file_to_send, store, path)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.set_header("Content-Type", content_type)
        self.set_header("Content-Length", str(target.stat().st_size))
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Disposition", "attachment")
        with await self.run_blocking(target.open, "rb") as handle:
            while chunk := await self.run_blocking(handle.read, DOWNLOAD_CHUNK_BYTES):
                self.write(chunk)
                try:
                    await self.flush()
                except StreamClosedError:
                    return
        await self.finish()

    @web.authenticated
    async def put(self, path: str) -> None:
        """Store the request body as the artifact file."""
        store = self.facade.store
        await self.run_blocking(artifact_proxy.receive_file, store, path, self.request.body)
        self.reply_message(m.Empty())


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
        from ..serving.invocation_bodies import MLFLOW_PROTOCOL_VERSION

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


_ENDPOINTS: list[tuple[str, str, str, type[BaseModel], type[BaseModel], str]] = [
    ("experiments/get", "get", "get_experiment", m.ExperimentRef, m.ExperimentAnswer,
     "An experiment by id"),
    ("experiments/get-by-name", "get", "get_experiment_by_name", m.ExperimentByName,
     m.ExperimentAnswer, "An experiment by name"),
    ("experiments/create", "post", "create_experiment", m.CreateExperiment,
     m.CreateExperimentAnswer, "Create an experiment"),
    ("experiments/search", "post", "search_experiments", m.SearchExperiments,
     m.ExperimentsAnswer, "Search experiments"),
    ("experiments/delete", "post", "delete_experiment", m.ExperimentRef, m.Empty,
     "Soft-delete an experiment and its runs"),
    ("experiments/restore", "post", "restore_experiment", m.ExperimentRef, m.Empty,
     "Restore a deleted experiment and the runs its deletion deleted"),
    ("experiments/update", "post", "update_experiment", m.UpdateExperiment, m.Empty,
     "Rename an experiment"),
    ("experiments/set-experiment-tag", "post", "set_experiment_tag", m.ExperimentTag, m.Empty,
     "Set an experiment tag"),
    ("experiments/delete-experiment-tag", "post", "delete_experiment_tag", m.ExperimentTagRef,
     m.Empty, "Delete an experiment tag"),
    ("runs/create", "post", "create_run", m.CreateRun, m.RunAnswer, "Start a run"),
    ("runs/get", "get", "get_run", m.RunRef, m.RunAnswer, "A run with its latest data"),
    ("runs/update", "post", "update_run", m.UpdateRun, m.RunInfoAnswer,
     "Set a run's status, end time or name"),
    ("runs/delete", "post", "delete_run", m.RunRef, m.Empty, "Soft-delete a run"),
    ("runs/restore", "post", "restore_run", m.RunRef, m.Empty, "Restore a deleted run"),
    ("runs/log-metric", "post", "log_metric", m.LogMetric, m.Empty, "Log a metric point"),
    ("runs/log-parameter", "post", "log_param", m.LogParam, m.Empty, "Log a param"),
    ("runs/set-tag", "post", "set_tag", m.SetTag, m.Empty, "Set a tag"),
    ("runs/delete-tag", "post", "delete_tag", m.DeleteTag, m.Empty, "Delete a tag"),
    ("runs/log-batch", "post", "log_batch", m.LogBatch, m.Empty,
     "Log params, metrics and tags at once"),
    ("runs/log-inputs", "post", "log_inputs", m.LogInputs, m.Empty,
     "Accept a run's dataset inputs (not stored)"),
    ("runs/outputs", "post", "log_outputs", m.LogOutputs, m.Empty,
     "Accept the models a run produced (known from their source run)"),
    ("runs/search", "post", "search_runs", m.SearchRuns, m.RunsAnswer, "Search runs"),
    ("metrics/get-history", "get", "get_metric_history", m.GetMetricHistory,
     m.MetricHistoryAnswer, "A metric's history"),
    ("artifacts/list", "get", "list_run_artifacts", m.ListRunArtifacts, m.RunArtifactsAnswer,
     "A run's artifacts under a path"),
]  # fmt: skip

_REGISTRY_ENDPOINTS: list[tuple[str, str, str, type[BaseModel], type[BaseModel], str]] = [
    ("registered-models/create", "post", "create_registered_model", rm.CreateRegisteredModel,
     rm.RegisteredModelAnswer, "Name a registered model (stored with its first version)"),
    ("registered-models/get", "get", "get_registered_model", rm.ModelName,
     rm.RegisteredModelAnswer, "A registered model"),
    ("registered-models/search", "get", "search_registered_models", rm.SearchRegistry,
     rm.RegisteredModelsAnswer, "Search registered models"),
    ("registered-models/get-latest-versions", "post", "get_latest_versions", rm.LatestVersions,
     rm.ModelVersionsAnswer, "The newest version of each stage (stages are aliases here)"),
    ("model-versions/transition-stage", "post", "transition_model_version_stage",
     rm.TransitionStage, rm.ModelVersionAnswer,
     "Move a version into a stage (deprecated in MLflow; moves the stage's alias)"),
    ("model-versions/create", "post", "create_model_version", rm.CreateModelVersion,
     rm.ModelVersionAnswer, "Register a run's model folder as a new version"),
    ("model-versions/get", "get", "get_model_version", rm.ModelVersionRef, rm.ModelVersionAnswer,
     "A model version"),
    ("model-versions/get-download-uri", "get", "get_model_version_download_uri",
     rm.ModelVersionRef, rm.DownloadUriAnswer, "Where a version's files come from (its source)"),
    ("model-versions/search", "get", "search_model_versions", rm.SearchRegistry,
     rm.ModelVersionsAnswer, "Search model versions"),
    ("registered-models/rename", "post", "rename_registered_model", rm.RenameRegisteredModel,
     rm.RegisteredModelAnswer, "Rename a registered model"),
    ("registered-models/update", "patch", "update_registered_model", rm.UpdateRegisteredModel,
     rm.RegisteredModelAnswer, "Set a registered model's description"),
    ("registered-models/delete", "delete", "delete_registered_model", rm.ModelName, m.Empty,
     "Delete a registered model with its versions"),
    ("registered-models/set-tag", "post", "set_registered_model_tag", rm.RegisteredModelTag,
     m.Empty, "Set a registered model's tag"),
    ("registered-models/delete-tag", "delete", "delete_registered_model_tag",
     rm.RegisteredModelTagRef, m.Empty, "Delete a registered model's tag"),
    ("model-versions/update", "patch", "update_model_version", rm.UpdateModelVersion,
     rm.ModelVersionAnswer, "Set a model version's description"),
    ("model-versions/delete", "delete", "delete_model_version", rm.ModelVersionRef, m.Empty,
     "Delete a model version"),
    ("model-versions/set-tag", "post", "set_model_version_tag", rm.ModelVersionTag, m.Empty,
     "Set a model version's tag"),
    ("model-versions/delete-tag", "delete", "delete_model_version_tag", rm.ModelVersionTagRef,
     m.Empty, "Delete a model version's tag"),
]  # fmt: skip

_MODELS = f"{PREFIX}/api/2.0/mlflow/logged-models"

ABSOLUTE_ROUTES: list[tuple[str, Any]] = [
    *(_endpoint(*spec) for spec in _ENDPOINTS),
    *(_endpoint(*spec, service=MLFLOW_REGISTRY) for spec in _REGISTRY_ENDPOINTS),
    (f"{PREFIX}/api/2.0/mlflow/registered-models/alias", RegistryAliasHandler),
    (f"{_MODELS}", LoggedModelCreateHandler),
    (f"{_MODELS}/search", LoggedModelSearchHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)", LoggedModelHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)/tags", LoggedModelTagsHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)/tags/(?P<tag_key>.+)", LoggedModelTagHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)/params", LoggedModelParamsHandler),
    (f"{PREFIX}/api/2.0/mlflow-artifacts/artifacts", ArtifactListHandler),
    (f"{PREFIX}/api/2.0/mlflow-artifacts/artifacts/(?P<path>.+)", ArtifactFileHandler),
    (f"{PREFIX}/version", VersionHandler),
    (f"{PREFIX}/(?P<path>.*)", UnknownEndpointHandler),  # last: after every real route
]
