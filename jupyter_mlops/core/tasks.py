"""Long work of any capability, run by the jobs capability's runner, reached through core.

Capabilities below jobs (profiling, tracking) cannot import the runner, so they see it through
`BaseTaskRunner`: `submit(kind, kwargs, title)` returns a run id, `get(run_id)` its state with
progress. The jobs capability provides the server's runner under `TASK_RUNNER` (handlers read
it with `self.service(TASK_RUNNER)`).

A task *kind* names an importable function: capabilities declare theirs (`Capability.task_kinds`,
kind -> "module:function") and tests or plug-ins add more with `register_task_kind`. The store
only ever holds the kind and JSON keyword arguments, never code or a dotted name, so nothing
read back from the store decides what code runs. A task function has the signature
`func(progress: Callable[[float], None], **kwargs) -> JSON-serialisable result or None`; `submit`
runs it in a child process (`run_here`: in the calling thread, for quick work) and
`progress(fraction)` reports 0..1 to the store.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .capability import ServiceKey
from .errors import MLOpsError

# Kinds added in this process with `register_task_kind` (the submitting process resolves the
# function's name; the child process receives it), on top of the capabilities' declared ones.
TASK_KINDS: dict[str, str] = {}

ProgressCallback = Callable[[float], None]


def register_task_kind(kind: str, target: str) -> None:
    """Let `kind` run `target` ("package.module:function") in this process's runner."""
    module, _, name = target.partition(":")
    if not module or not name:
        raise ValueError(f"task target {target!r} is not 'module:function'")
    TASK_KINDS[kind] = target


def task_target(kind: str) -> str:
    """The "module:function" a kind runs; an unknown kind is a 400 naming `kind`."""
    if kind in TASK_KINDS:
        return TASK_KINDS[kind]
    from ..capabilities import task_kinds  # the declarations, read once they are needed

    try:
        return task_kinds()[kind]
    except KeyError:
        raise MLOpsError(f"unknown task kind {kind!r}", field="kind") from None


def load_task(target: str) -> Callable[..., Any]:
    """Import the function a task target names."""
    module, _, name = target.partition(":")
    func: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return func


@dataclass(frozen=True)
class TaskState:
    """A submitted task as its submitter sees it.

    `status` is one of queued, running, succeeded, failed, timed_out, cancelled; `progress`
    is 0..1; `result` is the function's JSON result once succeeded; `error` says why it failed
    (`error_field` names the input at fault when the task raised an `MLOpsError` with one).
    """

    run_id: str
    kind: str
    title: str
    status: str
    progress: float
    created_time: int
    start_time: int | None = None
    end_time: int | None = None
    result: Any = None
    error: str | None = None
    error_code: str | None = None
    error_field: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """Whether the task has stopped (in any way)."""
        return self.status not in ("queued", "running")


class BaseTaskRunner(ABC):
    """Runs tasks in child processes with their state in the store (see the module doc)."""

    @abstractmethod
    def submit(self, kind: str, kwargs: Mapping[str, Any], title: str = "") -> str:
        """Queue task `kind` with JSON `kwargs`; returns its run id at once."""

    def run_here(self, kind: str, kwargs: Mapping[str, Any], title: str = "") -> TaskState:
        """Run task `kind` in the calling thread, recorded as a submitted one; its final state.

        For work quick enough to answer a request with (a small file's profile): no child
        process to start. A runner that cannot runs it as `submit` does and returns at once.
        """
        return self.get(self.submit(kind, kwargs, title))

    @abstractmethod
    def get(self, run_id: str) -> TaskState:
        """The task's state; an unknown id is a 404 naming `run_id`."""

    @abstractmethod
    def list_tasks(self, kind: str | None = None, limit: int = 50) -> list[TaskState]:
        """The latest tasks (of `kind`), newest first."""


TASK_RUNNER: ServiceKey[BaseTaskRunner] = ServiceKey("task_runner")
