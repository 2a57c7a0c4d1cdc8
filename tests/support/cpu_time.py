"""The CPU each test costs, for finding what makes the suite slow (the suite is CPU-bound on the
2-core CI machine, so wall-clock `--durations` under xdist mostly measure the neighbours).

Set `$MLOPS_TEST_CPU_LOG` to a file path: every test process appends one JSON line per test with
its own CPU (setup + call + teardown) and the CPU of the child processes it started and reaped in
that time (endpoint, job, kernel and server processes; orphaned and session-wide ones such as the
browser and the Lab are not counted). `python -m tests.support.cpu_time LOG` prints the top tests
and the total per test folder. Without the variable nothing is measured.
"""

from __future__ import annotations

import collections
import json
import os
import resource
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

LOG_ENV = "MLOPS_TEST_CPU_LOG"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[Any]:
    """Measure one test's own and its reaped children's CPU around all its phases."""
    path = os.environ.get(LOG_ENV)
    if not path:
        return (yield)
    own, children, wall = time.process_time(), _children_cpu(), time.monotonic()
    result = yield
    line = {
        "test": item.nodeid,
        "own": round(time.process_time() - own, 3),
        "children": round(_children_cpu() - children, 3),
        "wall": round(time.monotonic() - wall, 3),
        # Which xdist worker ran it and when it ended: the log then shows each worker's finish
        # (a tail where one worker runs alone leaves a core idle).
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "end": round(time.time(), 3),
    }
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")
    return result


def summarize(path: str, top: int = 40) -> str:
    """The `top` tests by CPU (own + children) and the CPU per test folder, from a log."""
    lines_read = Path(path).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines_read if line.strip()]
    by_folder: collections.Counter[str] = collections.Counter()
    for row in rows:
        by_folder[row["test"].split("/")[1] if row["test"].count("/") > 1 else "."] += (
            row["own"] + row["children"]
        )
    rows.sort(key=lambda row: -(row["own"] + row["children"]))
    total = sum(by_folder.values())
    lines = [f"{len(rows)} tests, {total:.0f} CPU-s (own + reaped children)", ""]
    lines += [f"{cpu:8.1f}  {folder}" for folder, cpu in by_folder.most_common()]
    lines += _worker_finishes(rows)
    lines += ["", "    own  children   wall  test"]
    lines += [
        f"{row['own']:7.1f} {row['children']:9.1f} {row['wall']:6.1f}  {row['test']}"
        for row in rows[:top]
    ]
    return "\n".join(lines)


def _worker_finishes(rows: list[dict[str, Any]]) -> list[str]:
    """When each worker ran its last test, in seconds from the first test's start."""
    timed = [row for row in rows if "end" in row]
    if not timed:
        return []
    start = min(row["end"] - row["wall"] for row in timed)
    last: dict[str, dict[str, Any]] = {}
    for row in timed:
        if row["end"] > last.get(row["worker"], {"end": 0})["end"]:
            last[row["worker"]] = row
    lines = ["", "worker finishes (s from the first test's start), with the last test:"]
    lines += [
        f"{row['end'] - start:8.0f}  {worker}  {row['test']}"
        for worker, row in sorted(last.items(), key=lambda item: item[1]["end"])
    ]
    return lines


if __name__ == "__main__":
    print(summarize(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40))
