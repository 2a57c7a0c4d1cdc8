"""A folder shared by the test processes of one run: what one xdist worker builds there, the
others read instead of building it again. The controller makes it before it starts the workers
(they inherit `$MLOPS_TEST_RUN_FOLDER`) and removes it at its end."""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

RUN_FOLDER_ENV = "MLOPS_TEST_RUN_FOLDER"


def make_run_folder(config: pytest.Config) -> None:
    """In the controlling pytest process (not in a worker): make the folder, removed at exit."""
    if hasattr(config, "workerinput"):
        return
    folder = tempfile.mkdtemp(prefix="jupyter-mlops-tests-")
    os.environ[RUN_FOLDER_ENV] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def shared_text(name: str, build: Callable[[], str]) -> str:
    """The text `name` of this run, which `build()` returns (see `shared_file`)."""
    return shared_file(name, lambda path: path.write_text(build())).read_text()


def shared_file(name: str, build: Callable[[Path], object]) -> Path:
    """The file `name` of this run, which `build(path)` writes: by the first process that asks
    (the others wait for it); in a folder of this process's when there is no run folder."""
    folder = os.environ.get(RUN_FOLDER_ENV)
    if not folder or not Path(folder).is_dir():
        folder = os.environ[RUN_FOLDER_ENV] = tempfile.mkdtemp(prefix="jupyter-mlops-tests-")
        atexit.register(shutil.rmtree, folder, True)
    shared = Path(folder) / name
    with open(f"{shared}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not shared.exists():  # built aside and renamed: a failed build leaves no file
            part = shared.with_name(f"{name}.part")
            part.unlink(missing_ok=True)
            build(part)
            part.rename(shared)
        return shared
