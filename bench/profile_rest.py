"""A small CSV profiled over REST, request to result, as the Lab's "Profile data" does it.

A real `jupyter server` (this package as its extension, a temporary store) serves a folder
holding scikit-learn's wine table (178 rows x 14 columns) as CSV. One request is
`POST /mlops/api/profiles` (a file this small is profiled in the server at once, `runs_in:
server`) then `GET /mlops/api/profiles/jobs/{id}` for the profile, as `ProfileView._submit`
does. The first request after the server is up is timed apart (it imports the profiler's
libraries), then `--repeat` more; for each: wall time of the two calls and the server
process's CPU time (user + system) over them, and the load average before and after.

    .venv/bin/python bench/profile_rest.py [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_table import load_average
from mlops_server import start_server

TOKEN = "bench-token"


def write_csv(root: Path) -> Path:
    """The wine table (178 rows, 13 measurements and the class) as CSV."""
    from sklearn.datasets import load_wine

    path = root / "wine.csv"
    load_wine(as_frame=True).frame.to_csv(path, index=False)
    return path


def call(base: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.loads(answer.read())


def server_cpu(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def profile_once(base: str, pid: int) -> dict[str, float]:
    """POST the file, GET the finished job's profile: wall (each call, total) and server CPU."""
    cpu = server_cpu(pid)
    start = time.perf_counter()
    job = call(base, "POST", "/mlops/api/profiles", {"path": "wine.csv"})
    posted = time.perf_counter()
    state = call(base, "GET", f"/mlops/api/profiles/jobs/{job['id']}")
    done = time.perf_counter()
    assert job["status"] == "done" and job["runs_in"] == "server", job
    assert state["profile"]["n_rows"] == 178, state["job"]
    return {
        "post_s": posted - start,
        "get_s": done - posted,
        "total_s": done - start,
        "server_cpu_s": server_cpu(pid) - cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm requests (default 5)")
    parser.add_argument("--json", action="store_true", help="one JSON line only")
    args = parser.parse_args()
    before = load_average()
    with tempfile.TemporaryDirectory() as folder:
        root, data = Path(folder) / "root", Path(folder) / "data"
        root.mkdir()
        write_csv(root)
        started = time.perf_counter()
        process, base = start_server(data, root, TOKEN)
        try:
            up = time.perf_counter() - started
            first = profile_once(base, process.pid)
            warm = [profile_once(base, process.pid) for _ in range(args.repeat)]
        finally:
            process.terminate()
            process.wait(timeout=30)
    result = {
        "server_up_s": up,
        "first": first,
        "warm_median": {k: statistics.median(w[k] for w in warm) for k in first},
        "warm": warm,
        "load_before": before,
        "load_after": load_average(),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"178-row CSV over REST (load average {before} -> {result['load_after']})")
    print(f"server up (spawn -> first answer) {up:.2f} s")
    for label, row in (("first request", first), ("warm, median", result["warm_median"])):
        print(
            f"{label:15s} POST {row['post_s'] * 1000:6.0f} ms + GET {row['get_s'] * 1000:4.0f} ms"
            f" = {row['total_s'] * 1000:6.0f} ms   server CPU {row['server_cpu_s'] * 1000:5.0f} ms"
        )


if __name__ == "__main__":
    main()
