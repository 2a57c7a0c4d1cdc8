"""Redirects MLflow's own REST test files to jupyter-mlops' facade (<lab>/mlops/mlflow).

`run.sh` copies this file as `conftest.py` beside MLflow's `tests/` tree (never into this
repository's suite). MLflow's `ServerThread(app, port)` (its in-process server) is replaced by
a fresh `jupyter server` with the jupyter_mlops extension, so each test gets an empty store as
MLflow's fixtures give it; a spare server starts in the background so the next test need not
wait. `MLFLOW_FACADE_SHARED=1` uses one server for the session instead (fast, but tests then
see each other's experiments and models). The `file` store variant is deselected: both
variants reach the same facade. Raw `requests` calls to the server (MLflow's tests make some
without credentials) get the server's token, as MLflow's client gets MLFLOW_TRACKING_TOKEN.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
from mlops_support.mlflow_lab import MLOpsServer

_spare: dict[str, Any] = {"server": None, "thread": None}


def _start() -> MLOpsServer:
    home = Path(tempfile.mkdtemp(prefix="mlflow-facade-"))
    return MLOpsServer(home).start(timeout=300)


def _warm() -> None:
    def run() -> None:
        _spare["server"] = _start()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    _spare["thread"] = thread


def _take() -> MLOpsServer:
    if os.environ.get("MLFLOW_FACADE_SHARED") == "1":
        if _spare["server"] is None:
            _spare["server"] = _start()
        return _spare["server"]  # type: ignore[no-any-return]
    if _spare["thread"] is None:
        _warm()
    _spare["thread"].join()
    server: MLOpsServer = _spare["server"]
    _warm()
    return server


# The server whose token raw `requests` calls to it carry (MLflow's tests call some routes with
# `requests.get/post` and no credentials, as MLflow's server needs none; the facade is behind
# Jupyter's authentication, so they would only see 403).
_current: dict[str, Any] = {"url": None, "token": None}
_original_request = requests.sessions.Session.request


def _authenticated_request(self: Any, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
    """`requests`' Session.request, adding the facade's token to a request for its URL that
    carries no Authorization header (as MLFLOW_TRACKING_TOKEN does for MLflow's client)."""
    base = _current["url"]
    if base is not None and isinstance(url, str) and url.startswith(base):
        headers = dict(kwargs.get("headers") or {})
        if not any(key.lower() == "authorization" for key in headers):
            headers["Authorization"] = f"Bearer {_current['token']}"
            kwargs["headers"] = headers
    return _original_request(self, method, url, *args, **kwargs)


requests.sessions.Session.request = _authenticated_request  # type: ignore[method-assign]


@contextlib.contextmanager
def FacadeServerThread(app: Any = None, port: Any = None) -> Iterator[str]:
    """MLflow's `ServerThread`, answering with a jupyter-mlops server's tracking URI."""
    server = _take()
    old = os.environ.get("MLFLOW_TRACKING_TOKEN")
    os.environ["MLFLOW_TRACKING_TOKEN"] = server.token
    _current.update(url=server.url, token=server.token)
    try:
        yield server.tracking_uri
    finally:
        _current.update(url=None, token=None)
        if old is None:
            os.environ.pop("MLFLOW_TRACKING_TOKEN", None)
        else:
            os.environ["MLFLOW_TRACKING_TOKEN"] = old
        if os.environ.get("MLFLOW_FACADE_SHARED") != "1":
            server.stop()


import tests.tracking.integration_test_utils as _itu  # noqa: E402

_itu.ServerThread = FacadeServerThread


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Deselect the `file` store variants (the same facade answers both)."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        is_file = params.get("store_type") == "file" or params.get("client") == "file"
        (drop if is_file or "[file" in item.nodeid else keep).append(item)
    items[:] = keep
    config.hook.pytest_deselected(items=drop)


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Stop the spare server."""
    if _spare["thread"] is not None:
        _spare["thread"].join()
    if _spare["server"] is not None:
        _spare["server"].stop()


# A fork's tests/conftest.py (workspaces) calls workspace_context.clear_workspace, which the
# released client does not have.
import mlflow.utils.workspace_context as _wc  # noqa: E402

if not hasattr(_wc, "clear_workspace"):
    _wc.clear_workspace = lambda: None
