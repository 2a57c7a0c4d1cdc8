"""Task runs (`core.tasks`) from the runner's side.

Each task runs in a child process of its own (`python -m jupyter_mlops.jobs.task_process`),
which writes its own progress and result; here the child is started and, once it exits, what
it left unsaid is recorded (a cancel, a crash with the tail of its stderr, or an exit without
a result). Capabilities below jobs see a run as a `core.tasks.TaskState`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..core.server_link import task_environment
from ..core.tasks import TaskState, task_target
from .entities import JobRun, RunStatus
from .notebook_runs import JOB_RUN_ENV
from .store import JobStore, now_ms


def start_task_process(store: JobStore, run: JobRun, root_dir: Path) -> subprocess.Popen[bytes]:
    """Mark the run running and start its child process in `root_dir` (stderr piped)."""
    target = task_target(run.kind)
    store.update_run(
        run.run_id, status=RunStatus.RUNNING, start_time=now_ms(), heartbeat_time=now_ms()
    )
    return subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlops.jobs.task_process", run.run_id, target],
        cwd=str(root_dir),
        env={**task_environment(os.environ), JOB_RUN_ENV: run.run_id},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def record_task_exit(
    store: JobStore, run_id: str, returncode: int, stderr: bytes, cancelled: str | None
) -> None:
    """Finish a run whose child exited without a final status; `cancelled`: the reason when
    the run was cancelled (a killed child is then cancelled, not failed)."""
    if cancelled is not None and returncode != 0:
        store.finish_run_if_active(run_id, RunStatus.CANCELLED, cancelled)
        return
    if returncode != 0:
        tail = stderr.decode(errors="replace").strip().splitlines()[-5:]
        message = f"the task process exited with status {returncode}"
        if tail:
            message += ": " + " | ".join(tail)
        store.finish_run_if_active(run_id, RunStatus.FAILED, message)
    else:
        # A clean exit without a final status is a bug of the task process; never leave
        # the run active.
        store.finish_run_if_active(
            run_id, RunStatus.FAILED, "the task process ended without a result"
        )


def task_state(run: JobRun) -> TaskState:
    """A run as the task state capabilities below jobs see."""
    return TaskState(
        run_id=run.run_id,
        kind=run.kind,
        title=run.title,
        status=run.status.value,
        progress=run.progress,
        created_time=run.created_time,
        start_time=run.start_time,
        end_time=run.end_time,
        result=run.result,
        error=run.error,
        error_code=run.error_code,
        error_field=run.error_field,
        kwargs=run.parameters,
    )
