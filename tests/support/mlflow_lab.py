"""A real `jupyter server` with jupyter-mlops in a subprocess, for the MLflow facade tests and
bench: MLflow's client talks to it over HTTP exactly as it would to the Lab."""

from __future__ import annotations

import os
import secrets
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .ports import free_port
from .processes import ServerProcess, only_mlops_extension_argument, python_module
from .skops_cache import seed_skops_cache

MLFLOW_ENV = ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN")
# What tests pass `mlflow.sklearn.log_model` as `pip_requirements`. Without it MLflow infers
# them by loading the model in a fresh Python process: 15-20 s of CPU per call here, for a
# requirements.txt the facade only stores. test_mlflow_models' end-to-end test keeps the
# inference, as a user's call does.
REQUIREMENTS = ["scikit-learn"]


class MLOpsServer(ServerProcess):
    """`jupyter server` on a free 127.0.0.1 port, its own config/data/runtime dirs."""

    def __init__(self, home: Path, extra_env: dict[str, str] | None = None) -> None:
        self.home = home
        self.port = free_port()
        self.endpoint_base_port = free_port(span=20)  # its endpoints' own (tests/support/ports.py)
        self.token = secrets.token_hex(16)
        self.extra_env = extra_env or {}
        super().__init__(home / "server.log")

    @property
    def url(self) -> str:
        """The server's base URL (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def tracking_uri(self) -> str:
        """What `MLFLOW_TRACKING_URI` is set to for this server."""
        return f"{self.url}/mlops/mlflow"

    @property
    def data_dir(self) -> Path:
        """The server's `JUPYTER_MLOPS_DATA_DIR` (its SQLite store and artifacts)."""
        return self.home / "mlops"

    @property
    def runtime_dir(self) -> Path:
        """Where the server writes kernels' connection files."""
        return self.home / "runtime"

    def env(self) -> dict[str, str]:
        """The server's environment (without the caller's MLflow settings)."""
        env = {k: v for k, v in os.environ.items() if k not in MLFLOW_ENV}
        env.pop("JUPYTER_MLOPS_DB_URL", None)
        env.update(
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_RUNTIME_DIR=str(self.runtime_dir),
            JUPYTER_MLOPS_DATA_DIR=str(self.data_dir),
            IPYTHONDIR=str(self.home / "ipython"),
            JUPYTER_MLOPS_SERVING_BASE_PORT=str(self.endpoint_base_port),
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 90) -> MLOpsServer:
        """Start and wait until the jupyter-mlops API answers."""
        self.home.mkdir(parents=True, exist_ok=True)
        seed_skops_cache(self.data_dir)
        args = [
            *python_module("jupyter_server"), "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.home}", "--allow-root",
            only_mlops_extension_argument(),
            # No warm spare endpoint process: ~2.4 s CPU per server that deploys, for nothing
            # these tests assert (as conftest's jp_server_config).
            "--MLOpsApp.serving_warm_spare=False",
        ]  # fmt: skip
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(args, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        probe = f"{self.url}/mlops/api/health?token={self.token}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(probe, timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter server did not answer in {timeout}s:\n{self.log()}")

    def request(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        """An HTTP request (urllib) to `path` under the server; returns (status, body bytes)."""
        import urllib.error

        data = kwargs.get("data")
        request = urllib.request.Request(f"{self.url}/{path}", data=data, method=method)
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@contextmanager
def mlflow_pointed_at(home: Path) -> Iterator[MLOpsServer]:
    """A started server with MLflow's client (environment and fluent API) pointed at it; on exit
    open MLflow runs end and the server stops."""
    import mlflow

    lab = MLOpsServer(home).start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", lab.tracking_uri)
        patch.setenv("MLFLOW_TRACKING_TOKEN", lab.token)
        mlflow.set_tracking_uri(lab.tracking_uri)
        try:
            yield lab
        finally:
            while mlflow.active_run() is not None:
                mlflow.end_run()
            # None: back to MLflow's default (environment, then ./mlruns); its annotation omits it.
            mlflow.set_tracking_uri(None)  # type: ignore[arg-type]
            lab.stop()


@contextmanager
def store_of(server: MLOpsServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The workbench's tracking store on `server`'s store (what the Experiments panel shows)."""
    from jupyter_mlops.core.store import reset_database
    from jupyter_mlops.tracking.process_client import close_client, get_client

    monkeypatch.setenv("JUPYTER_MLOPS_DATA_DIR", str(server.data_dir))
    reset_database()
    try:
        yield get_client().store
    finally:
        close_client()
