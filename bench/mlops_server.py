"""A real Jupyter server with jupyter-mlops, for the benchmarks that go through its REST API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, root: Path, token: str) -> tuple[subprocess.Popen[bytes], str]:
    """`jupyter server` on a free port, its store in `data_dir` (SQLite), files from `root`;
    returns once it answers (its extensions are loaded before it listens), with its URL."""
    port = free_port()
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(data_dir)}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--ServerApp.jpserver_extensions=jupyter_mlops=True",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("jupyter server did not start")
