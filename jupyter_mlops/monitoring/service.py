"""`MonitorService`: monitors checked on creation, windows claimed once and evaluated as tasks.

Windows are time-based, `[start, start + window_seconds)`, or count-based: a window ends with
its `window_rows`-th request (`[start, that request's time + 1)`). `tick(now)` claims each
window that has ended (one claim row per window, so any number of tickers evaluate each window
once) and submits its evaluation to the jobs runner (`core.tasks`, kind
`monitoring.evaluate_window`), or evaluates it in this process when there is no runner. A
monitor that was not ticked for a long time catches up with its latest complete window only,
not with every window it missed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core import artifact_store
from ..core.db import Database
from ..core.errors import MLOpsError, NotFoundError
from ..core.tasks import BaseTaskRunner
from .entities import Monitor, MonitorSpec, Window, WindowResult
from .stat_test_registry import check_tests
from .store import MonitorStore, now_ms

TASK_KIND = "monitoring.evaluate_window"  # declared in capability.py
MAX_LABELS = 100_000
# Windows whose kept rows are searched for the requests of posted labels.
RESCORED_WINDOWS = 50


class MonitorService:
    """Create and change monitors, claim and evaluate their windows, take labels."""

    def __init__(self, database: Database, data_dir: Path) -> None:
        self.store = MonitorStore(database)
        self.data_dir = data_dir

    @classmethod
    def of_this_process(cls) -> MonitorService:
        """The service on the store and data dir this process resolves (kernels, tasks, CLI)."""
        from ..core.config import resolve_data_dir
        from ..core.store import get_database

        return cls(get_database(), resolve_data_dir())

    # --- monitors ------------------------------------------------------------------------

    def create(self, spec: MonitorSpec, start_ms: int | None = None) -> Monitor:
        """Check `spec` (endpoint, reference, tests, job) and store the monitor."""
        return self.store.create_monitor(check_spec(spec, self.store.database), start_ms)

    def update(self, monitor_id: str, **changes: Any) -> Monitor:
        """Change a monitor's settings (checked like a new one)."""
        monitor = self.store.get_monitor(monitor_id)
        current = MonitorSpec(
            endpoint_name=monitor.endpoint_name,
            reference_profile=monitor.reference_profile,
            window_seconds=monitor.window_seconds,
            window_rows=monitor.window_rows,
            min_rows=monitor.min_rows,
            columns=monitor.columns,
            tests=monitor.tests,
            thresholds=monitor.thresholds,
            dataset_share=monitor.dataset_share,
            retrain_job_id=monitor.retrain_job_id,
            retrain_parameter=monitor.retrain_parameter,
            paused=monitor.paused,
        )
        if "endpoint_name" in changes:
            raise MLOpsError("a monitor's endpoint cannot change", field="endpoint_name")
        check_spec(replace(current, **changes), self.store.database)
        return self.store.update_monitor(monitor_id, **changes)

    # --- windows -------------------------------------------------------------------------

    def due_windows(self, monitor: Monitor, now: int) -> list[tuple[int, int]]:
        """The complete windows of `monitor` not yet claimed: at most the latest one."""
        if monitor.paused:
            return []
        if monitor.window_rows is not None:
            return self._count_window(monitor, now)
        width = monitor.window_seconds * 1000
        elapsed = now - monitor.next_window_start
        if elapsed < width:
            return []
        # Skip the windows nobody evaluated while no ticker ran: evaluate the latest one.
        start = monitor.next_window_start + (math.floor(elapsed / width) - 1) * width
        return [(start, start + width)]

    def _count_window(self, monitor: Monitor, now: int) -> list[tuple[int, int]]:
        """The first `window_rows` requests since the window start, once there are that many."""
        from ..serving.request_log import read_requests
        from .weights import weights

        assert monitor.window_rows is not None
        frame = read_requests(
            monitor.endpoint_name, since_ms=monitor.next_window_start, until_ms=now,
            data_dir=self.data_dir,
        )  # fmt: skip
        # Served requests, not logged rows: an overloaded log's rows stand for several each.
        served = weights(frame).cumsum()
        if not len(served) or served[-1] < monitor.window_rows:
            return []
        first_full = int(served.searchsorted(monitor.window_rows))
        last = int(frame["_mlops_ts_ms"].iloc[first_full])
        return [(monitor.next_window_start, last + 1)]

    def tick(self, runner: BaseTaskRunner | None, now: int | None = None) -> list[Window]:
        """Claim and submit every monitor's due window; returns the windows this call claimed."""
        moment = now_ms() if now is None else now
        claimed = []
        for monitor in self.store.list_monitors():
            for start, end in self.due_windows(monitor, moment):
                window = self.store.claim_window(monitor.monitor_id, start, end)
                if window is not None:
                    claimed.append(self._evaluate(runner, monitor, window))
        return claimed

    def evaluate_now(
        self, monitor_id: str, runner: BaseTaskRunner | None, now: int | None = None
    ) -> Window:
        """Close the monitor's current window now and evaluate it (whatever its length)."""
        monitor = self.store.get_monitor(monitor_id)
        moment = now_ms() if now is None else now
        if moment <= monitor.next_window_start:
            moment = monitor.next_window_start + 1
        window = self.store.claim_window(monitor_id, monitor.next_window_start, moment)
        if window is None:
            raise MLOpsError("another evaluation claimed this window first; try again")
        return self._evaluate(runner, monitor, window)

    def _evaluate(self, runner: BaseTaskRunner | None, monitor: Monitor, window: Window) -> Window:
        if runner is not None:
            title = f"monitor {monitor.endpoint_name}: window {window.number}"
            run_id = runner.submit(TASK_KIND, {"window_id": window.window_id}, title)
            self.store.set_task(window.window_id, run_id)
            return replace(window, task_run_id=run_id)
        self.run_window(window.window_id)
        return self.store.get_window(window.window_id)

    def run_window(self, window_id: int) -> WindowResult:
        """Evaluate a claimed window in this process; a failure is stored on the window."""
        window = self.store.get_window(window_id)
        monitor = self.store.get_monitor(window.monitor_id)
        from .windows import evaluate_window

        try:
            return evaluate_window(self.store, self.data_dir, monitor, window)
        except Exception as exc:
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            self.store.save_result(window_id, WindowResult(status="failed", error=message))
            raise

    # --- labels --------------------------------------------------------------------------

    def log_labels(
        self, endpoint_name: str, request_ids: Sequence[str], labels: Sequence[Any]
    ) -> int:
        """Store ground truth for served requests and rescore the recent windows holding them."""
        check_labels(request_ids, labels)
        saved = self.store.save_labels(endpoint_name, [str(i) for i in request_ids], labels)
        monitor = self.store.monitor_for_endpoint(endpoint_name)
        if monitor is not None:
            self._rescore(monitor, {str(i) for i in request_ids})
        return saved

    def _rescore(self, monitor: Monitor, request_ids: set[str]) -> None:
        import pandas as pd

        from .windows import performance

        for window in self.store.list_windows(monitor.monitor_id, limit=RESCORED_WINDOWS):
            if window.status != "done" or not window.data_path:
                continue
            # A local file, or an object under a remote artifact root.
            if not artifact_store.exists(window.data_path):
                continue
            with artifact_store.open_file(window.data_path) as handle:
                rows = pd.read_parquet(handle, columns=["request_id", "prediction"])
            if not rows["request_id"].isin(request_ids).any():
                continue
            frame = rows.rename(
                columns={"request_id": "_mlops_request_id", "prediction": "_mlops_prediction"}
            )
            labels = self.store.labels_for(monitor.endpoint_name, frame["_mlops_request_id"])
            self.store.set_performance(window.window_id, len(labels), performance(frame, labels))


