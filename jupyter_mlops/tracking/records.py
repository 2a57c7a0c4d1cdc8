"""Reading rows into entities, and the validation shared by every write path."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import MLOpsError
from ..core.query import MAX_INT64, check_text
from .entities import Experiment, LifecycleStage, Run, RunStatus, RunView
from .tables import KEY_LENGTH, ExperimentRow, LatestMetricRow, ParamRow, RunRow, TagRow

MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
_KEY = re.compile(r"^[\w\-. /:]+$")
_CHUNK = 500  # ids per IN (...) list, well under every database's bound-parameter limit


def now_ms() -> int:
    """Milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def check_key(key: object, kind: str) -> str:
    """A param, metric or tag key: text of word characters, `- . / :` and spaces."""
    if not isinstance(key, str) or not key or len(key) > KEY_LENGTH or not _KEY.match(key):
        raise MLOpsError(
            f"invalid {kind} key {key!r}: use up to {KEY_LENGTH} letters, digits, "
            "'_', '-', '.', '/', ':' and spaces",
            field=kind,
        )
    if key.strip() != key or ".." in key.split("/"):
        raise MLOpsError(f"invalid {kind} key {key!r}", field=kind)
    return key


def param_text(key: str, value: object) -> str:
    """A param's stored text (params are strings, as in MLflow)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_PARAM_VALUE_LENGTH:
        raise MLOpsError(
            f"param {key!r} is longer than {MAX_PARAM_VALUE_LENGTH} characters",
            field=f"params.{key}",
        )
    return text


def tag_text(key: str, value: object) -> str:
    """A tag's stored text."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_TAG_VALUE_LENGTH:
        raise MLOpsError(
            f"tag {key!r} is longer than {MAX_TAG_VALUE_LENGTH} characters", field=f"tags.{key}"
        )
    return text


def metric_value(key: str, value: object) -> float:
    """A metric value as a float (numpy scalars too); booleans and text are refused."""
    if type(value) is float:
        return value
    if not isinstance(value, (bool, str, bytes)):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    raise MLOpsError(
        f"metric {key!r} must be a number, not {type(value).__name__}", field=f"metrics.{key}"
    )


def stored_float(value: float | None) -> float:
    """NaN is stored as NULL (SQLite cannot hold it); NULL reads back as NaN."""
    return math.nan if value is None else value


def experiment_entity(
    row: ExperimentRow,
    run_count: int | None = None,
    active_run_count: int | None = None,
    last_run_time: int | None = None,
) -> Experiment:
    """An `Experiment` from its row (and its run statistics when computed)."""
    return Experiment(
        experiment_id=str(row.experiment_id),
        name=row.name,
        artifact_location=row.artifact_location,
        lifecycle_stage=row.lifecycle_stage,
        creation_time=row.creation_time,
        last_update_time=row.last_update_time,
        run_count=run_count,
        active_run_count=active_run_count,
        last_run_time=last_run_time,
    )


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def load_runs(session: Session, rows: Sequence[RunRow]) -> list[Run]:
    """Entities for `rows`, with their params, latest metrics and tags (3 queries per 500)."""
    ids = [row.run_id for row in rows]
    params: dict[str, dict[str, str]] = defaultdict(dict)
    metrics: dict[str, dict[str, float]] = defaultdict(dict)
    tags: dict[str, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(ids):
        for run_id, key, text in session.execute(
            select(ParamRow.run_id, ParamRow.key, ParamRow.value).where(ParamRow.run_id.in_(chunk))
        ):
            params[run_id][key] = text
        for run_id, key, number in session.execute(
            select(LatestMetricRow.run_id, LatestMetricRow.key, LatestMetricRow.value).where(
                LatestMetricRow.run_id.in_(chunk)
            )
        ):
            metrics[run_id][key] = stored_float(number)
        for run_id, key, text in session.execute(
            select(TagRow.run_id, TagRow.key, TagRow.value).where(TagRow.run_id.in_(chunk))
        ):
            tags[run_id][key] = text
    return [
        run_entity(row, params[row.run_id], metrics[row.run_id], tags[row.run_id]) for row in rows
    ]


def run_entity(
    row: RunRow | Any, params: dict[str, str], metrics: dict[str, float], tags: dict[str, str]
) -> Run:
    """A `Run` from its row (or anything with the row's attributes) and its keyed values."""
    environment: dict[str, Any] = json.loads(row.environment) if row.environment else {}
    return Run(
        run_id=row.run_id,
        experiment_id=str(row.experiment_id),
        name=row.name,
        status=row.status,
        start_time=row.start_time,
        end_time=row.end_time,
        lifecycle_stage=row.lifecycle_stage,
        artifact_uri=row.artifact_uri,
        parent_run_id=row.parent_run_id,
        user=row.user,
        notebook_path=row.notebook_path,
        cell_source=row.cell_source,
        git_commit=row.git_commit,
        git_dirty=row.git_dirty,
        environment={str(k): str(v) for k, v in environment.items()},
        error=row.error,
        params=dict(sorted(params.items())),
        metrics=dict(sorted(metrics.items())),
        tags=dict(sorted(tags.items())),
    )


def experiment_int(experiment_id: str | int) -> int:
    """The integer id of an experiment id given as text or int."""
    try:
        number = int(experiment_id)
    except (TypeError, ValueError):
        raise MLOpsError(
            f"experiment id {experiment_id!r} is not a number", field="experiment_id"
        ) from None
    if not 0 <= number <= MAX_INT64:
        raise MLOpsError(f"experiment id {experiment_id!r} is out of range", field="experiment_id")
    return number


def experiment_name(name: str | None) -> str:
    """A valid experiment name (None: the default experiment)."""
    if name is None:
        return "Default"
    if not isinstance(name, str) or not name.strip() or len(name) > 256:
        raise MLOpsError("an experiment name is 1 to 256 characters", field="experiment")
    return check_text(name.strip(), "experiment", name=True)


def run_name(name: str) -> str:
    """A valid run name."""
    if not isinstance(name, str) or not name.strip() or len(name) > 256:
        raise MLOpsError("a run name is 1 to 256 characters", field="name")
    return check_text(name.strip(), "name", name=True)


def run_status(status: RunStatus | str) -> RunStatus:
    """A `RunStatus` from its name."""
    try:
        return RunStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in RunStatus)
        raise MLOpsError(f"unknown status {status!r}; known: {known}", field="status") from None


def lifecycle_stages(view: RunView | str) -> list[str]:
    """The lifecycle stages a view shows."""
    try:
        chosen = RunView(view)
    except ValueError:
        raise MLOpsError(f"unknown view {view!r}", field="run_view") from None
    if chosen is RunView.ALL:
        return [stage.value for stage in LifecycleStage]
    if chosen is RunView.DELETED_ONLY:
        return [LifecycleStage.DELETED.value]
    return [LifecycleStage.ACTIVE.value]


def checked_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Params validated and as stored text."""
    return {check_key(k, "param"): param_text(k, v) for k, v in (params or {}).items()}


def checked_tags(tags: Mapping[str, Any] | None) -> dict[str, str]:
    """Tags validated and as stored text."""
    return {check_key(k, "tag"): tag_text(k, v) for k, v in (tags or {}).items()}


def encode_page_token(offset: int) -> str:
    """The opaque token of the page starting at `offset`."""
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset a page token stands for (0 for none)."""
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
        raise MLOpsError("invalid page token", field="page_token") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_INT64:
        raise MLOpsError("invalid page token", field="page_token")
    return offset
