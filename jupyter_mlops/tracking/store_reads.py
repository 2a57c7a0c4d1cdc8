"""The read side of `TrackingStore`: runs, searches, page views and metric histories.

`TrackingStoreReads` is a base of `TrackingStore` (`tracking.store`), which adds experiments and
the writes; each method is one read session. Searching, filtering, sorting and paging happen in
SQL (`read_queries`, `search_sql`). The row lookups (NotFound naming the field) are here because
both sides use them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import MLOpsError, NotFoundError
from . import page_tokens, read_queries, validation
from .base_store import BaseTrackingStore
from .entities import Metric, MetricHistory, MetricSummary, Run, RunDetail, RunPage, RunView
from .entity_rows import load_runs, stored_float
from .search_syntax import parse_filter, parse_order_by
from .tables import ExperimentRow, LatestMetricRow, RunRow

MAX_RESULTS_LIMIT = 50_000


class TrackingStoreReads(BaseTrackingStore):
    """Reads of runs and metrics (a base of `TrackingStore`, one read session per call)."""

    _dialect: str

    def get_run(self, run_id: str) -> Run:
        """One run with its params, latest metrics and tags (NotFound otherwise)."""
        with self.database.session() as session:
            return load_runs(session, [self._run_row(session, run_id)])[0]

    def search_runs(
        self,
        experiment_ids: Sequence[str | int] | None = None,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        max_results: int = 100,
        page_token: str | None = None,
        *,
        offset: int | None = None,
        run_view: RunView | str = RunView.ACTIVE_ONLY,
    ) -> RunPage:
        """One page of runs matching the filter, sorted in SQL; `experiment_ids=None` is all.

        Paging: pass the previous page's `next_page_token`, or an explicit `offset`.
        Default order: newest first. Errors name `filter`, `order_by`, `max_results` or
        `page_token`.
        """
        if not isinstance(max_results, int) or not 0 < max_results <= MAX_RESULTS_LIMIT:
            raise MLOpsError(
                f"max_results must be between 1 and {MAX_RESULTS_LIMIT}", field="max_results"
            )
        start = offset if offset is not None else page_tokens.decode_page_token(page_token)
        if start < 0:
            raise MLOpsError("offset cannot be negative", field="offset")
        node = parse_filter(filter_string)
        clauses = parse_order_by(list(order_by or []))
        ids = (
            None
            if experiment_ids is None
            else [validation.experiment_int(i) for i in experiment_ids]
        )
        where = (ids, validation.lifecycle_stages(run_view), node)
        sqlite = self._dialect == "sqlite"
        # One read transaction on the driver's connection: a Session and SQLAlchemy's
        # statements cost about as much CPU as a filtered page's queries.
        with self.database.driver_transaction(write=False) as connection:
            marker = self.database.markers(1)
            runs, total = read_queries.runs_page(
                connection, marker, sqlite, where, clauses, max_results, start
            )
        following = start + len(runs)
        token = page_tokens.encode_page_token(following) if following < total else None
        return RunPage(runs=runs, total=total, next_page_token=token, offset=start)

    def child_runs(self, parent_run_id: str) -> list[Run]:
        """The active runs nested under a run, oldest first."""
        with self.database.session() as session:
            return read_queries.child_runs(session, parent_run_id)

    # --- views: what a page shows, each in one session ----------------------------------

    def child_runs_page(
        self,
        parent_run_id: str,
        max_results: int = 100,
        page_token: str | None = None,
        *,
        offset: int | None = None,
    ) -> RunPage:
        """One page of the active runs nested under a run, oldest first (NotFound for an
        unknown parent); page with `next_page_token` or an explicit `offset`."""
        start = offset if offset is not None else page_tokens.decode_page_token(page_token)
        with self.database.session() as session:
            self._run_row(session, parent_run_id)
            runs = read_queries.child_runs(session, parent_run_id, max_results, start)
            total = read_queries.child_run_count(session, parent_run_id)
        following = start + len(runs)
        token = page_tokens.encode_page_token(following) if following < total else None
        return RunPage(runs=runs, total=total, next_page_token=token, offset=start)

    def get_run_detail(self, run_id: str) -> RunDetail:
        """A run, its experiment's name and its metric summaries, read in one session."""
        with self.database.session() as session:
            row = self._run_row(session, run_id)
            run = load_runs(session, [row])[0]
            experiment = session.get(ExperimentRow, row.experiment_id)
            summaries = read_queries.metric_summaries(session, run_id)
        name = experiment.name if experiment is not None else str(row.experiment_id)
        return RunDetail(run=run, experiment_name=name, metric_summaries=summaries)

    def get_metric_history(
        self, run_id: str, key: str, max_points: int | None = None
    ) -> MetricHistory:
        """A metric's points in step order, at most `max_points` (an even sample keeping the
        first and the last; one point: the last), with the number the store holds in all."""
        if max_points is not None and (not isinstance(max_points, int) or max_points < 1):
            raise MLOpsError("max_points must be at least 1", field="max_points")
        with self.database.session() as session:
            self._run_row(session, run_id)
            points, total = read_queries.sampled_metric_history(session, run_id, key, max_points)
        return MetricHistory(run_id=run_id, key=key, points=points, total=total)

    def keys_in_use(
        self, experiment_ids: Sequence[str | int] | None = None
    ) -> dict[str, list[str]]:
        """The param, metric and tag keys the active runs of the experiments use (sorted), for
        building table columns: `{"params": [...], "metrics": [...], "tags": [...]}`."""
        ids = (
            None
            if experiment_ids is None
            else [validation.experiment_int(i) for i in experiment_ids]
        )
        with self.database.session() as session:
            return read_queries.keys_in_use(session, ids)

    # --- metric reads ---------------------------------------------------------------

    def metric_history(self, run_id: str, key: str, max_points: int | None = None) -> list[Metric]:
        """Every point of one metric of a run, by step then time; with `max_points`, an even
        sample of at most that many (first and last kept)."""
        if max_points is not None and (not isinstance(max_points, int) or max_points < 2):
            raise MLOpsError("max_points must be at least 2", field="max_points")
        with self.database.session() as session:
            self._run_row(session, run_id)
            return read_queries.metric_history(session, run_id, key, max_points)

    def metric_histories(
        self, run_ids: Sequence[str], keys: Sequence[str] | None = None
    ) -> dict[str, dict[str, list[Metric]]]:
        """Histories of several runs at once: `{run_id: {key: [points]}}` (for comparisons)."""
        with self.database.session() as session:
            return read_queries.metric_histories(session, run_ids, keys)

    def metric_summaries(self, run_id: str) -> list[MetricSummary]:
        """Each metric of a run with its latest point and its number of points, by key."""
        with self.database.session() as session:
            self._run_row(session, run_id)
            return read_queries.metric_summaries(session, run_id)

    def latest_metric_points(self, run_ids: Sequence[str]) -> dict[str, list[Metric]]:
        """Each run's latest point of each of its metrics, by key: `{run_id: [points]}`
        (one query per 500 runs; the MLflow facade answers searches with them)."""
        found: dict[str, list[Metric]] = {run_id: [] for run_id in run_ids}
        ids = list(found)
        columns = (
            LatestMetricRow.run_id,
            LatestMetricRow.key,
            LatestMetricRow.value,
            LatestMetricRow.step,
            LatestMetricRow.timestamp,
        )
        with self.database.session() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = (
                    select(*columns)
                    .where(LatestMetricRow.run_id.in_(chunk))
                    .order_by(LatestMetricRow.run_id, LatestMetricRow.key)
                )
                for run_id, key, value, step, timestamp in session.execute(query):
                    point = Metric(key, stored_float(value), step, timestamp)
                    found[run_id].append(point)
        return found

    # --- rows --------------------------------------------------------------------------

    def _experiment_row(self, session: Session, experiment_id: str | int) -> ExperimentRow:
        row = session.get(ExperimentRow, validation.experiment_int(experiment_id))
        if row is None:
            raise NotFoundError(f"no experiment {experiment_id}", field="experiment_id")
        return row

    def _run_row(self, session: Session, run_id: str, field: str = "run_id") -> RunRow:
        row = session.get(RunRow, run_id) if isinstance(run_id, str) else None
        if row is None:
            raise NotFoundError(f"no run {run_id}", field=field)
        return row
