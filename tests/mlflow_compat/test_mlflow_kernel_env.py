"""Kernels the server starts find MLflow pointed at the Lab: the server sets
`MLFLOW_TRACKING_URI` / `MLFLOW_TRACKING_TOKEN` unless the user set their own, and puts back
what was there when it stops."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

URI, TOKEN = "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN"


@pytest.fixture(autouse=True)
def no_mlflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start without MLflow settings; whatever the server sets is undone after the test."""
    for name in (URI, TOKEN):
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)


async def test_the_server_points_its_kernels_mlflow_at_itself(
    jp_serverapp: Any, jp_http_port: int, mlops_app: Any
) -> None:
    base = f"http://{jp_serverapp.ip}:{jp_http_port}{jp_serverapp.base_url}"
    assert os.environ[URI] == f"{base}mlops/mlflow"
    assert os.environ[TOKEN] == jp_serverapp.identity_provider.token
    await mlops_app.stop_extension()
    assert URI not in os.environ and TOKEN not in os.environ


async def test_a_users_own_tracking_uri_is_left_alone(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URI, "sqlite:////tmp/users-own-mlflow.db")
    monkeypatch.setenv(TOKEN, "users-token")
    mlops_app = request.getfixturevalue("mlops_app")
    assert os.environ[URI] == "sqlite:////tmp/users-own-mlflow.db"
    assert os.environ[TOKEN] == "users-token"
    await mlops_app.stop_extension()
    assert os.environ[URI] == "sqlite:////tmp/users-own-mlflow.db"


def test_import_mlflow_in_a_kernel_of_the_server_logs_to_the_lab(tmp_path: Any) -> None:
    pytest.importorskip("mlflow")
    from jupyter_client.blocking.client import BlockingKernelClient

    from jupyter_mlops.core.db import Database
    from jupyter_mlops.tracking.store import TrackingStore

    from ..support.mlflow_lab import MLOpsServer

    server = MLOpsServer(tmp_path / "server").start()
    try:
        status, body = server.request("POST", "api/kernels", token=server.token, data=b"{}")
        assert status == 201, body
        kernel_id = json.loads(body)["id"]
        client = BlockingKernelClient(
            connection_file=str(server.runtime_dir / f"kernel-{kernel_id}.json")
        )
        client.load_connection_file()
        client.start_channels(hb=False)  # no heartbeat: it reads "dead" before its first beat
        client.wait_for_ready(timeout=60)
        code = (
            "import mlflow\n"
            "mlflow.set_experiment('from-kernel')\n"
            "with mlflow.start_run(run_name='kernel-run'):\n"
            "    mlflow.log_metric('m', 0.5)\n"
            "print('logged', mlflow.get_tracking_uri())\n"
        )
        printed: list[str] = []
        reply = client.execute_interactive(
            code,
            timeout=120,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
        )
        client.stop_channels()
        assert reply["content"]["status"] == "ok", reply["content"]
        assert f"logged {server.tracking_uri}" in "".join(printed)
        database = Database(f"sqlite:///{server.data_dir / 'mlops.db'}")
        try:
            store = TrackingStore(database, server.data_dir)
            experiment = store.get_experiment_by_name("from-kernel")
            assert experiment is not None
            runs = store.search_runs([experiment.experiment_id]).runs
            assert [(r.name, dict(r.metrics)) for r in runs] == [("kernel-run", {"m": 0.5})]
        finally:
            database.close()
    finally:
        server.stop()