def check_spec(spec: MonitorSpec, database: Database) -> MonitorSpec:
    """A monitor's settings, each bad one a 4xx naming its field."""
    from ..serving.api import get_endpoint

    try:
        get_endpoint(spec.endpoint_name)
    except MLOpsError as exc:
        raise NotFoundError(exc.message, field="endpoint_name") from None
    if spec.reference_profile:
        from ..profiling.store import load_profile

        try:
            load_profile(spec.reference_profile)
        except MLOpsError as exc:
            raise NotFoundError(exc.message, field="reference_profile") from None
    if not 1 <= spec.window_seconds <= 366 * 86_400:
        raise MLOpsError("window_seconds must be between 1 and a year", field="window_seconds")
    if spec.window_rows is not None and not 1 <= spec.window_rows <= 10**9:
        raise MLOpsError("window_rows must be between 1 and 10^9", field="window_rows")
    if not 1 <= spec.min_rows <= 10**9:
        raise MLOpsError("min_rows must be between 1 and 10^9", field="min_rows")
    check_tests(spec.tests)  # registered tests; `kind:` keys naming a kind they apply to
    for key, value in spec.thresholds.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not (math.isfinite(value) and value >= 0)
        ):
            raise MLOpsError("thresholds must be finite numbers >= 0", field=f"thresholds.{key}")
    if not 0 < spec.dataset_share <= 1:
        raise MLOpsError("dataset_share must be in (0, 1]", field="dataset_share")
    if spec.retrain_job_id:
        from ..jobs.store import JobStore

        try:
            JobStore(database).get_job(spec.retrain_job_id)
        except MLOpsError as exc:
            raise NotFoundError(exc.message, field="retrain_job_id") from None
    if not spec.retrain_parameter.isidentifier():
        raise MLOpsError(
            "retrain_parameter must be a notebook parameter name", field="retrain_parameter"
        )
    return spec


def check_labels(request_ids: Sequence[Any], labels: Sequence[Any]) -> None:
    """Labels are one per request id, JSON scalars, at most MAX_LABELS at once."""
    if len(request_ids) != len(labels):
        raise MLOpsError(f"{len(request_ids)} request ids but {len(labels)} labels", field="labels")
    if not request_ids:
        raise MLOpsError("no labels given", field="request_ids")
    if len(request_ids) > MAX_LABELS:
        raise MLOpsError(f"at most {MAX_LABELS:,} labels at once", field="request_ids")
    for request_id in request_ids:
        if not isinstance(request_id, str) or not 0 < len(request_id) <= 64:
            raise MLOpsError("request ids are strings of 1 to 64 characters", field="request_ids")
    # One label per request and batch: which of two labels would win is a guess (the store's
    # unique key refused the batch with its raw SQL text).
    repeated = [i for i, n in Counter(request_ids).items() if n > 1]
    if repeated:
        shown = ", ".join(map(repr, repeated[:10])) + (", ..." if len(repeated) > 10 else "")
        raise MLOpsError(
            f"{len(repeated)} request id(s) appear more than once in this batch: {shown}",
            field="request_ids",
        )
    for label in labels:
        if label is not None and not isinstance(label, (str, int, float, bool)):
            raise MLOpsError("labels are strings, numbers or booleans", field="labels")
        if isinstance(label, float) and not math.isfinite(label):
            raise MLOpsError("labels must be finite", field="labels")
