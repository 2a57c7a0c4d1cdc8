"""`mlops.search_runs(...)`: runs as a pandas DataFrame shaped like MLflow's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, overload

from ..core.errors import MLOpsError, NotFoundError
from .entities import Run, RunView
from .process_client import get_client
from .store_reads import MAX_RESULTS_LIMIT

if TYPE_CHECKING:
    import pandas as pd

BASE_COLUMNS = (
    "run_id",
    "experiment_id",
    "run_name",
    "status",
    "artifact_uri",
    "start_time",
    "end_time",
    "parent_run_id",
)


@overload
def search_runs(
    experiment: str | Sequence[str] | None = None,
    filter: str | None = None,
    order_by: Sequence[str] | None = None,
    max_results: int = 100_000,
    run_view: RunView | str = RunView.ACTIVE_ONLY,
    output_format: Literal["pandas"] = "pandas",
) -> pd.DataFrame: ...


@overload
def search_runs(
    experiment: str | Sequence[str] | None,
    filter: str | None,
    order_by: Sequence[str] | None,
    max_results: int,
    run_view: RunView | str,
    output_format: Literal["list"],
) -> list[Run]: ...


@overload
def search_runs(
    experiment: str | Sequence[str] | None = None,
    filter: str | None = None,
    order_by: Sequence[str] | None = None,
    max_results: int = 100_000,
    run_view: RunView | str = RunView.ACTIVE_ONLY,
    *,
    output_format: Literal["list"],
) -> list[Run]: ...


def search_runs(
    experiment: str | Sequence[str] | None = None,
    filter: str | None = None,
    order_by: Sequence[str] | None = None,
    max_results: int = 100_000,
    run_view: RunView | str = RunView.ACTIVE_ONLY,
    output_format: Literal["pandas", "list"] = "pandas",
) -> pd.DataFrame | list[Run]:
    """Runs matching `filter` (MLflow's syntax), sorted by `order_by`, as a DataFrame.

    `experiment` is a name or a list of names (default: every experiment). Columns:
    `run_id, experiment_id, run_name, status, artifact_uri, start_time, end_time,
    parent_run_id` (times as UTC timestamps), then `metrics.*`, `params.*` and `tags.*`.
    `output_format="list"` returns the `Run` entities instead.
    """
    client = get_client()
    client.writer.flush(120.0)
    store = client.store
    experiment_ids = None
    if experiment is not None:
        names = [experiment] if isinstance(experiment, str) else list(experiment)
        experiment_ids = []
        for name in names:
            found = store.get_experiment_by_name(name)
            if found is None:
                raise NotFoundError(f"no experiment {name!r}", field="experiment")
            experiment_ids.append(found.experiment_id)
    if output_format not in ("pandas", "list"):
        raise MLOpsError("output_format is 'pandas' or 'list'", field="output_format")
    runs: list[Run] = []
    token: str | None = None
    while len(runs) < max_results:
        page = store.search_runs(
            experiment_ids,
            filter,
            order_by,
            max_results=min(max_results - len(runs), MAX_RESULTS_LIMIT),
            page_token=token,
            run_view=run_view,
        )
        runs.extend(page.runs)
        token = page.next_page_token
        if token is None:
            break
    return runs if output_format == "list" else runs_frame(runs)


def runs_frame(runs: Sequence[Run]) -> pd.DataFrame:
    """The DataFrame of `runs` (one row each, in order)."""
    import pandas as pd

    rows = []
    for run in runs:
        row: dict[str, object] = {
            "run_id": run.run_id,
            "experiment_id": run.experiment_id,
            "run_name": run.name,
            "status": run.status,
            "artifact_uri": run.artifact_uri,
            "start_time": run.start_time,
            "end_time": run.end_time,
            "parent_run_id": run.parent_run_id,
        }
        row.update({f"metrics.{k}": v for k, v in run.metrics.items()})
        row.update({f"params.{k}": v for k, v in run.params.items()})
        row.update({f"tags.{k}": v for k, v in run.tags.items()})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=_columns(rows))
    for column in ("start_time", "end_time"):
        frame[column] = pd.to_datetime(frame[column], unit="ms", utc=True)
    return frame


def _columns(rows: list[dict[str, object]]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    extra = [key for key in keys if key not in BASE_COLUMNS]
    ordered = sorted(
        extra, key=lambda k: (("metrics.", "params.", "tags.").index(k[: k.index(".") + 1]), k)
    )
    return [*BASE_COLUMNS, *ordered]
