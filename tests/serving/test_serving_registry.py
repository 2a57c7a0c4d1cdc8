"""The model registry: versions from estimators, runs and folders; aliases; models:/ URIs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.model_format import INFO_FILE, MODEL_FILE, pinned_sha256, save_model
from jupyter_mlops.serving.api import get_registry

pytestmark = pytest.mark.usefixtures("db_url")  # each test on SQLite and on PostgreSQL


@pytest.fixture
def data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X["a"] + X["b"] > 0).astype(int).to_numpy()
    return X, y


def test_register_estimator_numbers_versions_and_records_lineage(data):
    X, y = data
    model = LogisticRegression().fit(X, y)
    first = mlops.register_model(model, "churn", X=X, description="first")
    second = mlops.register_model(model, "churn", X=X)
    assert (first.version, second.version) == (1, 2)
    assert first.description == "first"
    assert first.training_profile == "model:churn/v1:training"
    baseline = mlops.load_profile(first.training_profile)
    assert baseline.n_rows == 200 and set(baseline.columns) == {"a", "b"}
    assert [c["name"] for c in first.input_schema["columns"]] == ["a", "b"]
    assert len(first.content_hash) == 64
    assert [v.version for v in mlops.list_model_versions("churn")] == [2, 1]


def test_register_from_run_keeps_run_and_training_profile(data):
    X, y = data
    with mlops.start_run() as run:
        mlops.log_model(LogisticRegression().fit(X, y), "clf", X=X)
    version = mlops.register_model(f"runs:/{run.run_id}/clf", "from-run")
    assert version.run_id == run.run_id
    assert version.source == f"runs:/{run.run_id}/clf"
    assert version.training_profile == "model:from-run/v1:training"
    assert mlops.load_profile(version.training_profile).n_rows == 200


def test_a_model_file_swapped_after_log_model_is_not_registered(data):
    import skops.io

    X, y = data
    with mlops.start_run() as run:
        mlops.log_model(LogisticRegression().fit(X, y), "clf", X=X)
    folder = Path(mlops.get_run(run.run_id).artifact_uri) / "clf"
    # Another valid model file of the allowed types: only the recorded hash tells them apart.
    skops.io.dump(LogisticRegression(C=0.01).fit(X, 1 - y), folder / MODEL_FILE)
    with pytest.raises(MLOpsError) as error:
        mlops.register_model(f"runs:/{run.run_id}/clf", "swapped")
    assert (error.value.code, error.value.field) == (ErrorCode.FORBIDDEN, "source")
    assert "changed since it was logged" in error.value.message
    with pytest.raises(MLOpsError):  # nothing was registered
        mlops.get_model_version("swapped")
    assert not (get_registry().models_root / "swapped" / "v1").exists()


def test_a_run_folder_not_written_by_log_model_is_not_registered(data, tmp_path):
    X, y = data
    source = tmp_path / "clf"
    save_model(source, LogisticRegression().fit(X, y), X)
    with mlops.start_run() as run:
        mlops.log_artifact(str(source))
    with pytest.raises(MLOpsError) as error:
        mlops.register_model(f"runs:/{run.run_id}/clf", "copied-in")
    assert (error.value.code, error.value.field) == (ErrorCode.FORBIDDEN, "source")
    assert "no recorded hash" in error.value.message


def test_the_model_file_named_in_mlmodel_json_is_not_followed(data, tmp_path):
    X, y = data
    folder = tmp_path / "m"
    save_model(folder, LogisticRegression().fit(X, y), X)
    info = json.loads((folder / INFO_FILE).read_text())
    info["model_file"] = "../outside.skops"
    (folder / INFO_FILE).write_text(json.dumps(info))
    version = mlops.register_model(str(folder), "fixed-name")
    # The recorded hash pins the model file (always model.skops) and MLmodel.json together.
    assert version.content_hash == pinned_sha256(folder)


def test_run_id_source_needs_a_model_artifact(data):
    with mlops.start_run() as run:
        mlops.log_param("p", 1)
    with pytest.raises(MLOpsError) as error:
        mlops.register_model(run.run_id, "none")
    assert error.value.field == "source"


def test_aliases_move_and_remember_the_previous_version(data):
    X, y = data
    model = LogisticRegression().fit(X, y)
    for _ in range(3):
        mlops.register_model(model, "m", X=X)
    mlops.set_model_alias("m", "champion", 1)
    moved = mlops.set_model_alias("m", "champion", 3)
    assert (moved.version, moved.previous_version) == (3, 1)
    assert mlops.get_model_version("m", alias="champion").version == 3
    assert mlops.get_model_version("m").version == 3
    assert mlops.get_model_version("m", version=1).aliases == []
    assert mlops.get_model_version("m", version=3).aliases == ["champion"]
    mlops.delete_model_alias("m", "champion")
    with pytest.raises(MLOpsError) as error:
        mlops.get_model_version("m", alias="champion")
    assert error.value.field == "alias"
    with pytest.raises(MLOpsError):
        mlops.set_model_alias("m", "champion", 9)
    with pytest.raises(MLOpsError):
        mlops.set_model_alias("m", "42", 1)


def test_load_model_by_uri_predicts_like_the_original(data):
    X, y = data
    model = LogisticRegression().fit(X, y)
    mlops.register_model(model, "uri", X=X)
    mlops.set_model_alias("uri", "prod", 1)
    expected = model.predict_proba(X)
    for uri in ("models:/uri@prod", "models:/uri/1", "models:/uri/latest", "uri@prod", "uri/1"):
        np.testing.assert_allclose(mlops.load_model(uri).predict_proba(X), expected)
    with pytest.raises(MLOpsError):
        mlops.load_model("models:/uri/0")


def test_load_refuses_a_model_file_changed_after_registration(data):
    X, y = data
    version = mlops.register_model(LogisticRegression().fit(X, y), "tampered", X=X)
    model_file = next(
        p
        for p in __import__("pathlib").Path(version.storage_location).iterdir()
        if p.suffix == ".skops"
    )
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    with pytest.raises(MLOpsError) as error:
        mlops.load_model("models:/tampered/1")
    assert "sha256" in error.value.message


def test_bad_names_are_refused_naming_the_field():
    with pytest.raises(MLOpsError) as error:
        mlops.register_model(LogisticRegression(), "../etc")
    assert error.value.field == "name"
    with pytest.raises(MLOpsError) as error:
        mlops.register_model(42, "ok")
    assert error.value.field == "source"


def test_delete_model_removes_versions_and_files(data):
    X, y = data
    version = mlops.register_model(LogisticRegression().fit(X, y), "gone", X=X)
    registry = get_registry()
    registry.delete_model("gone")
    assert not __import__("pathlib").Path(version.storage_location).exists()
    assert [m.name for m in mlops.list_models()] == []


def test_concurrent_registrations_get_distinct_consecutive_versions(data):
    from concurrent.futures import ThreadPoolExecutor

    X, y = data
    model = LogisticRegression().fit(X, y)
    with ThreadPoolExecutor(4) as pool:
        versions = list(pool.map(lambda _: mlops.register_model(model, "race").version, range(4)))
    assert sorted(versions) == [1, 2, 3, 4]
    folders = {v.storage_location for v in mlops.list_model_versions("race")}
    assert len(folders) == 4
