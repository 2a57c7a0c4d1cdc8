"""REST adapter of experiment tracking, under `/mlops/api/`.

Every verb is authenticated, validates its input with the models of `api_models` (bad input is
a 400 naming the field), runs the store in a thread and replies with a model (built in
`rest_views`). Filtering, sorting and paging happen in the store's SQL, never here.

| verb   | path                                   | what                                      |
|--------|----------------------------------------|-------------------------------------------|
| GET    | experiments                            | experiments with run counts               |
| GET    | experiments/{experiment_id}            | one experiment + its param/metric keys    |
| GET    | runs                                   | search: filter, order_by, paging          |
| GET    | runs/{run_id}                          | a run with metric summaries and source    |
| PATCH  | runs/{run_id}                          | rename (`{"name": ...}`)                  |
| DELETE | runs/{run_id}                          | soft delete                               |
| POST   | runs/{run_id}/restore                  | undo a delete                             |
| GET    | runs/{run_id}/children                 | nested runs, oldest first, paged          |
| GET    | runs/{run_id}/metrics?key=K            | a metric's history (K may contain `/`)    |
| GET    | runs/{run_id}/metrics/{key}            | the same, key in the path                 |
| GET    | runs/{run_id}/artifacts?path=P         | list an artifact folder                   |
| GET    | runs/{run_id}/artifacts/{path}         | download one artifact file (streamed)     |
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import Any, ClassVar, Protocol
from urllib.parse import quote

from pydantic import ValidationError
from tornado import web
from tornado.iostream import StreamClosedError

from ..core import artifact_store
from ..core.capability import ServerHost, Teardown
from ..core.errors import MLOpsError, validation_error
from ..core.exported_environment import ExportedEnvironment
from ..core.openapi import Contract
from ..core.rest import APIHandler
from ..core.services import dotted_name, service_class
from . import api_models as api
from .base_store import TRACKING_STORE, BaseTrackingStore
from .capability import TRACKING
from .heartbeat import ServerReaper
from .rest_views import (
    artifact_file,
    artifact_listing,
    child_runs,
    experiment_detail,
    list_experiments,
    metric_history,
    run_detail,
    search_runs,
)

DOWNLOAD_CHUNK_BYTES = 1 << 20


class TrackingHost(ServerHost, Protocol):
    """The settings the tracking capability reads (`MLOpsApp` traitlets)."""

    tracking_store_class: type[BaseTrackingStore] | str | None


def setup(app: TrackingHost) -> Teardown:
    """Build the configured tracking store over the server's database (artifacts under its data
    dir), export its class so the kernels and jobs this server starts build the same, and start
    the reaper of orphaned runs. The teardown stops the reaper and gives the environment back
    its store class."""
    store_class = service_class(TRACKING_STORE, app.tracking_store_class)
    app.services.provide(TRACKING, store_class(app.database, app.resolved_data_dir))
    exported = ExportedEnvironment()
    exported.update({TRACKING_STORE.env: dotted_name(store_class)})
    # Runs whose process was killed are marked KILLED now and every minute.
    reaper = ServerReaper(app.database).start()

    def teardown() -> None:
        reaper.stop()
        exported.restore()

    return teardown


# --- handlers --------------------------------------------------------------------------------


class TrackingHandler(APIHandler):
    """Base of the tracking handlers: gives them the store."""

    @property
    def store(self) -> BaseTrackingStore:
        """The server's tracking store (built by `setup`)."""
        store = self.service(TRACKING)
        return store


class ExperimentsHandler(TrackingHandler):
    """`GET experiments?view=active|deleted|all`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "Experiments with their run counts",
            response=api.ExperimentList,
            query=api.ExperimentsQuery,
        )
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with `ExperimentList`."""
        query = self.parse_query(api.ExperimentsQuery)
        self.reply(await self.run_blocking(list_experiments, self.store, query.view))


