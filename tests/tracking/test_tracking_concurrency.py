"""Several real processes log into one store (SQLite, PostgreSQL) at once, and nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.store import TrackingStore

POINTS = 5_000
PROCESSES = 8

# Half the writers end their run; the other half just exit and rely on the atexit flush.
WRITER = textwrap.dedent(
    """
    import os, sys, time
    import jupyter_mlops as mlops

    index, shared, go_file, points = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    run = mlops.start_run(experiment="concurrent", name=f"writer-{index}")
    while not os.path.exists(go_file):
        time.sleep(0.01)
    for step in range(points):
        mlops.log_metric("loss", 1.0 / (step + 1), step=step)
        mlops.log_metric(f"w{index}", float(step), step=step, run_id=shared)
    if index % 2 == 0:
        mlops.end_run()
    print(run.run_id)
    """
)


def test_eight_processes_lose_no_points(db_url, mlops_store, tmp_path):
    store = TrackingStore(get_database(), mlops_store)
    experiment = store.get_or_create_experiment("concurrent")
    shared = store.create_run(experiment.experiment_id, "shared").run_id
    go_file = tmp_path / "go"
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store), "JUPYTER_MLOPS_DB_URL": db_url}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(i), shared, str(go_file), str(POINTS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    # Let every writer start its run, then release them together.
    deadline = time.monotonic() + 120
    while store.search_runs([experiment.experiment_id]).total < PROCESSES + 1:
        assert time.monotonic() < deadline, "writers did not start"
        assert all(w.poll() is None for w in writers), [w.communicate() for w in writers]
        time.sleep(0.05)
    go_file.touch()
    run_ids = []
    for writer in writers:
        out, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err
        run_ids.append(out.strip())

    for index, run_id in enumerate(run_ids):
        history = store.metric_history(run_id, "loss")
        assert [p.step for p in history] == list(range(POINTS))
        run = store.get_run(run_id)
        assert run.metrics["loss"] == 1.0 / POINTS
        # The atexit hook ended the runs their script left open.
        assert run.status == "FINISHED", index
        shared_history = store.metric_history(shared, f"w{index}")
        assert [p.value for p in shared_history] == [float(s) for s in range(POINTS)]
    assert store.get_run(shared).metrics == {f"w{i}": POINTS - 1.0 for i in range(PROCESSES)}
