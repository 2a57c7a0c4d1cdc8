"""What the bench scripts share for `run_all.py`: one row of the table, and the load average."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def row(
    work: str,
    ours: float,
    peer: float | None,
    unit: str,
    peer_name: str,
    goal: str,
    met: bool,
) -> dict[str, Any]:
    """One line of the table; `ratio` is ours / peer (the goal says which way is better)."""
    ratio = ours / peer if peer else None
    return {
        "work": work,
        "ours": ours,
        "peer": peer,
        "unit": unit,
        "peer_name": peer_name,
        "ratio": ratio,
        "goal": goal,
        "met": bool(met),
    }


def median_wall_cpu_ms(action: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `action` over `repeat` calls, after one warm-up."""
    action()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000
