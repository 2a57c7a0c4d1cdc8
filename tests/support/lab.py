"""A real `jupyter lab` process on a free 127.0.0.1 port, for browser tests."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from .ports import free_port
from .processes import ServerProcess, only_mlops_extension_argument, python_module
from .skops_cache import seed_skops_cache


class LabServer(ServerProcess):
    """`jupyter lab` started in a subprocess, isolated config/data/runtime dirs, stopped by PID.

    `ui=False`: a `jupyter server` with the jupyter-mlops extension only, for tests that call
    its API and never open the Lab (its start costs less than half the CPU of the Lab's)."""

    def __init__(
        self, root_dir: Path, home: Path, extra_args: list[str] | None = None, ui: bool = True
    ) -> None:
        self.root_dir = root_dir
        self.home = home
        self.ui = ui
        self.port = free_port()
        # The endpoints it deploys take ports from a span of this test process's own (the
        # default 9321 is every worker's Lab's), never handed out again in this process: the
        # browser package's Lab lives for the session.
        self.endpoint_base_port = free_port(span=100, keep=True)
        self.token = secrets.token_hex(16)
        self.extra_args = extra_args or []
        super().__init__(home / "lab.log")

    @property
    def url(self) -> str:
        """The Lab's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path: str = "lab") -> str:
        """A URL in the Lab that logs the browser in with the token.

        `reset` clears the saved workspace: the tests share one Lab, and each starts from an
        empty layout instead of the tabs an earlier test left open.
        """
        return f"{self.url}/{path}?reset&token={self.token}"

    def env(self) -> dict[str, str]:
        """The environment the Lab runs in (also used to run code against the same store)."""
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTER_MLOPS_DATA_DIR=str(self.home / "mlops"),
            IPYTHONDIR=str(self.home / "ipython"),
            JUPYTER_MLOPS_SERVING_BASE_PORT=str(self.endpoint_base_port),
        )
        env.pop("JUPYTER_MLOPS_DB_URL", None)
        return env

    def start(self, timeout: float = 90) -> LabServer:
        """Start and wait until the server answers."""
        seed_skops_cache(Path(self.env()["JUPYTER_MLOPS_DATA_DIR"]))
        args = [
            *python_module("jupyterlab" if self.ui else "jupyter_server"), "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}", "--allow-root",
        ]  # fmt: skip
        if self.ui:
            args += [
                f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ]
        else:
            args.append(only_mlops_extension_argument())
        args += self.extra_args
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(args, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer in {timeout}s:\n{self.log()}")

    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        """`method` on `/mlops/api/<path>` with the token; the answer's JSON."""
        request = urllib.request.Request(
            f"{self.url}/mlops/api/{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {self.token}"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())
