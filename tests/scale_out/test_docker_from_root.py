"""`jupyter-mlops export NAME --docker DIR --from-root` under an S3 artifact root (a real moto
server): the build folder holds no model files, only endpoint.json naming the version's S3
location and pinned hash; the image's entry point (`jupyter-mlops serve --model-dir`, run here
as a process: no Docker daemon on the test machines) downloads it at start with its own
environment's credentials, checks the hash and serves; a changed object is refused at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.core import artifact_store
from tests.scale_out.test_artifacts_s3 import _fit

from ..support.ports import free_port
from ..support.serving import wait_healthy


def _serve(model_dir: Path, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_MLOPS_DB_URL"}
    env["JUPYTER_MLOPS_DATA_DIR"] = str(data_dir)  # like the image's /srv/data: empty
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlops.cli", "serve", "--model-dir", str(model_dir),
         "--port", str(port), "--no-request-log"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_image_context_reads_the_model_from_the_root_at_start(s3_root: str, tmp_path: Path) -> None:
    model, X = _fit()
    version = mlops.register_model(model, "iris-img", X=X)
    assert version.storage_location.startswith(s3_root)
    out = tmp_path / "image"
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", "export", "iris-img/1", "--docker", str(out),
         "--from-root"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "model").iterdir()) == ["endpoint.json"]
    meta = json.loads((out / "model" / "endpoint.json").read_text())
    assert meta["location"] == version.storage_location and meta["sha256"] == version.content_hash

    process, url = _serve(out / "model", tmp_path / "container-data")
    try:
        wait_healthy(url, process)
        rows = X.head(2).to_dict(orient="records")
        answer = httpx.post(f"{url}/invocations", json={"dataframe_records": rows}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["predictions"] == [int(v) for v in model.predict(X.head(2))]
    finally:
        process.terminate()
        process.wait(30)

    # The object changed on S3: a fresh container refuses to start with it.
    artifact_store.write_bytes(
        artifact_store.child(version.storage_location, "model.skops"), b"not the model"
    )
    process, url = _serve(out / "model", tmp_path / "other-container")
    try:
        output, _ = process.communicate(timeout=240)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    assert b"sha256" in output or b"changed" in output or b"FORBIDDEN" in output, output[-2000:]


def test_from_root_needs_a_remote_root(tmp_path: Path) -> None:
    model, X = _fit()
    mlops.register_model(model, "iris-local", X=X)
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", "export", "iris-local/1", "--docker",
         str(tmp_path / "image"), "--from-root"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and "bake it in instead" in done.stderr
