"""REST adapter of experiment tracking, under `/mlops/api/`.

Every verb is authenticated, validates its input with the models of `api_models` (bad input is
a 400 naming the field), runs the store in a thread and replies with a model. Filtering,
sorting and paging happen in the store's SQL, never here.

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
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Protocol
from urllib.parse import quote

from pydantic import ValidationError
from tornado import web
from tornado.iostream import StreamClosedError

from ..core import artifact_store
from ..core.capability import ServerHost, Teardown
from ..core.errors import MLOpsError, NotFoundError, validation_error
from ..core.exported_environment import ExportedEnvironment
from ..core.openapi import Contract
from ..core.rest import APIHandler
from ..core.services import dotted_name, service_class
from . import api_models as api
from .base_store import TRACKING_STORE, BaseTrackingStore
from .capability import TRACKING
from .entities import RunPage, RunView
from .heartbeat import ServerReaper

DOWNLOAD_CHUNK_BYTES = 1 << 20

_RUN_VIEWS = {"active": RunView.ACTIVE_ONLY, "deleted": RunView.DELETED_ONLY, "all": RunView.ALL}


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


# --- blocking work, run in a thread ----------------------------------------------------------


def list_experiments(store: BaseTrackingStore, view: api.ViewType) -> api.ExperimentList:
    """Every experiment of the view with its run counts."""
    experiments = store.list_experiments(_RUN_VIEWS[view])
    return api.ExperimentList(experiments=[api.experiment_out(e) for e in experiments])


def experiment_detail(store: BaseTrackingStore, experiment_id: str) -> api.ExperimentDetail:
    """One experiment, its counts, and the keys its runs use (the runs table's columns)."""
    keys = store.keys_in_use([experiment_id])
    return api.ExperimentDetail(
        **api.experiment_out(store.get_experiment(experiment_id)).model_dump(),
        param_keys=keys["params"],
        metric_keys=keys["metrics"],
        tag_keys=keys["tags"],
    )


def search_runs(store: BaseTrackingStore, query: api.RunsQuery) -> api.RunsPage:
    """One page of a search, filtered, sorted and paged by the store."""
    page = store.search_runs(
        query.experiment_id or None,
        query.filter or None,
        query.order_by,
        query.max_results,
        query.page_token,
        offset=query.offset,
        run_view=_RUN_VIEWS[query.view],
    )
    return _runs_page(page)


def _runs_page(page: RunPage) -> api.RunsPage:
    return api.RunsPage(
        runs=[api.run_out(run) for run in page.runs],
        next_page_token=page.next_page_token,
        offset=page.offset,
        total=page.total,
    )


def _lab_path(notebook_path: str, root_dir: str | None) -> str | None:
    """The notebook's path relative to the Lab's root, or None when it lies outside."""
    path = Path(notebook_path)
    if not path.is_absolute():
        return path.as_posix()
    if root_dir is None:
        return None
    try:
        return path.resolve().relative_to(Path(root_dir).resolve()).as_posix()
    except ValueError:
        return None


def run_detail(store: BaseTrackingStore, run_id: str, root_dir: str | None) -> api.RunDetail:
    """The store's run detail (one session) as the REST model, with the notebook's Lab path."""
    detail = store.get_run_detail(run_id)
    run = detail.run
    source = None
    if run.notebook_path:
        source = api.NotebookSource(
            path=run.notebook_path,
            lab_path=_lab_path(run.notebook_path, root_dir),
            cell_source=run.cell_source,
        )
    return api.RunDetail(
        **api.run_fields(run),
        experiment_name=detail.experiment_name,
        metric_summaries=[api.metric_summary(summary) for summary in detail.metric_summaries],
        source=source,
        user=run.user,
        git_commit=run.git_commit,
        git_dirty=run.git_dirty,
        environment=dict(run.environment),
        failure=run.error,
    )


def metric_history(
    store: BaseTrackingStore, run_id: str, key: str, max_points: int
) -> api.MetricHistory:
    """The store's history of a metric (at most `max_points`) as the REST model."""
    history = store.get_metric_history(run_id, key, max_points)
    return api.MetricHistory(
        run_id=run_id,
        key=key,
        points=[api.metric_point(point) for point in history.points],
        sampled=history.sampled,
        total=history.total,
    )


def child_runs(store: BaseTrackingStore, run_id: str, query: api.ChildRunsQuery) -> api.RunsPage:
    """One page of a run's children as the REST model."""
    page = store.child_runs_page(run_id, query.max_results, query.page_token, offset=query.offset)
    return _runs_page(page)


def artifact_listing(store: BaseTrackingStore, run_id: str, path: str) -> api.ArtifactList:
    """The entries of one artifact folder of a run."""
    root = store.artifact_location(run_id)
    files = store.list_artifacts(run_id, path)
    return api.ArtifactList(
        run_id=run_id,
        root_uri=root,
        path=path.strip("/"),
        files=[api.artifact_file(info) for info in files],
    )


def artifact_file(store: BaseTrackingStore, run_id: str, path: str) -> tuple[str, int]:
    """The file to download (a local path or a URI under the artifact root) and its size; a
    folder or a missing file is refused."""
    target = store.artifact_location(run_id, path)
    if artifact_store.is_dir(target):
        raise MLOpsError(f"{path!r} is a folder: list it with ?path=", field="path")
    if not artifact_store.exists(target):
        raise NotFoundError(f"run {run_id} has no artifact {path!r}", field="path")
    return target, artifact_store.size(target)


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