class ExperimentHandler(TrackingHandler):
    """`GET experiments/{experiment_id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("One experiment and the keys its runs use", response=api.ExperimentDetail)
    }

    @web.authenticated
    async def get(self, experiment_id: str) -> None:
        """Reply with `ExperimentDetail`."""
        self.reply(await self.run_blocking(experiment_detail, self.store, experiment_id))


class RunsHandler(TrackingHandler):
    """`GET runs?experiment_id=&filter=&order_by=&max_results=&page_token=&offset=&view=`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "Search runs: filter, order, page", response=api.RunsPage, query=api.RunsQuery
        )
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with `RunsPage`."""
        query = self.parse_query(api.RunsQuery)
        self.reply(await self.run_blocking(search_runs, self.store, query))


class RunHandler(TrackingHandler):
    """`GET`, `PATCH` (rename) and `DELETE` (soft) `runs/{run_id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A run with metric summaries and provenance", response=api.RunDetail),
        "patch": Contract("Rename a run", response=api.RunOut, body=api.RunUpdate),
        "delete": Contract("Soft-delete a run", response=api.RunOut),
    }

    @web.authenticated
    async def get(self, run_id: str) -> None:
        """Reply with `RunDetail`."""
        root_dir = self.settings.get("server_root_dir")
        self.reply(await self.run_blocking(run_detail, self.store, run_id, root_dir))

    @web.authenticated
    async def patch(self, run_id: str) -> None:
        """Rename the run; reply with the renamed `RunOut`."""
        update = self.parse_body(api.RunUpdate)
        run = await self.run_blocking(self.store.update_run, run_id, name=update.name)
        self.reply(api.run_out(run))

    @web.authenticated
    async def delete(self, run_id: str) -> None:
        """Soft-delete the run; reply with it (lifecycle_stage "deleted")."""
        self.reply(api.run_out(await self.run_blocking(self.store.delete_run, run_id)))


class RunRestoreHandler(TrackingHandler):
    """`POST runs/{run_id}/restore`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract("Restore a deleted run", response=api.RunOut)
    }

    @web.authenticated
    async def post(self, run_id: str) -> None:
        """Restore a deleted run; reply with it."""
        self.reply(api.run_out(await self.run_blocking(self.store.restore_run, run_id)))


class MetricHistoryHandler(TrackingHandler):
    """`GET runs/{run_id}/metrics?key=K` and `GET runs/{run_id}/metrics/{key}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "A metric's history, sampled to at most max_points",
            response=api.MetricHistory,
            query=api.MetricHistoryQuery,
        )
    }

    @web.authenticated
    async def get(self, run_id: str, key: str | None = None) -> None:
        """Reply with `MetricHistory`."""
        args = {name: self.get_query_argument(name) for name in self.request.query_arguments}
        if key is not None:
            if "key" in args:
                raise MLOpsError(
                    "give the metric key in the path or in ?key=, not both", field="key"
                )
            args["key"] = key
        try:
            query = api.MetricHistoryQuery.model_validate(args)
        except ValidationError as exc:
            raise validation_error(exc) from exc
        history = await self.run_blocking(
            metric_history, self.store, run_id, query.key, query.max_points
        )
        self.reply(history)


class MetricHistoryByKeyHandler(MetricHistoryHandler):
    """`GET runs/{run_id}/metrics/{key}`: the key in the path (it may not also be in ?key=)."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "A metric's history, sampled to at most max_points",
            response=api.MetricHistory,
            query=api.MetricHistoryPathQuery,
        )
    }


class ChildRunsHandler(TrackingHandler):
    """`GET runs/{run_id}/children?max_results=&page_token=&offset=`: nested runs, paged."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "A page of the runs nested under a run, oldest first",
            response=api.RunsPage,
            query=api.ChildRunsQuery,
        )
    }

    @web.authenticated
    async def get(self, run_id: str) -> None:
        """Reply with `RunsPage`."""
        query = self.parse_query(api.ChildRunsQuery)
        self.reply(await self.run_blocking(child_runs, self.store, run_id, query))


class ArtifactsHandler(TrackingHandler):
    """`GET runs/{run_id}/artifacts?path=P`: one folder of the run's artifacts."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "One folder of a run's artifacts", response=api.ArtifactList, query=api.ArtifactsQuery
        )
    }

    @web.authenticated
    async def get(self, run_id: str) -> None:
        """Reply with `ArtifactList`."""
        query = self.parse_query(api.ArtifactsQuery)
        self.reply(await self.run_blocking(artifact_listing, self.store, run_id, query.path))


class ArtifactDownloadHandler(TrackingHandler):
    """`GET runs/{run_id}/artifacts/{path}`: the file, streamed, as an attachment."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Download one artifact file", binary=True)
    }

    @web.authenticated
    async def get(self, run_id: str, path: str) -> None:
        """Stream the file in chunks (ranged reads on object storage); never rendered in the
        Lab's origin (attachment + CSP)."""
        target, size = await self.run_blocking(artifact_file, self.store, run_id, path)
        name = PurePosixPath(target.replace("\\", "/")).name
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.set_header("Content-Type", content_type)
        self.set_header("Content-Length", str(size))
        self.set_header("Content-Disposition", _attachment(name))
        self.set_header("X-Content-Type-Options", "nosniff")
        with await self.run_blocking(artifact_store.open_file, target, "rb") as handle:
            while chunk := await self.run_blocking(handle.read, DOWNLOAD_CHUNK_BYTES):
                self.write(chunk)
                try:
                    await self.flush()
                except StreamClosedError:
                    return  # the browser cancelled the download
        await self.finish(set_content_type=content_type)


def _attachment(name: str) -> str:
    """A Content-Disposition that keeps non-ASCII file names (RFC 6266)."""
    fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


_RUN = r"runs/(?P<run_id>[^/]+)"

ROUTES: list[tuple[str, Any]] = [
    ("experiments", ExperimentsHandler),
    (r"experiments/(?P<experiment_id>[^/]+)", ExperimentHandler),
    ("runs", RunsHandler),
    (_RUN, RunHandler),
    (rf"{_RUN}/restore", RunRestoreHandler),
    (rf"{_RUN}/children", ChildRunsHandler),
    (rf"{_RUN}/metrics", MetricHistoryHandler),
    (rf"{_RUN}/metrics/(?P<key>[^/]+)", MetricHistoryByKeyHandler),
    (rf"{_RUN}/artifacts", ArtifactsHandler),
    (rf"{_RUN}/artifacts/(?P<path>.+)", ArtifactDownloadHandler),
]
