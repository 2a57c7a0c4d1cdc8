"""What the tracking store returns: plain frozen dataclasses, never ORM rows.

Times are milliseconds since the Unix epoch (as in MLflow), ids are strings: a run id is a
32-character hex UUID, an experiment id the decimal text of an integer. A metric value of NaN
is stored as NULL and comes back as `float("nan")`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum


class RunStatus(str, Enum):
    """The life of a run (MLflow's names)."""

    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"

    @property
    def is_terminal(self) -> bool:
        """Whether the run has ended."""
        return self in (RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED)


class LifecycleStage(str, Enum):
    """Soft deletion: a deleted run or experiment is hidden but can be restored."""

    ACTIVE = "active"
    DELETED = "deleted"


class RunView(str, Enum):
    """Which runs a search sees."""

    ACTIVE_ONLY = "active_only"
    DELETED_ONLY = "deleted_only"
    ALL = "all"


@dataclass(frozen=True)
class Experiment:
    """A named group of runs.

    Where the store computed them (`list_experiments`, `get_experiment`): `run_count` counts
    its runs that are not deleted, `active_run_count` those of them still RUNNING, and
    `last_run_time` is the latest start time among them (None without runs).
    """

    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: str
    creation_time: int
    last_update_time: int
    run_count: int | None = None
    active_run_count: int | None = None
    last_run_time: int | None = None


@dataclass(frozen=True)
class Metric:
    """One point of a metric's history."""

    key: str
    value: float
    step: int
    timestamp: int


@dataclass(frozen=True)
class MetricSummary:
    """One metric of a run: its latest point and how many points its history has."""

    key: str
    value: float
    step: int
    timestamp: int
    points: int


class JsonObject(Mapping[str, str]):
    """A stored JSON object of text values (a run's `environment`), decoded on first use.

    A search page of 1,000 runs decoded 1,000 environments (~15 package versions each) that
    the runs list never shows; reading any key, its length or iterating decodes it once.
    Equal to a dict with the same items, as a dict is.
    """

    __slots__ = ("_decoded", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._decoded: dict[str, str] | None = None

    def _items(self) -> dict[str, str]:
        decoded = self._decoded
        if decoded is None:  # two threads may both decode: the same dict, no harm
            loaded = json.loads(self._text)
            decoded = {str(k): str(v) for k, v in loaded.items()} if loaded else {}
            self._decoded = decoded
        return decoded

    def __getitem__(self, key: str) -> str:
        return self._items()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __repr__(self) -> str:
        return repr(self._items())


@dataclass(frozen=True)
class Run:
    """A run with its params, latest metric values and tags.

    `metrics` holds each key's latest value (largest step, then latest timestamp); the full
    history is `TrackingStore.metric_history`. Provenance (`notebook_path`, `cell_source`,
    `git_commit`, `git_dirty`, `environment` = python/kernel/package versions) is recorded
    by `%%track` and `start_run` when known. `error` is the traceback of a FAILED run.
    """

    run_id: str
    experiment_id: str
    name: str
    status: str
    start_time: int
    end_time: int | None
    lifecycle_stage: str
    artifact_uri: str
    parent_run_id: str | None = None
    user: str | None = None
    notebook_path: str | None = None
    cell_source: str | None = None
    git_commit: str | None = None
    git_dirty: bool | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        """Whether the run is soft-deleted."""
        return self.lifecycle_stage == LifecycleStage.DELETED.value


@dataclass(frozen=True)
class RunPage:
    """One page of a search: the runs, how many match in all, and the token of the next page."""

    runs: list[Run]
    total: int
    next_page_token: str | None
    offset: int


@dataclass(frozen=True)
class RunDetail:
    """What a run's page shows, read in one session: the run, its experiment's name and each
    metric's latest point with its number of points."""

    run: Run
    experiment_name: str
    metric_summaries: list[MetricSummary]


@dataclass(frozen=True)
class MetricHistory:
    """A metric's points in step order (at most the `max_points` asked for) and how many the
    store holds in all; `sampled` when some were left out."""

    run_id: str
    key: str
    points: list[Metric]
    total: int

    @property
    def sampled(self) -> bool:
        """Whether the points are a sample of the history rather than all of it."""
        return len(self.points) < self.total


@dataclass(frozen=True)
class ArtifactInfo:
    """A file or folder under a run's artifact root; `path` is relative, with `/` separators."""

    path: str
    is_dir: bool
    file_size: int | None
