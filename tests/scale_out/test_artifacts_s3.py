"""Artifacts on object storage: a real S3-compatible server (moto's standalone server, started by
the session on a loopback port) as the artifact root, on SQLite and on PostgreSQL stores.

Covers: the root from the environment, run artifacts written, listed and downloaded (as an
attachment, same headers as a local file), escapes refused, log_model -> register -> load with
the hash checked after the download, and an endpoint process on another data folder (nothing of
the Lab's disk) serving the version straight from S3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from jupyter_mlops.core import artifact_store
from jupyter_mlops.core.errors import ErrorCode, MLOpsError

from ..support.ports import free_port
from ..support.s3 import MotoServer
from ..support.serving import wait_healthy

pytestmark = pytest.mark.capabilities("tracking")


def _fit() -> tuple[Any, Any]:
    import pandas as pd
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    data = load_iris(as_frame=True)
    X = data.data.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    model = LogisticRegression(max_iter=300).fit(X, data.target)
    return model, pd.DataFrame(X)


def _s3_keys(prefix: str) -> list[str]:
    return list(artifact_store.walk_files(prefix))


@pytest.mark.timeout(300)
def test_run_artifacts_live_under_the_s3_root(db_url: str, s3_root: str, tmp_path: Path) -> None:
    """A run's artifact_uri is under the S3 root; files written, copied in and listed there; a
    path leaving the run is refused before any request."""
    import jupyter_mlops as mlops

    source = tmp_path / "inputs"
    (source / "deep").mkdir(parents=True)
    (source / "deep" / "data.csv").write_text("a,b\n1,2\n")
    with mlops.start_run(experiment="s3") as run:
        mlops.log_text("hello", "notes/summary.md")
        mlops.log_artifact(source)
        run_id = run.run_id
    from jupyter_mlops.tracking.process_client import get_client

    store = get_client().store
    uri = store.get_run(run_id).artifact_uri
    assert uri.startswith(s3_root + "/") and uri.endswith(run_id)
    assert sorted(_s3_keys(uri)) == ["inputs/deep/data.csv", "notes/summary.md"]
    top = store.list_artifacts(run_id)
    assert [(f.path, f.is_dir) for f in top] == [("inputs", True), ("notes", True)]
    assert [(f.path, f.file_size) for f in store.list_artifacts(run_id, "notes")] == [
        ("notes/summary.md", 5)
    ]
    assert artifact_store.read_bytes(store.artifact_location(run_id, "inputs/deep/data.csv")) == (
        b"a,b\n1,2\n"
    )
    for bad in ("../other/x", "%2e%2e/x", "notes/%252e%252e/%252e%252e/x", "/etc/passwd"):
        with pytest.raises(MLOpsError) as refused:
            store.write_artifact(run_id, bad, b"x")
        assert refused.value.code is ErrorCode.FORBIDDEN and refused.value.field == "path"
    assert sorted(_s3_keys(uri)) == ["inputs/deep/data.csv", "notes/summary.md"]


@pytest.mark.timeout(300)
async def test_s3_artifact_is_downloaded_as_an_attachment(
    s3_root: str, jp_fetch: Any, mlops_app: Any
) -> None:
    """The REST download streams an S3 object with the same attachment headers as a local
    file; the listing names the S3 root."""
    import jupyter_mlops as mlops

    with mlops.start_run(experiment="s3-rest") as run:
        mlops.log_text("<script>alert(1)</script>", "page.html")
    listing = await jp_fetch("mlops", "api", "runs", run.run_id, "artifacts")
    body = json.loads(listing.body)
    assert body["root_uri"].startswith(s3_root)
    assert [f["path"] for f in body["files"]] == ["page.html"]
    answer = await jp_fetch("mlops", "api", "runs", run.run_id, "artifacts", "page.html")
    assert answer.body == b"<script>alert(1)</script>"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]


@pytest.mark.timeout(600)
def test_log_register_deploy_from_s3(
    db_url: str, s3_root: str, s3_server: MotoServer, tmp_path: Path
) -> None:
    """log_model writes to S3; the registered version's files are on S3 only; loading checks
    the hash after the download (a changed object is refused); an endpoint process with its own
    empty data folder serves the version from S3."""
    import jupyter_mlops as mlops
    from jupyter_mlops.serving.api import get_registry
    from jupyter_mlops.serving.model_uri import ModelRef
    from jupyter_mlops.tracking.logging_artifacts import load_model as load_logged

    model, X = _fit()
    with mlops.start_run(experiment="s3-models") as run:
        mlops.log_model(model, "model", input_example=X.head(5))
    loaded = load_logged(run.run_id)
    assert list(loaded.predict(X.head(3))) == list(model.predict(X.head(3)))
    version = mlops.register_model(f"runs:/{run.run_id}/model", "iris-s3")
    assert version.storage_location.startswith(s3_root + "/registry/iris-s3/v1")
    assert "model.skops" in _s3_keys(version.storage_location)
    data_dir = Path(os.environ["JUPYTER_MLOPS_DATA_DIR"])
    assert not (data_dir / "serving" / "models" / "iris-s3" / "v1").exists()
    registry = get_registry()
    estimator, _info = registry.load(registry.get_version(ModelRef("iris-s3", version=1)))
    assert list(estimator.predict(X.head(3))) == list(model.predict(X.head(3)))

    # An endpoint elsewhere: another data folder (no cache, no model files), same store and root.
    elsewhere = tmp_path / "elsewhere"
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(elsewhere), "JUPYTER_MLOPS_DB_URL": db_url}
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlops.cli", "serve", "iris-s3/1", "--port", str(port),
         "--no-request-log"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        rows = X.head(2).to_dict(orient="records")
        answer = httpx.post(f"{url}/invocations", json={"dataframe_records": rows}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["predictions"] == [int(v) for v in model.predict(X.head(2))]
    finally:
        process.terminate()
        process.wait(30)
    assert not (elsewhere / "serving" / "models").exists()

    # A model file changed on S3 after registration: a fresh download is refused before load.
    artifact_store.write_bytes(
        artifact_store.child(version.storage_location, "model.skops"), b"not the model"
    )
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(tmp_path / "third")
    try:
        with pytest.raises(MLOpsError) as refused:
            registry.load(registry.get_version(ModelRef("iris-s3", version=1)))
        assert refused.value.code is ErrorCode.FORBIDDEN
    finally:
        os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(data_dir)
