"""Waiting on a process's end instead of sleeping a fixed time before asserting it."""

from __future__ import annotations

import os
import time

import psutil


def wait_gone(pid: int, timeout: float = 60.0) -> None:
    """Return once process `pid` has ended (a zombie waiting for its parent has ended too);
    fail, naming it, if it still runs after `timeout` seconds (a bound, not a measurement)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except (ProcessLookupError, psutil.NoSuchProcess):
            return
        assert time.monotonic() < deadline, f"process {pid} still runs after {timeout:.0f} s"
        time.sleep(0.05)
