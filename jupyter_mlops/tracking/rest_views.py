"""What the tracking REST verbs answer, built from store calls (blocking: `handlers` runs them
with `run_blocking`).

Each function takes the configured store (`BaseTrackingStore`) and the verb's checked input and
returns a model of `api_models`; filtering, sorting and paging stay in the store's SQL.
"""

from __future__ import annotations

from pathlib import Path

from ..core import artifact_store
from ..core.errors import MLOpsError, NotFoundError
from . import api_models as api
from .base_store import BaseTrackingStore
from .entities import RunPage, RunView

_RUN_VIEWS = {"active": RunView.ACTIVE_ONLY, "deleted": RunView.DELETED_ONLY, "all": RunView.ALL}


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
