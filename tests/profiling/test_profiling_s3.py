"""Profiles' files under an S3 artifact root (moto's standalone server, SQLite store).

Saved profiles are JSON documents in the store; what profiling puts in files goes through the
artifact store: the training profile `log_model(..., X=...)` writes into the model's folder
(read back from S3 when the version is registered without `X`), and the HTML report written
to a URL (`profile_report(p, "s3://...")`, `%mlops profile --html s3://...`)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from jupyter_mlops.core import artifact_store


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [float(i) for i in range(200)], "b": [i % 3 for i in range(200)]})


@pytest.mark.timeout(300)
def test_the_training_profile_lives_and_is_read_under_the_s3_root(
    s3_root: str, mlops_store: Path
) -> None:
    from sklearn.linear_model import LogisticRegression

    import jupyter_mlops as mlops
    from jupyter_mlops.profiling import load_profile
    from jupyter_mlops.tracking.process_client import get_client

    X = _frame()
    with mlops.start_run(experiment="profiles-s3") as run:
        mlops.log_model(LogisticRegression().fit(X, X["b"]), "model", X=X)
    artifact_uri = get_client().store.get_run(run.run_id).artifact_uri
    assert artifact_uri.startswith(s3_root + "/")
    keys = list(artifact_store.walk_files(f"{artifact_uri}/model"))
    assert "training_profile.json" in keys
    assert not list(mlops_store.rglob("training_profile.json"))  # nothing on the Lab's disk

    # Registered without X: the baseline is the file read back from S3.
    version = mlops.register_model(f"runs:/{run.run_id}/model", "profiled")
    assert version.training_profile
    baseline = load_profile(version.training_profile)
    assert baseline.n_rows == 200 and list(baseline.columns) == ["a", "b"]


def test_a_report_written_to_an_s3_url_is_an_object_there(
    s3_root: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_mlops.profiling import profile
    from jupyter_mlops.profiling.report import profile_report

    cwd = tmp_path / "cwd"  # the test's data dir is in tmp_path too
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # before: a local folder named "s3:" appeared here
    target = f"{s3_root}/reports/data.html"
    html = profile_report(profile(_frame()), target)
    assert artifact_store.read_bytes(target) == html.encode("utf-8")
    assert os.listdir(cwd) == []
