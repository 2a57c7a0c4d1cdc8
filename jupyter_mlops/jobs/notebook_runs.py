"""One notebook run, from its queued row to its final status, in a thread of the runner's pool.

The kernel's environment names the notebook, the run and the job (tracking tags the runs it
logs with them) and acts as the user who asked for the run (a scheduled one: the job's owner).
The job's `validate:` input is checked before the notebook starts; then the run's target
(`targets.py`) executes it, with progress per cell, and the outcome is written to the run.
Whether a failed run is retried is the runner's to decide (`recovery.retry_of`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..core import input_checks
from ..core.errors import ErrorCode, MLOpsError
from ..core.team.identity import Actor, child_environment, process_user
from .entities import Job, JobRun, RunStatus
from .store import JobStore, now_ms
from .targets import TargetRun, job_target

NOTEBOOK_ENV = "JUPYTER_MLOPS_NOTEBOOK"
JOB_RUN_ENV = "JUPYTER_MLOPS_JOB_RUN_ID"
JOB_ENV = "JUPYTER_MLOPS_JOB_ID"


def execute_notebook_run(
    store: JobStore,
    run: JobRun,
    nb_json: str,
    output: Path | None,
    *,
    output_root: Path,
    root_dir: Path,
    db_url: str,
    stop: threading.Event,
    cancel_reason: Callable[[], str],
    take_kernel: Callable[[str, Mapping[str, str]], Any],
    dask_client: Callable[[], Any],
) -> RunStatus | None:
    """Run `nb_json` as run `run` and record its outcome; returns the final status, or None
    when the job's input failed validation (a failure no retry would change).

    `output`: where the executed notebook goes (default `<output_root>/<run_id>/`); `stop`:
    set on a cancel or the runner's stop, `cancel_reason()` then says which.
    """
    job = store.get_job(run.job_id) if run.job_id else None
    formats = job.outputs if job else ["ipynb"]
    stem = Path(run.notebook_path or "notebook").stem or "notebook"
    # Named apart from the source notebook, so their tabs in the Lab tell them apart.
    output = output or output_root / run.run_id / f"{stem}-run-{run.run_id[:8]}.ipynb"
    notebook = root_dir / (run.notebook_path or "")
    env = {
        **os.environ,
        NOTEBOOK_ENV: str(notebook),
        JOB_RUN_ENV: run.run_id,
    }
    if run.job_id:
        env[JOB_ENV] = run.job_id
    # The notebook acts as the user who asked for the run (a scheduled one: the job's owner).
    env.update(child_environment(Actor(run.created_by or process_user(), "job")))
    cwd = str(notebook.parent if notebook.parent.is_dir() else root_dir)
    store.update_run(
        run.run_id,
        status=RunStatus.RUNNING,
        start_time=now_ms(),
        heartbeat_time=now_ms(),
        output_dir=str(output.parent),
    )
    if job is not None and job.input_validation and _input_invalid(store, run, job, nb_json, cwd):
        return None

    def on_cell(done: int, total: int) -> None:
        store.update_run(
            run.run_id,
            cells_done=done,
            cells_total=total,
            progress=done / total if total else 1.0,
            heartbeat_time=now_ms(),
        )

    outcome = job_target(run.target).execute(
        TargetRun(
            run=run,
            nb_json=nb_json,
            output=output,
            env=env,
            cwd=cwd,
            timeout_s=job.timeout_s if job else None,
            html="html" in formats,
            gpu=bool(job and job.gpu),
            on_cell=on_cell,
            stop=stop,
            db_url=db_url,
            take_kernel=take_kernel,
            dask_client=dask_client,
        )
    )
    if outcome.status == "cancelled":
        outcome.error = f"{cancel_reason()} ({outcome.error})"
    values: dict[str, Any] = {
        "status": RunStatus(outcome.status),
        "end_time": now_ms(),
        "outputs": outcome.outputs,
        "error": outcome.error,
        "failed_cell": outcome.failed_cell,
        "failed_cell_source": outcome.failed_cell_source,
    }
    if outcome.status == "succeeded":
        values["progress"] = 1.0
    store.update_run(run.run_id, **values)
    return RunStatus(outcome.status)


def _input_invalid(store: JobStore, run: JobRun, job: Job, nb_json: str, cwd: str) -> bool:
    """Check the job's `validate:` input before its notebook starts; on violations the run
    fails with the per-column report (no retry: the same input would fail again)."""
    declared = job.input_validation or {}
    name = str(declared.get("parameter"))
    value = run.parameters.get(name)
    if name not in run.parameters:  # the notebook's own default
        import nbformat

        from .parameters import inspect_parameters

        found = inspect_parameters(nbformat.reads(nb_json, as_version=4))
        value = next((p.default for p in found if p.name == name), None)
    if not isinstance(value, str) or not value:
        report: str | None = f"validate: parameter {name!r} names no input file"
    else:
        path = Path(value) if Path(value).is_absolute() else Path(cwd) / value
        try:
            report = input_checks.check(str(path), declared.get("constraints"))
        except MLOpsError as exc:
            report = f"{exc}"
    if report is None:
        return False
    store.update_run(
        run.run_id,
        status=RunStatus.FAILED,
        end_time=now_ms(),
        error=report,
        error_code=ErrorCode.BAD_REQUEST.value,
        error_field="validate",
    )
    return True
