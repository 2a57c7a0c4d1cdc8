"""`jupyter-mlops migrate-artifacts --to s3://...` against a real moto server: a dry run changes
nothing; a migration killed with SIGKILL in the middle loses nothing (rows still point at the
complete local files) and a second invocation finishes it, skipping what was already copied."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyter_mlops.core import artifact_store

from ..support.s3 import MotoServer

# Enough that the kill (as soon as 20 are on S3) lands mid-way with a wide margin; each file
# copied costs a PUT to moto, and copying 800 made most of this test's minute.
FILES = 150


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "jupyter_mlops.cli", "migrate-artifacts", *args]


@pytest.mark.timeout(600)
@pytest.mark.slow
def test_migration_survives_a_kill_and_resumes(
    s3_server: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import jupyter_mlops as mlops
    from jupyter_mlops.tracking.process_client import get_client
    from tests.scale_out.test_artifacts_s3 import _fit

    model, X = _fit()
    with mlops.start_run(experiment="to-move") as run:
        for i in range(FILES):
            mlops.log_text(f"row {i}\n" * 20, f"many/{i:04d}.txt")
        mlops.log_model(model, "model", input_example=X.head(5))
    mlops.register_model(f"runs:/{run.run_id}/model", "moved")
    store = get_client().store
    local_uri = store.get_run(run.run_id).artifact_uri
    local_files = sorted(artifact_store.walk_files(local_uri))
    assert len(local_files) > FILES  # the files and the model folder's
    env = {**os.environ, **s3_server.environment()}
    for name, value in s3_server.environment().items():
        monkeypatch.setenv(name, value)
    to = f"s3://{s3_server.create_bucket()}/team"

    dry = subprocess.run(_cli("--to", to, "--dry-run"), env=env, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "would move 1 runs" in dry.stdout and "1 versions" in dry.stdout
    assert list(artifact_store.walk_files(to)) == []

    process = subprocess.Popen(_cli("--to", to), env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(artifact_store.walk_files(to))) >= 20:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL, "the migration ended before it could be killed"
    copied_before = len(list(artifact_store.walk_files(to)))
    assert 0 < copied_before < len(local_files)
    # Nothing lost: the run still points at its complete local folder.
    assert store.get_run(run.run_id).artifact_uri == local_uri
    assert sorted(artifact_store.walk_files(local_uri)) == local_files

    again = subprocess.run(_cli("--to", to), env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "already there" in again.stdout and " 0 already there" not in again.stdout
    moved_uri = store.get_run(run.run_id).artifact_uri
    assert moved_uri == f"{to}/{store.get_run(run.run_id).experiment_id}/{run.run_id}"
    assert sorted(artifact_store.walk_files(moved_uri)) == local_files
    from jupyter_mlops.serving.api import get_registry
    from jupyter_mlops.serving.model_uri import ModelRef

    registry = get_registry()
    entry = registry.get_version(ModelRef("moved", version=1))
    assert entry.storage_location.startswith(f"{to}/registry/moved/v1")
    estimator, _info = registry.load(entry)
    assert list(estimator.predict(X.head(3))) == list(model.predict(X.head(3)))
    assert store.list_artifacts(run.run_id, "many")[0].path == "many/0000.txt"
    third = subprocess.run(_cli("--to", to), env=env, capture_output=True, text=True)
    assert "moved 0 runs, 0 experiments, 0 versions" in third.stdout
