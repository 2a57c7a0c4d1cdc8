"""The test processes' port blocks (tests/support/ports.py): no two xdist workers are handed the
same port, a port in use is passed over, and a session-long span is never handed out again."""

from __future__ import annotations

import importlib.util
import socket
from types import ModuleType

import pytest

from tests.support import ports


def _ports_of(worker: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh copy of the ports module as worker `worker` would have it."""
    monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
    spec = importlib.util.spec_from_file_location(f"ports_{worker}", ports.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_workers_are_handed_ports_apart_below_the_ephemeral_range(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed = {}
    for worker in ("gw0", "gw1", "gw2"):
        module = _ports_of(worker, monkeypatch)
        handed[worker] = {module.free_port() for _ in range(40)}
        assert len(handed[worker]) == 40
        assert max(handed[worker]) < module._ephemeral_start()
    assert not handed["gw0"] & handed["gw1"]
    assert not handed["gw1"] & handed["gw2"]
    assert not handed["gw0"] & handed["gw2"]


def test_a_port_in_use_is_passed_over_and_a_kept_span_never_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _ports_of("gw3", monkeypatch)
    kept = module.free_port(span=100, keep=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", module._next))
        assert module.free_port() != taken.getsockname()[1]
    # Twice round the whole block: every port comes back but the kept span's.
    rounds = 2 * module._BLOCK // module._STEP
    handed = {module.free_port() for _ in range(rounds)}
    assert not handed & set(range(kept, kept + 100))
    assert len(handed) > module._BLOCK // module._STEP - 25
