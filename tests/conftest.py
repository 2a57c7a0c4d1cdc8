"""Fixtures shared by the whole suite: an isolated store per test and a Jupyter server with the
extension. Browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlops.core.store import reset_database

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture(autouse=True)
def mlops_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir and SQLite store; returns the data dir."""
    data_dir = tmp_path / "mlops-data"
    monkeypatch.setenv("JUPYTER_MLOPS_DATA_DIR", str(data_dir))
    monkeypatch.delenv("JUPYTER_MLOPS_DB_URL", raising=False)
    reset_database()
    yield data_dir
    reset_database()


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    """pytest-jupyter's server, with the jupyter_mlops extension enabled."""
    return {"ServerApp": {"jpserver_extensions": {"jupyter_mlops": True}}}


@pytest.fixture
def mlops_app(jp_serverapp: Any) -> Any:
    """The running `MLOpsApp` inside pytest-jupyter's server."""
    apps = jp_serverapp.extension_manager.extension_apps["jupyter_mlops"]
    return next(iter(apps))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Expose each phase's report on the item, so fixtures can react to a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
