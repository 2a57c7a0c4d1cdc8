"""A real Dask Gateway for the test session: `dask-gateway-server` with its local backend.

`UnsafeLocalBackend` runs schedulers and workers as local processes of this user, and
`SimpleAuthenticator` accepts any user name (basic auth): a gateway on loopback ports for tests.
With distributed 2026.x the backend's default `dask-scheduler`/`dask-worker` commands are gone,
so the config sets `<venv>/bin/dask scheduler|worker` (see shared TOOLCHAIN notes). Clients use
the proxy's address for both HTTP and `gateway://`. Stopped by PID.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .ports import free_port
from .session_servers import serve_for_session


def missing_reason() -> str | None:
    """Why no gateway can run here, or None."""
    if shutil.which("dask-gateway-server", path=str(Path(sys.executable).parent)) is None:
        return "dask-gateway-server is not installed (pip install 'dask-gateway-server[local]')"
    try:
        import dask_gateway  # noqa: F401
    except ImportError:
        return "dask-gateway is not installed"
    return None


class GatewayServer:
    """`dask-gateway-server` on 127.0.0.1 (API + proxy), stopped by PID."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="mlops-gateway-"))
        self.api_port, self.proxy_port = free_port(), free_port()
        self.address = f"http://127.0.0.1:{self.proxy_port}"
        self.proxy_address = f"gateway://127.0.0.1:{self.proxy_port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> GatewayServer:
        """Write the config, start the server, wait (60 s at most) for its API."""
        dask = Path(sys.executable).with_name("dask")
        config = self.folder / "config.py"
        config.write_text(
            f'c.Gateway.address = "127.0.0.1:{self.api_port}"\n'
            f'c.Proxy.address = "127.0.0.1:{self.proxy_port}"\n'
            'c.Gateway.backend_class = "dask_gateway_server.backends.local.UnsafeLocalBackend"\n'
            'c.Gateway.authenticator_class = "dask_gateway_server.auth.SimpleAuthenticator"\n'
            f'c.LocalBackend.clusters_directory = "{self.folder / "clusters"}"\n'
            f'c.ClusterConfig.scheduler_cmd = ["{dask}", "scheduler"]\n'
            # A worker without a nanny: one process per worker instead of a nanny that spawns
            # the worker as a second one (re-importing dask, pandas...); nothing here restarts
            # workers or asserts on nannies.
            f'c.ClusterConfig.worker_cmd = ["{dask}", "worker", "--no-nanny"]\n'
            "c.ClusterConfig.worker_cores = 1\n"
            'c.ClusterConfig.worker_memory = "1 G"\n'
            'c.ClusterConfig.scheduler_memory = "1 G"\n'
            # Options as a GPU deployment offers them: `gpus` per worker (no GPU here, the
            # handler grants nothing), `worker_cores` mapped onto the cluster's config.
            "from dask_gateway_server.options import Options, Integer\n"
            "c.Backend.cluster_options = Options(\n"
            '    Integer("gpus", 0, min=0, max=4, label="GPUs per worker"),\n'
            '    Integer("worker_cores", 1, min=1, max=2, label="Cores per worker"),\n'
            '    handler=lambda options: {"worker_cores": options.worker_cores},\n'
            ")\n"
        )
        with (self.folder / "gateway.log").open("wb") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).with_name("dask-gateway-server")), "-f", str(config)],
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log()[-2000:])
            try:
                with urllib.request.urlopen(f"{self.address}/api/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"dask-gateway-server did not answer: {self.log()[-2000:]}")

    def log(self) -> str:
        """The server's output so far."""
        path = self.folder / "gateway.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Terminate the server (its clusters' processes go with it), kill after 20 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def gateway_server() -> Iterator[GatewayServer]:
    """A Dask Gateway for the session; skips saying why (fails under CI) when it cannot run."""
    yield from serve_for_session(
        GatewayServer(), missing_reason(), "Gateway", "dask-gateway-server"
    )
