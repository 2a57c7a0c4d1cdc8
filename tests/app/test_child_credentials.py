"""Children get only the credentials they need (issue 17, item 1): a task process keeps the
server link's token (a monitor's task starts retraining runs through the server) but never the
MLflow token nor the Hub token beside the server's own; a notebook sent to a Dask worker
carries none."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_mlops.core.server_link import (
    HUB_TOKEN_ENV,
    MLFLOW_TOKEN_ENV,
    SERVER_TOKEN_ENV,
    SERVER_URL_ENV,
    without_credentials,
)
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.tasks import register_task_kind
from jupyter_mlops.jobs.runner import JobRunner

NAMES = [SERVER_URL_ENV, SERVER_TOKEN_ENV, HUB_TOKEN_ENV, MLFLOW_TOKEN_ENV]


def _task_sees(mlops_store: Path) -> dict[str, bool]:
    register_task_kind("tests.env", "tests.support.env_task:report")
    runner = JobRunner(
        get_database(), output_root=mlops_store / "runs", root_dir=Path(__file__).parents[2]
    )
    try:
        run_id = runner.submit("tests.env", {"names": NAMES}, title="env")
        runner.wait(run_id, 120)
    finally:
        runner.close()
    state = runner.get(run_id)
    assert state.status == "succeeded", state
    result: dict[str, bool] = state.result
    return result


def test_a_task_process_gets_the_server_link_but_not_the_mlflow_or_hub_token(
    mlops_store, monkeypatch: pytest.MonkeyPatch
):
    for name in NAMES:
        monkeypatch.setenv(name, f"secret-{name}")
    assert _task_sees(mlops_store) == {
        SERVER_URL_ENV: True,
        SERVER_TOKEN_ENV: True,
        HUB_TOKEN_ENV: False,
        MLFLOW_TOKEN_ENV: False,
    }


def test_under_a_hub_without_a_server_token_the_task_keeps_the_hub_token(
    mlops_store, monkeypatch: pytest.MonkeyPatch
):
    # ServerLink falls back to the Hub's token when the server has none of its own.
    monkeypatch.setenv(SERVER_URL_ENV, "http://127.0.0.1:1/")
    monkeypatch.delenv(SERVER_TOKEN_ENV, raising=False)
    monkeypatch.setenv(HUB_TOKEN_ENV, "hub")
    monkeypatch.setenv(MLFLOW_TOKEN_ENV, "mlflow")
    seen = _task_sees(mlops_store)
    assert seen[HUB_TOKEN_ENV] and not seen[MLFLOW_TOKEN_ENV] and not seen[SERVER_TOKEN_ENV]


def test_a_notebook_for_a_dask_worker_carries_no_credential():
    env = {name: "secret" for name in NAMES} | {"PATH": "/bin"}
    assert without_credentials(env) == {SERVER_URL_ENV: "secret", "PATH": "/bin"}
