"""One service resolver (core/services.py): the class `MLOpsApp.tracking_store_class` names is
the one the REST routes use AND the one a kernel the server starts builds."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import start_new_kernel

from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.services import service_class
from jupyter_mlops.tracking.base_store import TRACKING_STORE
from jupyter_mlops.tracking.capability import TRACKING
from jupyter_mlops.tracking.store import TrackingStore

from ..support.custom_store import MarkingStore
from ..support.tracking_rest import get_json

REPO = Path(__file__).resolve().parents[2]
CUSTOM = "tests.support.custom_store.MarkingStore"


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_mlops": True}},
        "MLOpsApp": {"tracking_store_class": CUSTOM},
    }


def _run_in_kernel(code: str, env: dict[str, str]) -> str:
    manager, client = start_new_kernel(kernel_name="python3", env=env, cwd=str(REPO))
    try:
        output: list[str] = []

        def collect(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream":
                output.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                output.append("\n".join(message["content"]["traceback"]))

        client.execute_interactive(code, timeout=120, output_hook=collect)
        return "".join(output)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


async def test_configured_store_serves_rest_and_kernels(mlops_app, jp_fetch, monkeypatch):
    store = mlops_app.services.get(TRACKING)
    assert type(store) is MarkingStore
    assert os.environ[TRACKING_STORE.env] == CUSTOM
    run = store.create_run(store.get_or_create_experiment("svc").experiment_id, "rest")
    detail = await get_json(jp_fetch, "runs", run.run_id)
    assert detail["experiment_name"] == "svc (marking)"
    assert detail["tags"]["store"] == "marking"

    # A kernel started with the server's environment builds the same class.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    code = textwrap.dedent(
        """
        import jupyter_mlops as mlops
        from jupyter_mlops.tracking.process_client import get_client
        run = mlops.start_run("svc", name="kernel")
        mlops.end_run()
        print(type(get_client().store).__name__, mlops.get_run(run.run_id).tags.get("store"))
        """
    )
    assert _run_in_kernel(code, env).split() == ["MarkingStore", "marking"]
    kernel_runs = await get_json(jp_fetch, "runs", filter="attributes.run_name = 'kernel'")
    assert kernel_runs["runs"][0]["tags"]["store"] == "marking"


async def test_stopping_the_server_gives_the_environment_back(jp_serverapp, mlops_app):
    assert os.environ[TRACKING_STORE.env] == CUSTOM
    await mlops_app.stop_extension()
    assert TRACKING_STORE.env not in os.environ


def test_resolution_order_and_errors(monkeypatch):
    monkeypatch.delenv(TRACKING_STORE.env, raising=False)
    assert service_class(TRACKING_STORE) is TrackingStore
    monkeypatch.setenv(TRACKING_STORE.env, CUSTOM)
    assert service_class(TRACKING_STORE) is MarkingStore
    assert service_class(TRACKING_STORE, TrackingStore) is TrackingStore  # the traitlet wins
    with pytest.raises(MLOpsError, match=r"not a subclass of .*BaseTrackingStore") as info:
        service_class(TRACKING_STORE, "tests.support.custom_store.NotAStore")
    assert info.value.field == "MLOpsApp.tracking_store_class"
    monkeypatch.setenv(TRACKING_STORE.env, "tests.support.custom_store.Missing")
    with pytest.raises(MLOpsError, match="cannot import") as info:
        service_class(TRACKING_STORE)
    assert info.value.field == f"${TRACKING_STORE.env}"
