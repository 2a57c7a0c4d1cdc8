"""Profiling benchmark: jupyter-mlops beside `describe(include='all')` and ydata-profiling.

A deterministic synthetic table (10 float columns with NaNs and skew, 5 int, 4 categorical of
cardinality 5 / 50 / 1,000 / 100,000, 1 datetime) at 100k and 1M rows: the time and peak
memory of `jupyter_mlops.profile` (pandas engine) beside `df.describe(include='all')` and,
when available, ydata-profiling `minimal=True`, with ratios; then a 50M-row Parquet file
(generated once under /tmp) profiled through Dask: time and peak RSS.

Each measurement runs in a fresh process that builds the table first, so peaks do not mix;
memory is the process's resident set, sampled every 5 ms. ydata-profiling is not a
dependency: pass `--ydata-python` an interpreter that has it (e.g. a throwaway venv), or it
is skipped with a note. Each repetition runs describe then ours, so a loaded machine disturbs
both alike; CPU time (user + system, all threads) is printed beside wall time, and the load
average before and after. `--before DIR` also times the package found in DIR (a copy of an
older commit: `git archive COMMIT jupyter_mlops | tar -x -C DIR`, plus `_version.py`) in the
same rounds.

    .venv/bin/python bench/profile.py                    # everything
    .venv/bin/python bench/profile.py --skip-big         # without the 50M-row file
    .venv/bin/python bench/profile.py --ydata-python /tmp/ydata-venv/bin/python
    .venv/bin/python bench/profile.py --rows 1000000 --skip-big --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

CARDINALITIES = (5, 50, 1_000, 100_000)
BIG_FILE = Path(tempfile.gettempdir()) / "jupyter-mlops-bench" / "table_50M.parquet"
CHUNK_ROWS = 1_000_000


def make_table(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """The synthetic table (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for i in range(10):
        # Odd columns are log-normal (skewed), even ones normal; each has its share of NaNs.
        values = rng.lognormal(0, 0.5 + 0.1 * i, n_rows) if i % 2 else rng.normal(i, 1 + i, n_rows)
        values[rng.random(n_rows) < 0.02 * (i + 1)] = np.nan
        columns[f"float_{i}"] = values
    for i in range(5):
        columns[f"int_{i}"] = rng.integers(0, 10 ** (i + 2), n_rows)
    for cardinality in CARDINALITIES:
        labels = np.array([f"c{k}" for k in range(cardinality)], dtype=object)
        codes = rng.integers(0, cardinality, n_rows)
        # Object dtype, as the issue measures (pandas 3 would make Arrow-backed `str`).
        columns[f"cat_{cardinality}"] = pd.Series(labels[codes], dtype=object)
    seconds = rng.integers(0, 3 * 365 * 86_400, n_rows)
    columns["timestamp"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(seconds, unit="s")
    return pd.DataFrame(columns)


def rss_bytes() -> int:
    """This process's resident set size."""
    import psutil

    return int(psutil.Process().memory_info().rss)


class PeakRSS:
    """Samples the resident set every 5 ms while in use; `peak` is the highest seen."""

    def __enter__(self) -> PeakRSS:
        self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def _measure(
    task: str, n_rows: int, queue: multiprocessing.Queue, package_dir: str | None = None
) -> None:
    if package_dir is not None:  # an older copy of the package, for before/after
        sys.path.insert(0, package_dir)
    # Imported before the clock starts: import time is not profiling time.
    import jupyter_mlops.profiling.api

    frame = make_table(n_rows)
    baseline = rss_bytes()
    extra: dict[str, object] = {}
    with PeakRSS() as memory:
        start, cpu = time.perf_counter(), time.process_time()
        if task == "describe":
            frame.describe(include="all")
        else:
            import jupyter_mlops as mlops

            result = mlops.profile(frame)
            extra["json_bytes"] = len(result.to_json().encode())
            extra["alerts"] = len(result.alerts)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    queue.put({"seconds": seconds, "cpu": cpu, "peak": memory.peak, "baseline": baseline, **extra})


def measure(task: str, n_rows: int, package_dir: str | None = None) -> dict[str, float]:
    """Run `task` on the table in a fresh process: seconds, CPU seconds, peak RSS, baseline
    RSS (and the package in `package_dir` instead of this one's, when given)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(task, n_rows, queue, package_dir))
    process.start()
    result = queue.get()
    process.join()
    return result  # type: ignore[no-any-return]


YDATA_SCRIPT = """
import json, sys, time, threading, psutil
sys.path.insert(0, sys.argv[2])
from profile import make_table, PeakRSS, rss_bytes
from ydata_profiling import ProfileReport
frame = make_table(int(sys.argv[1]))
baseline = rss_bytes()
with PeakRSS() as memory:
    start = time.perf_counter()
    report = ProfileReport(frame, minimal=True, progress_bar=False)
    text = report.to_json()
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak": memory.peak, "baseline": baseline,
                  "json_bytes": len(text.encode())}))
