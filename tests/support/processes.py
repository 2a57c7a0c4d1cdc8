"""Test processes: waiting on a process's end instead of sleeping a fixed time before asserting
it, and the servers tests start in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

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


def python_module(module: str) -> list[str]:
    """`python -m MODULE`, minus the 2.6 s of CPU jsonschema spends at import building
    rfc3987-syntax's IRI grammar (`jupyter_mlops.core.process_start`): for the Jupyter servers
    tests start, the same server; none of its schemas checks the `iri` formats."""
    code = (
        "import runpy; from jupyter_mlops.core.process_start import skip_iri_grammar; "
        f"skip_iri_grammar(); runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-c", code]


class ServerProcess:
    """A server a test started in a subprocess, its output in `log_path`; stopped by its PID
    only (never by name or port: other tests' servers run beside it)."""

    stop_timeout = 15.0

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop the process this object started (SIGTERM, then SIGKILL)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def only_mlops_extension() -> dict[str, bool]:
    """`ServerApp.jpserver_extensions` for a server that needs only the jupyter-mlops API:
    jupyter_mlops on, every other server extension this environment enables off. Naming only
    jupyter_mlops would not do: the server adds the extensions its config.d files enable.
    Their start is ~1.7 s CPU of a test server's ~4 (jupyterlab runs `yarn config` in node,
    jupyter_lsp `npm prefix`); a test that calls only `/mlops/...` and `/api/...` uses none."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    # The installed ones too where a fixture points the config path at a temporary folder.
    paths = [*jupyter_config_path(), str(Path(sys.prefix) / "etc" / "jupyter"), "/etc/jupyter"]
    found = ExtensionConfigManager(read_config_path=paths).get_jpserver_extensions()
    return {**{name: False for name in found}, "jupyter_mlops": True}


def only_mlops_extension_argument() -> str:
    """`only_mlops_extension()` as a server command-line argument."""
    return f"--ServerApp.jpserver_extensions={only_mlops_extension()!r}"
