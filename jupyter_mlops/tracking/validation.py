"""Validation shared by every tracking write path: keys, values, names, statuses and ids.

Each check returns the value as stored or raises an `MLOpsError` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..core.clock import now_ms as now_ms
from ..core.errors import MLOpsError
from ..core.query import MAX_INT64, check_text
from .entities import LifecycleStage, RunStatus, RunView
from .tables import KEY_LENGTH

MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
_KEY = re.compile(r"^[\w\-. /:]+$")


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