"""


def measure_ydata(python: str, n_rows: int, timeout: float) -> dict[str, float] | str:
    """ydata-profiling minimal=True in the interpreter `python` (a dict, or why not)."""
    try:
        done = subprocess.run(
            [python, "-c", YDATA_SCRIPT, str(n_rows), str(Path(__file__).parent)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"did not finish in {timeout:.0f} s"
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.0f} MB"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if os.name == "posix" else "?"


def _timed(label: str, runs: list[dict[str, float]], peer: dict[str, float] | None) -> str:
    best = min(runs, key=lambda r: r["seconds"])
    walls = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    cpus = ", ".join(f"{r['cpu']:.2f}" for r in runs)
    line = (
        f"{label:27s} wall {walls} s   CPU {cpus} s   peak RSS {mb(best['peak'])} "
        f"(+{mb(best['peak'] - best['baseline'])})"
    )
    if peer is not None:
        cpu = min(r["cpu"] for r in runs)
        line += f"\n  best / describe's best: {best['seconds'] / peer['seconds']:.2f}x wall, "
        line += f"{cpu / peer['cpu']:.2f}x CPU"
    return line


def compare_sizes(
    sizes: list[int],
    repeat: int,
    ydata_python: str | None,
    timeout: float,
    before: str | None = None,
) -> None:
    for n_rows in sizes:
        print(f"\n== {n_rows:,} rows x 20 columns (load average {load_average()})")
        runs: dict[str, list[dict[str, float]]] = {"describe": [], "ours": [], "before": []}
        for _ in range(repeat):  # interleaved: describe, ours (and before) in each round
            runs["describe"].append(measure("describe", n_rows))
            runs["ours"].append(measure("profile", n_rows))
            if before is not None:
                runs["before"].append(measure("profile", n_rows, before))
        describe = min(runs["describe"], key=lambda r: r["seconds"])
        describe = {**describe, "cpu": min(r["cpu"] for r in runs["describe"])}
        print(_timed("describe(include='all')", runs["describe"], None))
        print(_timed("jupyter_mlops.profile", runs["ours"], describe))
        print(f"  JSON {runs['ours'][0]['json_bytes'] / 1000:,.0f} kB")
        if before is not None:
            print(_timed(f"before ({before})", runs["before"], describe))
        print(f"  load average after: {load_average()}")
        if ydata_python is None:
            print("ydata-profiling             skipped: not importable here (--ydata-python PATH)")
            continue
        ours = min(runs["ours"], key=lambda r: r["seconds"])
        ydata = measure_ydata(ydata_python, n_rows, timeout)
        if isinstance(ydata, str):
            print(f"ydata-profiling minimal     {ydata}")
            continue
        print(
            f"ydata-profiling minimal     {ydata['seconds']:7.2f} s   "
            f"peak RSS {mb(ydata['peak'])} (+{mb(ydata['peak'] - ydata['baseline'])})   "
            f"JSON {ydata['json_bytes'] / 1000:,.0f} kB"
        )
        print(f"  ydata-profiling / jupyter_mlops: {ydata['seconds'] / ours['seconds']:.1f}x time")


def write_big_file(path: Path, n_rows: int) -> None:
    """The table at `n_rows`, written in 1M-row groups (never all in memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.exists() and pq.ParquetFile(path).metadata.num_rows == n_rows:
        print(f"reusing {path} ({path.stat().st_size / 2**30:.1f} GiB)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    writer = None
    try:
        for chunk in range(-(-n_rows // CHUNK_ROWS)):
            rows = min(CHUNK_ROWS, n_rows - chunk * CHUNK_ROWS)
            table = pa.Table.from_pandas(make_table(rows, seed=chunk), preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    print(
        f"wrote {path} ({n_rows:,} rows, {path.stat().st_size / 2**30:.1f} GiB) "
        f"in {time.perf_counter() - start:.0f} s"
    )


def _profile_big(path: str, queue: multiprocessing.Queue) -> None:
    import jupyter_mlops as mlops
    import jupyter_mlops.profiling.api

    baseline = rss_bytes()
    with PeakRSS() as memory:
        start = time.perf_counter()
        result = mlops.profile(path)
        seconds = time.perf_counter() - start
    queue.put(
        {
            "seconds": seconds,
            "peak": memory.peak,
            "baseline": baseline,
            "rows": result.n_rows,
            "partitions": result.n_partitions,
            "json_bytes": len(result.to_json().encode()),
            "cat_distinct": result.columns["cat_100000"].n_distinct,
            "duplicates_approximate": result.duplicates_are_approximate,
            "rank_error": result.quantile_rank_error,
        }
    )


def profile_big(n_rows: int) -> None:
    print(f"\n== {n_rows:,}-row Parquet file through Dask (local threads, {os.cpu_count()} cores)")
    write_big_file(BIG_FILE, n_rows)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_profile_big, args=(str(BIG_FILE), queue))
    process.start()
    r = queue.get()
    process.join()
    print(
        f"jupyter_mlops.profile       {r['seconds']:7.1f} s   peak RSS {mb(r['peak'])}   "
        f"{r['rows']:,} rows in {r['partitions']} partitions   "
        f"JSON {r['json_bytes'] / 1000:,.0f} kB"
    )
    print(
        f"  cat_100000 distinct ~ {r['cat_distinct']:,}; quantile rank error <= "
        f"{r['rank_error']:.4%}; duplicates approximate: {r['duplicates_approximate']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    parser.add_argument("--big-rows", type=int, default=50_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--ydata-python", default=None, help="a Python with ydata-profiling")
    parser.add_argument("--ydata-timeout", type=float, default=900)
    parser.add_argument(
        "--before", default=None, help="a folder holding an older jupyter_mlops, timed too"
    )
    args = parser.parse_args()
    ydata_python = args.ydata_python
    if ydata_python is None:
        try:
            import ydata_profiling  # noqa: F401

            ydata_python = sys.executable
        except ImportError:
            print("note: ydata-profiling is not importable; pass --ydata-python to compare with it")
    compare_sizes(args.rows, args.repeat, ydata_python, args.ydata_timeout, args.before)
    if not args.skip_big:
        profile_big(args.big_rows)


if __name__ == "__main__":
    main()
