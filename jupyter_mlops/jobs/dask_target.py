"""Running a job's notebook as a task on a Dask cluster (GPU workers when the job asks).

The worker gets the notebook as JSON and executes it with papermill in a temporary folder, so
the cluster needs nothing from the Lab's disk. Its outputs go to the artifact root when that is
remote (`<root>/jobs/<run_id>/<file>`, written by the worker through `core.artifact_store`, its
credentials from the worker's environment); otherwise they come back as text and the runner
writes them to its output folder. It reports progress per cell to the store directly when it
can reach it (same URL), and silently goes without otherwise.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core import artifact_store
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
    artifact_root: str = "",
) -> tuple[Outcome, dict[str, str]]:
    """On a worker: execute, then return the outcome and the output files' contents (or, with a
    remote `artifact_root`, write them there and return their locations in `outcome.outputs`)."""
    import os

    from ..core import artifact_store
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
        if artifact_store.is_remote(artifact_root):
            written = {}
            for kind, path in outcome.outputs.items():
                target = artifact_store.child(artifact_root, f"jobs/{run_id}/{Path(path).name}")
                artifact_store.put_file(path, target)
                written[kind] = target
            outcome.outputs = written
            return outcome, {}
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
        artifact_store.resolve_artifact_root(),
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
    if not files:  # written to the artifact root by the worker (or none at all)
        return outcome
    output.parent.mkdir(parents=True, exist_ok=True)
    outcome.outputs = {}
    for kind, text in files.items():
        target = output if kind == "ipynb" else output.with_suffix(f".{kind}")
        target.write_text(text, encoding="utf-8")
        outcome.outputs[kind] = str(target)
    return outcome
