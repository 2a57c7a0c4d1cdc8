"""The acting user is looked up in the OS once per process, not on every run: starting runs
with no `$JUPYTER_MLOPS_USER` asks `getpass` once, and each run still records that user."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import pytest

import jupyter_mlops as mlops
from jupyter_mlops.core.team import identity


def test_runs_look_the_os_user_up_once_per_process(
    mlops_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in (identity.USER_ENV, "JUPYTERHUB_USER"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(identity, "_os_user", None)
    real = getpass.getuser
    calls: list[int] = []

    def counted() -> str:
        calls.append(1)
        return real()

    monkeypatch.setattr(getpass, "getuser", counted)
    runs = []
    for i in range(3):
        with mlops.start_run(name=f"r{i}", params={"i": i}) as run:
            runs.append(run.run_id)
    assert len(calls) == 1
    users = {mlops.get_run(run_id).user for run_id in runs}
    assert users == {real()}


def test_an_environment_user_still_wins_after_the_lookup(
    mlops_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in (identity.USER_ENV, "JUPYTERHUB_USER"):
        monkeypatch.delenv(key, raising=False)
    assert identity.process_user() == getpass.getuser()
    monkeypatch.setenv(identity.USER_ENV, "someone-else")
    assert identity.process_user() == "someone-else"
    monkeypatch.setattr(identity, "_os_user", (os.getpid() + 1, "a parent's"))
    monkeypatch.delenv(identity.USER_ENV)
    assert identity.process_user() == getpass.getuser()  # a forked child looks again
