"""Running a job's notebook as a task on a Dask cluster (GPU workers when the job asks).

The worker executes the notebook with papermill in a temporary folder and sends the output
files back as text, so the cluster needs no shared file system; it reports progress per cell to
the store directly when it can reach it (same URL), and silently goes without otherwise.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .entities import JobRun
from .execution import Outcome


def run_on_worker(
    nb_json: str,
    name: str,
    parameters: Mapping[str, Any],
    env: Mapping[str, str],
    cwd: str,
    timeout_s: float | None,
    html: bool,
    db_url: str,
    run_id: str,
) -> tuple[Outcome, dict[str, str]]:
    """On a worker: execute, then return the outcome and the output files' contents."""
    import os

    from .execution import execute_notebook

    progress = _progress_writer(db_url, run_id)
    with tempfile.TemporaryDirectory(prefix="mlops-job-") as folder:
        output = Path(folder) / name
        outcome = execute_notebook(
            nb_json,
            output,
            parameters,
            env=env,
            cwd=cwd if os.path.isdir(cwd) else folder,
            timeout_s=timeout_s,
            html=html,
            on_cell=progress,
        )
        files = {
            kind: Path(path).read_text(encoding="utf-8") for kind, path in outcome.outputs.items()
        }
    return outcome, files


def _progress_writer(db_url: str, run_id: str) -> Any:
    try:
        from ..core.db import Database
        from .store import JobStore, now_ms

        store = JobStore(Database(db_url))
    except Exception:
        return None

    def on_cell(done: int, total: int) -> None:
        # Without the store (a remote worker), the run simply shows no progress.
        with contextlib.suppress(Exception):
            store.update_run(
                run_id,
                cells_done=done,
                cells_total=total,
                progress=done / total if total else 1.0,
                heartbeat_time=now_ms(),
            )

    return on_cell


def execute_on_dask(
    client: Any,
    run: JobRun,
    nb_json: str,
    output: Path,
    *,
    env: Mapping[str, str],
    cwd: str,
    timeout_s: float | None,
    html: bool,
    gpu: bool,
    db_url: str,
    stop: threading.Event | None = None,
) -> Outcome:
    """Submit the run to `client`'s cluster and write its outputs under `output`'s folder.

    Setting `stop` (the runner shuts down) cancels the task.
    """
    resources = {"GPU": 1} if gpu else None
    future = client.submit(
        run_on_worker,
        nb_json,
        output.name,
        dict(run.parameters),
        dict(env),
        cwd,
        timeout_s,
        html,
        db_url,
        run.run_id,
        resources=resources,
        pure=False,
        key=f"mlops-job-{run.run_id}",
    )
    stopped = stop or threading.Event()
    while not future.done():
        if stopped.wait(0.5):
            future.cancel()
            return Outcome("cancelled", error="Dask task cancelled")
    try:
        result: tuple[Outcome, dict[str, str]] = future.result()
        outcome, files = result
    except Exception as exc:
        return Outcome("failed", error=f"the Dask task failed: {type(exc).__name__}: {exc}")
    output.parent.mkdir(parents=True, exist_ok=True)
    outcome.outputs = {}
    for kind, text in files.items():
        target = output if kind == "ipynb" else output.with_suffix(f".{kind}")
        target.write_text(text, encoding="utf-8")
        outcome.outputs[kind] = str(target)
    return outcome
