"""`jupyter-mlops run NB -p n=K` beside the `papermill` CLI on the same 3-cell notebook.

    .venv/bin/python bench/notebook_run.py [--repeat 3] [--json]

Both are cold command-line processes, run interleaved (papermill, ours, papermill, ours...) so
that the machine's load falls on both alike. Figures: the median wall time of each, and the
median CPU time (user + system of the command and its kernel, `RUSAGE_CHILDREN`), which a
loaded machine disturbs far less than wall time. Goal: ours <= 1.2x papermill (wall).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_table import load_average, row

BIN = Path(sys.executable).parent


def write_notebook(path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_code_cell("n = 1000", metadata={"tags": ["parameters"]}),
            new_code_cell("total = sum(range(n))\nprint(total)"),
            new_code_cell("import json\nprint(json.dumps({'n': n}))"),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the command and the processes it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="mlops-bench-nb-") as folder:
        root = Path(folder)
        write_notebook(root / "nb.ipynb")
        env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(root / "data")}
        env.pop("JUPYTER_MLOPS_DB_URL", None)
        papermill = [str(BIN / "papermill"), "-k", "python3", "nb.ipynb", "out.ipynb",
                     "-p", "n", "5", "--no-progress-bar"]  # fmt: skip
        ours = [str(BIN / "jupyter-mlops"), "run", "nb.ipynb", "-p", "n=5"]
        timed(ours, env, root)  # creates the store: not part of a run's cost
        peer_times, our_times = [], []
        for _ in range(args.repeat):
            peer_times.append(timed(papermill, env, root))
            our_times.append(timed(ours, env, root))
    peer_wall = statistics.median(t[0] for t in peer_times)
    our_wall = statistics.median(t[0] for t in our_times)
    peer_cpu = statistics.median(t[1] for t in peer_times)
    our_cpu = statistics.median(t[1] for t in our_times)
    rows = [
        row("`jupyter-mlops run NB -p n=K` (wall)", our_wall, peer_wall, "s", "papermill CLI",
            "<= 1.2x", our_wall <= 1.2 * peer_wall),
        row("`jupyter-mlops run NB -p n=K` (CPU)", our_cpu, peer_cpu, "s", "papermill CLI",
            "<= 1.2x", our_cpu <= 1.2 * peer_cpu),
    ]  # fmt: skip
    result = {"bench": "notebook_run", "rows": rows, "load": [load_before, load_average()]}
    if args.json:
        print(json.dumps(result))
        return
    for item in rows:
        print(f"{item['work']}: ours {item['ours']:.2f} s, papermill {item['peer']:.2f} s, "
              f"{item['ratio']:.2f}x")  # fmt: skip
    print(f"load average before/after: {load_before} / {result['load'][1]}")


if __name__ == "__main__":
    main()
