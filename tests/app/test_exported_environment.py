"""The variables a server exports for its children are put back at stop, except those someone
changed since (the server stopped after a test's monkeypatch was undone: CI leaked a deleted S3
bucket and a dropped PostgreSQL database into every later test)."""

from __future__ import annotations

import os

import pytest

from jupyter_mlops.core.exported_environment import ExportedEnvironment

NAME = "JUPYTER_MLOPS_TEST_EXPORTED"


def test_stop_puts_back_what_was_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "before")
    exported = ExportedEnvironment()
    exported.update({NAME: "server", f"{NAME}_NEW": "server"})
    exported.update({NAME: "server-final"})  # exported again once the port is known
    assert os.environ[NAME] == "server-final"
    exported.restore()
    assert os.environ[NAME] == "before" and f"{NAME}_NEW" not in os.environ


def test_a_variable_changed_since_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "the test's")
    exported = ExportedEnvironment()
    exported.update({NAME: "the test's"})  # the server found and kept the test's value
    monkeypatch.undo()  # the test ends before the server stops
    exported.restore()
    assert NAME not in os.environ
    exported = ExportedEnvironment()
    exported.update({NAME: "server"})
    os.environ[NAME] = "someone else's"
    exported.restore()
    assert os.environ.pop(NAME) == "someone else's"


def test_none_removes_and_restore_brings_back() -> None:
    os.environ[NAME] = "before"
    exported = ExportedEnvironment()
    exported.update({NAME: None})
    assert NAME not in os.environ
    exported.restore()
    assert os.environ.pop(NAME) == "before"
