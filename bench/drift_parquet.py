"""Drift on Parquet folders too large for memory: `mlops.drift` on two Dask frames.

Writes the reference and current tables of `bench/drift.py` (`make_tables`' distributions,
the same 3 shifted columns) as Parquet folders of `--file-rows`-row files, one chunk at a
time (a different seed per chunk, so the whole table is never in memory), into a temporary
folder under /tmp that is deleted afterwards. Then a fresh process reads both folders with
`dask.dataframe.read_parquet` and times `mlops.drift(reference, current)` with Dask's
threaded scheduler in that process (summaries per partition, merged up a tree), sampling the
process's resident set every 5 ms. Prints one JSON line: rows, wall and CPU seconds, peak
resident set above the one measured just before `drift` (after the imports), the bytes
written, and the flagged columns (`exact`: exactly the shifted ones).

    .venv/bin/python bench/drift_parquet.py --rows 5000000
    .venv/bin/python bench/drift_parquet.py --rows 50000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drift import SHIFTED, PeakRss, make_tables


def write_folders(root: Path, n_rows: int, file_rows: int, distinct: int | None = None) -> int:
    """Write `reference/` and `current/` under `root`, chunk by chunk; the bytes written.

    With `distinct`, file `i` past the first `distinct` ones is a hard link to file
    `i % distinct` (same distributions, a fraction of the generation time and disk).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    for side in ("reference", "current"):
        (root / side).mkdir()
    done, index = 0, 0
    while done < n_rows:
        rows = min(file_rows, n_rows - done)
        if distinct and index >= distinct and rows == file_rows:
            for side in ("reference", "current"):
                source = root / side / f"part-{index % distinct:05d}.parquet"
                os.link(source, root / side / f"part-{index:05d}.parquet")
            done, index = done + rows, index + 1
            continue
        tables = make_tables(rows, seed=index)
        for side, frame in zip(("reference", "current"), tables, strict=True):
            table = pa.Table.from_pandas(frame, preserve_index=False)
            pq.write_table(table, root / side / f"part-{index:05d}.parquet")
        done, index = done + rows, index + 1
    return sum(f.stat().st_size for f in root.rglob("*.parquet"))


def measure(root: Path) -> dict[str, object]:
    """Time `mlops.drift` on the two folders read with Dask, in this process."""
    import dask
    import dask.dataframe as dd

    import jupyter_mlops as mlops

    dask.config.set(scheduler="threads")
    reference = dd.read_parquet(str(root / "reference"))
    current = dd.read_parquet(str(root / "current"))
    with PeakRss() as memory:
        cpu = time.process_time()
        started = time.perf_counter()
        drifted = mlops.drift(reference, current).drifted_columns
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
    base = memory.base
    return {
        "partitions": reference.npartitions + current.npartitions,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "baseline_mb": round(base / 1e6),
        "peak_above_baseline_mb": round((memory.peak - base) / 1e6),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3),
        "drifted": drifted,
        "exact": set(drifted) == set(SHIFTED),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows per side")
    parser.add_argument("--file-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--distinct-files", type=int, help="generate this many files per side, hard-link the rest"
    )
    parser.add_argument("--dir", default="/tmp", help="where the temporary folder goes")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return
    root = Path(tempfile.mkdtemp(prefix="drift-parquet-", dir=args.dir))
    try:
        started = time.perf_counter()
        written = write_folders(root, args.rows, args.file_rows, args.distinct_files)
        write_s = time.perf_counter() - started
        load_before = os.getloadavg()
        # A fresh process, so the resident set is not the writer's leftovers.
        output = subprocess.run(
            [sys.executable, __file__, "--measure", str(root)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(output.stdout.strip().splitlines()[-1])
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(
        json.dumps(
            {
                "rows_per_side": args.rows,
                "file_rows": args.file_rows,
                "distinct_files": args.distinct_files,
                "written_gb": round(written / 1e9, 2),
                "write_s": round(write_s, 1),
                **result,
                "load_before": [round(x, 1) for x in load_before],
                "load_after": [round(x, 1) for x in load_after],
            }
        )
    )


if __name__ == "__main__":
    main()
