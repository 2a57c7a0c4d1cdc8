"""Helpers for serving tests: a registered model in a throwaway store, an endpoint process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from .ports import free_port

__all__ = ["endpoint_process", "wait_healthy"]


def wait_healthy(url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 240):
    """Wait until `url/health` answers 200; fail with the process's output if it exits."""
    deadline = time.monotonic() + timeout
    # One client for all the polls: `httpx.get` builds a client (and an SSL context) per call,
    # ~50 ms of CPU taken from the starting endpoint ten times a second.
    with httpx.Client(timeout=1) as client:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"endpoint exited {process.returncode}: {output[-2000:]}")
            try:
                if client.get(f"{url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise AssertionError(f"{url} did not become healthy in {timeout} s")


@contextmanager
def endpoint_process(
    args: list[str], data_dir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run `jupyter-mlops serve ARGS --port P` on the store of `data_dir`; yield its URL."""
    port = free_port()
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(data_dir), **(extra_env or {})}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlops.cli", "serve", *args, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
