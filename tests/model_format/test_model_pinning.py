"""`MLmodel.json` (classes, signature, flavor) is under the recorded hash with the model file
(issue 17, item 1): editing `classes` after logging or registration makes every loader refuse
(an endpoint used to answer `EDITED-0/1`), and a version recorded before, with the model
file's own hash, still loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.model_format import INFO_FILE, MODEL_FILE, file_sha256, load_model
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.tables import ModelVersionRow
from jupyter_mlops.tracking.model_files import load_logged_model
from jupyter_mlops.tracking.process_client import get_client
from tests.support.gadgets import genuine_model
from tests.support.ports import free_port


def _edit_classes(folder: Path) -> None:
    info = json.loads((folder / INFO_FILE).read_text())
    info["classes"] = ["EDITED-0", "EDITED-1"]
    (folder / INFO_FILE).write_text(json.dumps(info))


def test_classes_edited_after_log_model_are_refused(mlops_store):
    estimator, X = genuine_model()
    with mlops.start_run() as run:
        mlops.log_model(estimator, "clf", X=X)
    folder = Path(get_client().store.get_run(run.run_id).artifact_uri) / "clf"
    _edit_classes(folder)
    with pytest.raises(MLOpsError, match="changed since it was logged") as error:
        load_logged_model(run.run_id, "clf")
    assert error.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(MLOpsError, match="changed since it was logged") as error:
        mlops.register_model(f"runs:/{run.run_id}/clf", "edited")
    assert (error.value.code, error.value.field) == (ErrorCode.FORBIDDEN, "source")


def test_classes_edited_after_registration_are_refused_by_every_loader(mlops_store):
    estimator, X = genuine_model()
    version = mlops.register_model(estimator, "pinned", X=X)
    folder = Path(version.storage_location)
    assert mlops.load_model("models:/pinned/1").predict(X[:2]).shape == (2,)
    _edit_classes(folder)
    with pytest.raises(MLOpsError, match="changed since it was logged") as error:
        mlops.load_model("models:/pinned/1")
    assert error.value.code is ErrorCode.FORBIDDEN
    with pytest.raises(MLOpsError, match="changed since it was logged"):
        load_model(folder, expected_sha256=version.content_hash)

    # The endpoint process (a real one) refuses to start on it rather than answer EDITED-0/1.
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_mlops.cli",
            "serve",
            "pinned/1",
            "--port",
            str(free_port()),
            "--no-request-log",
            "--no-auth",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode != 0
    assert "changed since it was logged" in done.stdout + done.stderr


def test_a_version_recorded_with_the_model_file_hash_alone_still_loads(mlops_store):
    # Versions registered before MLmodel.json was pinned recorded sha256(model.skops).
    estimator, X = genuine_model()
    version = mlops.register_model(estimator, "legacy", X=X)
    model_file = Path(version.storage_location) / MODEL_FILE
    with get_registry().database.session(write=True) as session:
        session.execute(
            update(ModelVersionRow)
            .where(ModelVersionRow.name == "legacy")
            .values(content_hash=file_sha256(model_file))
        )
    loaded = mlops.load_model("models:/legacy/1")
    assert (loaded.predict(X) == estimator.predict(X)).all()
    # ...and such a record still pins the model file itself.
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    with pytest.raises(MLOpsError, match="changed since it was logged"):
        mlops.load_model("models:/legacy/1")
