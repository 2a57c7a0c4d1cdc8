"""Job runs against bare papermill on the same notebook, and the scheduler's firing latency.

    .venv/bin/python bench/jobs.py [--runs 5]

Figures (a temporary store and folder; papermill imported before anything is timed):
- bare papermill: `papermill.execute_notebook` of a small parameterized notebook, median of
  `--runs` runs in this process;
- a job run: the same notebook through `JobRunner` (recorded in the store, typed parameters
  checked, progress written per cell, outputs in the run folder), submit to finished, median;
  the ratio to bare papermill (target: at most 1.2x);
- firing latency: a `* * * * *` job under a running `Scheduler` (the clock shifted so that a
  minute boundary is 2 s away): time from the due time to the first cell's start in the
  kernel, for the default 5 s check interval and for 1 s.
Peer: jupyter-scheduler, when importable, is only reported as present (its executor needs a
running server and its own store; it is not timed here).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

NOTEBOOK_CELLS = [
    "import time\nstarted = time.time()\nprint('started', started)",
    "total = sum(range(n))\nprint(total * scale)",
    "import json\nprint(json.dumps({'n': n, 'label': label}))",
]


def write_notebook(path: Path) -> Path:
    nb = new_notebook(
        cells=[
            new_code_cell("n = 1000\nscale = 1.0\nlabel = 'x'", metadata={"tags": ["parameters"]}),
            *(new_code_cell(source) for source in NOTEBOOK_CELLS),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


def first_cell_start(output: str) -> float:
    for cell in nbformat.read(output, as_version=4).cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            if text.startswith("started "):
                return float(text.split()[1])
    raise RuntimeError("the notebook did not print its start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mlops-bench-jobs-"))
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(folder / "data")
    os.environ.pop("JUPYTER_MLOPS_DB_URL", None)

    import papermill

    from jupyter_mlops.core.store import get_database
    from jupyter_mlops.jobs.entities import JobSpec
    from jupyter_mlops.jobs.runner import JobRunner
    from jupyter_mlops.jobs.scheduler import Scheduler
    from jupyter_mlops.jobs.service import JobService

    notebook = write_notebook(folder / "bench.ipynb")
    parameters = {"n": 100_000, "scale": 0.5, "label": "bench"}
    # Warm up the kernel spec lookup and imports once on each side.
    papermill.execute_notebook(str(notebook), str(folder / "warm.ipynb"), parameters=parameters,
                               progress_bar=False)  # fmt: skip
    bare = []
    for index in range(args.runs):
        started = time.perf_counter()
        papermill.execute_notebook(
            str(notebook), str(folder / f"bare-{index}.ipynb"), parameters=parameters,
            progress_bar=False,
        )  # fmt: skip
        bare.append(time.perf_counter() - started)

    database = get_database()
    runner = JobRunner(database, output_root=folder / "runs", root_dir=folder, concurrency=1)
    service = JobService(runner.store, folder)
    job = service.create(JobSpec(notebook_path="bench.ipynb", parameters=parameters))
    runner.wait(runner.run_job(job.job_id).run_id)  # warm-up
    ours = []
    for _ in range(args.runs):
        started = time.perf_counter()
        run = runner.wait(runner.run_job(job.job_id).run_id)
        ours.append(time.perf_counter() - started)
        assert run.status.value == "succeeded", run.error
    bare_median, ours_median = statistics.median(bare), statistics.median(ours)
    print(f"bare papermill.execute_notebook: {bare_median:.3f} s (median of {args.runs})")
    print(f"job run through JobRunner:       {ours_median:.3f} s (median of {args.runs})")
    print(f"overhead: {ours_median / bare_median:.2f}x bare papermill (target <= 1.2x)")

    for interval in (5.0, 1.0):
        latencies = []
        for _ in range(2):
            cron_job = service.create(JobSpec(notebook_path="bench.ipynb", schedule="* * * * *"))
            now = time.time()
            boundary = (int(now // 60) + 1) * 60
            offset = (boundary - now) - 2.0  # the shifted clock reaches a boundary in 2 s
            scheduler = Scheduler(
                runner, interval_s=interval, clock=lambda o=offset: time.time() + o
            )
            runner.store.update_job(cron_job.job_id, schedule_since=int((now + offset) * 1000))
            scheduler.start()
            deadline = time.time() + 60
            runs = []
            while not runs and time.time() < deadline:
                runs = runner.store.list_runs(job_id=cron_job.job_id)
                time.sleep(0.1)
            scheduler.stop()
            run = runner.wait(runs[0].run_id)
            start = first_cell_start(run.outputs["ipynb"]) + offset
            latencies.append(start - boundary)
            runner.store.delete_job(cron_job.job_id)
        print(
            f"firing latency (due -> first cell), check every {interval:g} s: "
            f"{statistics.mean(latencies):.2f} s (mean of {len(latencies)})"
        )
    runner.close(wait=True)
    if importlib.util.find_spec("jupyter_scheduler") is not None:
        print("jupyter-scheduler is installed; it is not timed here (it needs a running server)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
