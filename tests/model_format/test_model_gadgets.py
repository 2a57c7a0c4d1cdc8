"""The gadget corpus (issue 17, item 1): model files made of types a package-wide rule trusted
(a scipy distribution whose `__setstate__` execs its state) or that run code through a
constructor, each planted as one extra attribute of a genuine LogisticRegression. Each is
refused before anything is built, in every loader: `load_model(folder)`, `register_model` +
`load_model("models:/...")`, `jupyter-mlops serve --model-dir` (a real process), and
`POST /mlops/api/models` + `POST endpoints` (a real server and endpoint process). The payload
of each would create a marker file: that it does not exist is the proof. Grow the corpus with
every new finding (tests/support/gadgets.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.model_format import MODEL_FILE, file_sha256, load_model
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.tables import ModelVersionRow
from tests.support.gadgets import (
    GADGETS,
    Gadget,
    add_attribute,
    genuine_model,
    plant,
    runs_when_trusted,
)
from tests.support.ports import free_port
from tests.support.tracking_rest import api_error

pytestmark = pytest.mark.capabilities("serving")

IDS = [gadget.name for gadget in GADGETS]


def _refusal_names(message: str, gadget: Gadget) -> None:
    for name in gadget.types:
        assert name in message, (name, message)


@pytest.mark.parametrize("gadget", GADGETS, ids=IDS)
def test_each_gadget_is_a_real_exploit_when_its_types_are_trusted(tmp_path, gadget):
    marker = tmp_path / "ran"
    folder = plant(tmp_path / "model", gadget.build(marker))
    estimator = runs_when_trusted(folder, gadget)
    assert marker.exists()
    # ...and the model still predicts: nothing would show that it ran.
    assert estimator.predict([[0.1, 0.2, 0.3]]).shape == (1,)


@pytest.mark.parametrize("gadget", GADGETS, ids=IDS)
def test_load_model_of_a_folder_refuses_each_gadget(tmp_path, gadget):
    marker = tmp_path / "ran"
    folder = plant(tmp_path / "model", gadget.build(marker))
    with pytest.raises(MLOpsError) as error:
        load_model(folder)
    assert error.value.code is ErrorCode.FORBIDDEN and error.value.field == "model"
    _refusal_names(error.value.message, gadget)
    # The file's own hash does not make it trusted: a hash pins bytes, not types.
    with pytest.raises(MLOpsError, match="not trusted"):
        load_model(folder, expected_sha256=file_sha256(folder / MODEL_FILE))
    assert not marker.exists()


def _tamper_version(name: str, version: int, node: dict[str, Any]) -> None:
    """What a writer of the store can do: plant the node in a registered version's file and
    record the new file's hash, so that only the allow-list stands in the way."""
    registry = get_registry()
    model_file = Path(mlops.get_model_version(name, version).storage_location) / MODEL_FILE
    model_file.write_bytes(add_attribute(model_file.read_bytes(), "extra_", node))
    with registry.database.session(write=True) as session:
        session.execute(
            update(ModelVersionRow)
            .where(ModelVersionRow.name == name, ModelVersionRow.version == version)
            .values(content_hash=file_sha256(model_file))
        )


@pytest.mark.parametrize("gadget", GADGETS, ids=IDS)
def test_register_model_and_models_uri_refuse_each_gadget(tmp_path, mlops_store, gadget):
    marker = tmp_path / "ran"
    folder = plant(tmp_path / "model", gadget.build(marker))
    with pytest.raises(MLOpsError) as error:
        mlops.register_model(str(folder), "gadget")
    assert error.value.code is ErrorCode.FORBIDDEN and error.value.field == "source"
    _refusal_names(error.value.message, gadget)
    assert mlops.list_models() == []

    estimator, X = genuine_model()
    mlops.register_model(estimator, "gadget", X=X)
    _tamper_version("gadget", 1, gadget.build(marker))
    with pytest.raises(MLOpsError) as error:
        mlops.load_model("models:/gadget/1")
    assert error.value.code is ErrorCode.FORBIDDEN
    _refusal_names(error.value.message, gadget)
    assert not marker.exists()


def _every_gadget(tmp_path: Path) -> tuple[Path, list[Path]]:
    """One genuine model folder holding every gadget of the corpus, and their markers."""
    markers = [tmp_path / f"ran-{gadget.name}" for gadget in GADGETS]
    folder = plant(tmp_path / "model", GADGETS[0].build(markers[0]))
    model_file = folder / MODEL_FILE
    data = model_file.read_bytes()
    for index, (gadget, marker) in enumerate(zip(GADGETS[1:], markers[1:], strict=True)):
        data = add_attribute(data, f"extra_{index}_", gadget.build(marker))
    model_file.write_bytes(data)
    (folder / "endpoint.json").write_text(
        json.dumps({"name": "gadget", "version": 1, "sha256": file_sha256(model_file)})
    )
    return folder, markers


def test_serve_model_dir_refuses_every_gadget_in_a_real_process(tmp_path, mlops_store):
    folder, markers = _every_gadget(tmp_path)
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_mlops.cli",
            "serve",
            "--model-dir",
            str(folder),
            "--port",
            str(free_port()),
            "--no-request-log",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "not trusted" in output, output[-3000:]
    for gadget in GADGETS:
        _refusal_names(output, gadget)
    assert [marker for marker in markers if marker.exists()] == []


async def test_the_server_refuses_every_gadget_at_registration_and_in_the_endpoint(
    jp_fetch, jp_root_dir, mlops_store
):
    markers = []
    for gadget in GADGETS:
        marker = jp_root_dir / f"ran-{gadget.name}"
        markers.append(marker)
        folder = plant(jp_root_dir / f"model-{gadget.name}", gadget.build(marker))
        body = json.dumps({"source": str(folder), "name": "gadget"})
        code, error = await api_error(jp_fetch("mlops", "api", "models", method="POST", body=body))
        assert (code, error["field"]) == (403, "source"), error
        _refusal_names(error["message"], gadget)

    # A writer of the store plants them all in a registered version: the endpoint process
    # refuses to load it.
    folder, more = _every_gadget(jp_root_dir / "all")
    markers += more
    estimator, X = genuine_model()
    mlops.register_model(estimator, "gadget", X=X)
    stored = Path(mlops.get_model_version("gadget", 1).storage_location) / MODEL_FILE
    stored.write_bytes((folder / MODEL_FILE).read_bytes())
    with get_registry().database.session(write=True) as session:
        session.execute(
            update(ModelVersionRow)
            .where(ModelVersionRow.name == "gadget")
            .values(content_hash=file_sha256(stored))
        )
    body = json.dumps({"model": "gadget/1"})
    code, error = await api_error(
        jp_fetch("mlops", "api", "endpoints", method="POST", body=body, request_timeout=300)
    )
    assert code == 503, error
    logs = "".join(path.read_text(errors="replace") for path in mlops_store.rglob("*.log"))
    assert "not trusted" in logs, (error, logs[-3000:])
    for gadget in GADGETS:
        _refusal_names(logs, gadget)
    assert [marker for marker in markers if marker.exists()] == []
