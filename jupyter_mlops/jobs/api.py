"""The Python API: `mlops.run_notebook(...)` and `mlops.schedule(...)`.

In a kernel of a Lab server (the server link is exported), both go through the server's REST
API, so the job shows in the Jobs panel and runs in the server's pool; elsewhere they use the
store directly (a run executes in this process; a job waits for a scheduler).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.config import resolve_data_dir
from ..core.server_link import ServerLink
from ..core.store import get_database
from .entities import Job, JobRun, JobSpec
from .kernel_pool import KernelPool, notebook_kernel_name
from .runner import JobRunner
from .service import JobService, read_notebook, resolve_notebook
from .store import JobStore


def local_runner(
    root_dir: Path, concurrency: int = 1, kernel_pool: KernelPool | None = None
) -> JobRunner:
    """A runner in this process, writing outputs under `<data dir>/jobs/runs/`."""
    return JobRunner(
        get_database(),
        output_root=resolve_data_dir() / "jobs" / "runs",
        root_dir=root_dir,
        concurrency=concurrency,
        kernel_pool=kernel_pool,
    )


def _prestarted(notebook: Path) -> KernelPool:
    """A one-shot pool already starting the kernel `notebook` asks for, so that the kernel
    starts while this process reads the notebook and opens the store."""
    pool = KernelPool(refill=False)
    if notebook.suffix == ".ipynb" and notebook.is_file():
        try:
            text = notebook.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return pool  # the checks below report it
        pool.prestart(notebook_kernel_name(text), dict(os.environ), str(notebook.parent))
    return pool


def run_notebook_locally(
    path: str | Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    output: str | Path | None = None,
    from_text: bool = False,
    wait: bool = True,
) -> JobRun:
    """Run a notebook now in this process as a recorded run; returns the finished run."""
    from .parameters import check_parameters, inspect_parameters

    notebook = Path(path).expanduser().resolve()
    root = notebook.parent
    pool = _prestarted(notebook)
    try:
        target, relative = resolve_notebook(root, str(notebook), "notebook")
        text, nb = read_notebook(target, "notebook")
        checked = check_parameters(inspect_parameters(nb), parameters or {}, from_text=from_text)
        runner = local_runner(root, kernel_pool=pool)
    except BaseException:
        pool.close()
        raise
    try:
        run = runner.submit_notebook(
            text,
            relative,
            checked,
            title=target.stem,
            output=Path(output).expanduser().resolve() if output else None,
        )
        return runner.wait(run.run_id) if wait else run
    finally:
        runner.close(wait=wait)


def run_notebook(
    path: str | Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    output: str | Path | None = None,
) -> JobRun:
    """Run a notebook now with typed `parameters` (papermill) and wait; returns the run.

    The run is recorded in the store with its progress, outputs and error: `run.status`,
    `run.outputs["ipynb"]`, `run.error`, `run.failed_cell`.
    """
    return run_notebook_locally(path, parameters, output=output)


def schedule(
    path: str | Path,
    cron: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    *,
    timezone: str = "UTC",
    name: str | None = None,
    target: str = "local",
    gpu: bool = False,
    timeout_s: int | None = None,
    retries: int = 0,
    outputs: tuple[str, ...] = ("ipynb",),
    missed_policy: str = "skip",
) -> dict[str, Any] | Job:
    """Make a job of a notebook: a snapshot of it, its parameters and a cron schedule.

    Through the Lab server when this kernel has one (returns the job as the REST API shows
    it), else in the store directly with paths under the current folder (returns a `Job`).
    """
    notebook = str(Path(path).expanduser().resolve())
    spec = JobSpec(
        notebook_path=notebook,
        name=name,
        parameters=dict(parameters or {}),
        schedule=cron,
        timezone=timezone,
        target=target,
        gpu=gpu,
        timeout_s=timeout_s,
        retries=retries,
        outputs=list(outputs),
        missed_policy=missed_policy,
    )
    link = ServerLink.from_environment()
    if link is not None:
        # `input_validation` is the REST body's `validate` (never set here): sending the
        # dataclass's own name is a 400 (JobCreate forbids unknown fields).
        body = {key: value for key, value in spec.__dict__.items() if key != "input_validation"}
        answer: dict[str, Any] = link.request("POST", "jobs", body)
        return answer
    service = JobService(JobStore(get_database()), Path.cwd())
    return service.create(spec)
