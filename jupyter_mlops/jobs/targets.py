"""Job targets: where a job's notebook runs, as a registry (`local`, `dask`, and any added).

A target is a `JobTarget`: `check(spec)` refuses, when the job is defined, what it cannot run
(a 400 naming the field), and `execute(run)` runs one notebook run and returns its `Outcome`.
`register_job_target("name", MyTarget())` adds one; the jobs REST API, the CLI, the magics and
the Python API then accept `target="name"`, and an unknown name is a 400 naming `target` that
lists the registered ones. A run executes in a thread of the runner's pool; what it needs from
the runner (a warm kernel, the Dask client, the store's URL) comes in its `TargetRun`.

Registering imports nothing heavy: the built-in targets import papermill and Dask when a run
executes.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import MLOpsError
from .entities import JobRun, JobSpec
from .execution import Outcome

# `job_runs.target` and `jobs.target` are String(16).
MAX_NAME = 16


@dataclass
class TargetRun:
    """One notebook run as the runner hands it to a target.

    `output`: where the executed notebook goes (`.html` beside it with `html`); `env`/`cwd`:
    the kernel's environment (it carries the user's credentials: strip them with
    `core.server_link.without_credentials` before it leaves this machine) and working folder;
    `on_cell(done, total)` records progress; `stop` is set on a cancel or the runner's stop;
    `take_kernel(kernelspec, env)` a kernel started ahead for this machine (or None);
    `dask_client()` the attached cluster's client; `db_url` the store's URL.
    """

    run: JobRun
    nb_json: str
    output: Path
    env: Mapping[str, str]
    cwd: str
    timeout_s: float | None
    html: bool
    gpu: bool
    on_cell: Callable[[int, int], None]
    stop: threading.Event
    db_url: str
    take_kernel: Callable[[str, Mapping[str, str]], Any]
    dask_client: Callable[[], Any]


class JobTarget:
    """Where a notebook run executes. Subclass it and register an instance."""

    description = ""

    def check(self, spec: JobSpec) -> None:
        """Refuse at definition time a job this target cannot run: raise `MLOpsError` naming
        the field (default: every job is fine)."""

    def execute(self, run: TargetRun) -> Outcome:
        """Run the notebook; never raise for the notebook's own failure (a failed `Outcome`)."""
        raise NotImplementedError


class LocalTarget(JobTarget):
    """This machine: papermill in a pool thread, a warm kernel when one fits."""

    description = "this machine"

    def execute(self, run: TargetRun) -> Outcome:
        """Execute with papermill here, on a kernel started ahead when one fits."""
        from .execution import execute_notebook
        from .kernel_pool import notebook_kernel_name

        return execute_notebook(
            run.nb_json,
            run.output,
            run.run.parameters,
            env=run.env,
            cwd=run.cwd,
            timeout_s=run.timeout_s,
            html=run.html,
            on_cell=run.on_cell,
            stop=run.stop,
            warm=run.take_kernel(notebook_kernel_name(run.nb_json), run.env),
        )


class DaskTarget(JobTarget):
    """The attached Dask cluster (a GPU worker when the job asks), see `dask_target.py`."""

    description = "the attached Dask cluster"

    def check(self, spec: JobSpec) -> None:
        """A Dask job needs `distributed` in the server's environment. The cluster itself is
        not required yet: a scheduled job may be defined before its cluster starts, and a run
        without one fails saying so."""
        if importlib.util.find_spec("distributed") is None:
            raise MLOpsError(
                "target dask needs the distributed package: pip install 'jupyter-mlops[dask]'",
                field="target",
            )

    def execute(self, run: TargetRun) -> Outcome:
        """Submit the run to the cluster as one task and write its outputs here."""
        from ..core.server_link import without_credentials
        from .dask_target import execute_on_dask

        return execute_on_dask(
            run.dask_client(),
            run.run,
            run.nb_json,
            run.output,
            env=without_credentials(run.env),  # may run on another machine
            cwd=run.cwd,
            timeout_s=run.timeout_s,
            html=run.html,
            gpu=run.gpu,
            db_url=run.db_url,
            stop=run.stop,
        )


_TARGETS: dict[str, JobTarget] = {}


def register_job_target(name: str, target: JobTarget) -> None:
    """Make `target` available as `name` (replacing a target registered under that name)."""
    if not isinstance(target, JobTarget):
        raise TypeError(f"a job target is a JobTarget, not {type(target).__name__}")
    if not name or len(name) > MAX_NAME or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"a job target's name is 1 to {MAX_NAME} letters, digits, - or _")
    _TARGETS[name] = target


def unregister_job_target(name: str) -> None:
    """Remove a target (jobs naming it then fail to run, saying so)."""
    _TARGETS.pop(name, None)


def job_target_names() -> list[str]:
    """The registered targets' names, in registration order."""
    return list(_TARGETS)


def job_target(name: str, field: str = "target") -> JobTarget:
    """The target registered as `name`; a 400 naming `field` and listing them otherwise."""
    target = _TARGETS.get(name)
    if target is None:
        raise MLOpsError(
            f"unknown target {name!r}: target is one of {', '.join(_TARGETS)}", field=field
        )
    return target


register_job_target("local", LocalTarget())
register_job_target("dask", DaskTarget())
