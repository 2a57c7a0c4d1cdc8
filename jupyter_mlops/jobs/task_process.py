"""The child process of one task run: `python -m jupyter_mlops.jobs.task_process RUN_ID TARGET`.

It opens the store by the inherited resolution, runs `TARGET` (resolved by the parent from the
registered task kinds, never read from the store) with the run's JSON kwargs, and writes the
progress, the result or the error itself.
"""

from __future__ import annotations

import sys
import time
import traceback

from ..core.errors import MLOpsError
from ..core.process_start import skip_iri_grammar
from ..core.store import get_database
from ..core.tasks import load_task
from .entities import RunStatus
from .store import JobStore, now_ms


def main(run_id: str, target: str) -> int:
    """Run the task; 0 when its outcome (success or failure) is recorded."""
    record_task(JobStore(get_database()), run_id, target)
    return 0


def record_task(store: JobStore, run_id: str, target: str) -> None:
    """Run the task of run `run_id` in this thread and write its progress, then its result or
    its error, to the run (the runner's `run_here` calls it in the server, `main` here)."""
    run = store.get_run(run_id)

    last = {"value": 0.0, "time": 0.0}

    def progress(fraction: float) -> None:
        # At most ~5 writes a second, and only forward: callers may report very often.
        value = max(0.0, min(1.0, float(fraction)))
        now = time.monotonic()
        if value <= last["value"] or (now - last["time"] < 0.2 and value < 1.0):
            return
        last.update(value=value, time=now)
        store.update_run(run_id, progress=value, heartbeat_time=now_ms())

    try:
        result = load_task(target)(progress, **run.parameters)
    except MLOpsError as exc:
        store.update_run(
            run_id,
            status=RunStatus.FAILED,
            end_time=now_ms(),
            error=exc.message,
            error_code=exc.code.value,
            error_field=exc.field,
        )
        return
    except Exception as exc:
        traceback.print_exc()
        store.update_run(
            run_id,
            status=RunStatus.FAILED,
            end_time=now_ms(),
            error=f"{type(exc).__name__}: {exc}",
            error_code="internal",
        )
        return
    store.update_run(
        run_id, status=RunStatus.SUCCEEDED, end_time=now_ms(), progress=1.0, result=result
    )


if __name__ == "__main__":
    skip_iri_grammar()  # before papermill imports jsonschema: 2.6 s of CPU less per notebook run
    sys.exit(main(sys.argv[1], sys.argv[2]))
