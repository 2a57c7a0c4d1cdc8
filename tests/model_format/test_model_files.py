"""Model files cannot run code: an allow-list of types, never the folder's own list, and the
sha256 recorded at `log_model` pinning the file (issue 9, item 1)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.model_format import (
    MODEL_FILE,
    file_sha256,
    load_model,
    pinned_sha256,
    save_model,
)
from jupyter_mlops.tracking.logging_artifacts import load_model as load_model_of_run
from jupyter_mlops.tracking.model_files import load_logged_model, model_file_sha256
from jupyter_mlops.tracking.process_client import get_client

X = np.random.default_rng(0).random((40, 3))
Y = (X[:, 0] > 0.5).astype(int)


def _skops_bytes(root: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", json.dumps({**root, "protocol": 2}))
    return buffer.getvalue()


def _system_call(command: str) -> dict[str, Any]:
    """`operator.call(posix.system, command)` as a skops node."""
    return {
        "__class__": "call",
        "__module__": "operator",
        "__loader__": "ConstructorFromReduceNode",
        "content": {
            "__class__": "tuple",
            "__module__": "builtins",
            "__loader__": "TupleNode",
            "content": [
                {"__class__": "system", "__module__": "posix", "__loader__": "FunctionNode"},
                {
                    "__class__": "str",
                    "__module__": "builtins",
                    "__loader__": "JsonNode",
                    "content": json.dumps(command),
                    "is_json": True,
                },
            ],
        },
    }


def craft_folder(folder: Path, marker: Path) -> Path:
    """A real model folder whose model file is replaced by one that runs `touch marker`, with
    an MLmodel.json that lists the types it needs as trusted."""
    save_model(folder, LogisticRegression().fit(X, Y), X)
    (folder / MODEL_FILE).write_bytes(_skops_bytes(_system_call(f"touch {marker}")))
    info = json.loads((folder / "MLmodel.json").read_text())
    info["trusted_types"] = ["operator.call", "posix.system"]
    (folder / "MLmodel.json").write_text(json.dumps(info))
    return folder


def test_the_crafted_file_really_runs_a_command_when_trusted(tmp_path):
    # The exploit is real: skops runs it when told to trust its types, as the old code was.
    import skops.io

    marker = tmp_path / "ran"
    skops.io.loads(
        _skops_bytes(_system_call(f"touch {marker}")), trusted=["operator.call", "posix.system"]
    )
    assert marker.exists()


def test_a_crafted_folder_is_refused_naming_the_untrusted_types_and_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    folder = craft_folder(tmp_path / "model", marker)
    with pytest.raises(MLOpsError) as error:
        load_model(folder)
    assert error.value.code == ErrorCode.FORBIDDEN and error.value.field == "model"
    assert "operator.call" in error.value.message and "posix.system" in error.value.message
    # Even with the file's own hash as the expected one: the hash pins bytes, not trust.
    with pytest.raises(MLOpsError, match=r"posix\.system"):
        load_model(folder, expected_sha256=file_sha256(folder / MODEL_FILE))
    assert not marker.exists()


def test_a_logged_model_loads_in_another_process_and_a_crafted_one_does_not(tmp_path):
    marker = tmp_path / "ran"
    crafted = craft_folder(tmp_path / "crafted", marker)
    with mlops.start_run() as good:
        mlops.log_model(RandomForestClassifier(n_estimators=3, random_state=0).fit(X, Y), "rf")
    with mlops.start_run() as bad:
        # Copied in as plain artifacts: log_model never recorded a hash for it.
        mlops.log_artifact(str(crafted), "model")
    script = textwrap.dedent(
        f"""
        import numpy as np
        from jupyter_mlops.core.errors import MLOpsError
        from jupyter_mlops.tracking.logging_artifacts import load_model

        model = load_model({good.run_id!r}, "rf")
        print("loaded", type(model).__name__, model.predict(np.zeros((1, 3))).shape)
        try:
            load_model({bad.run_id!r})
        except MLOpsError as exc:
            print("refused", exc.code.value, exc.message)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "loaded RandomForestClassifier (1,)" in done.stdout
    assert "refused forbidden" in done.stdout and "no recorded hash" in done.stdout
    assert not marker.exists()


def test_a_model_file_changed_after_logging_is_refused(db_url, tmp_path):
    marker = tmp_path / "ran"
    with mlops.start_run() as run:
        info = mlops.log_model(LogisticRegression().fit(X, Y), "clf", input_example=X)
    store = get_client().store
    folder = Path(store.get_run(run.run_id).artifact_uri) / "clf"
    assert info.sha256 == file_sha256(folder / MODEL_FILE)
    assert model_file_sha256(store.database, run.run_id, "clf") == pinned_sha256(folder)
    estimator, _ = load_logged_model(run.run_id, "clf")
    assert estimator.predict(X).shape == (40,)
    # Replaced by another genuine, harmless model: still refused, the hash pins the file.
    save_model(folder, LogisticRegression(C=0.1).fit(X, Y), X)
    with pytest.raises(MLOpsError, match="changed since it was logged") as error:
        load_logged_model(run.run_id, "clf")
    assert error.value.code == ErrorCode.FORBIDDEN
    craft_folder(folder, marker)
    with pytest.raises(MLOpsError, match="changed since it was logged"):
        load_model_of_run(run.run_id, "clf")
    assert not marker.exists()


def test_types_outside_the_allow_list_load_only_when_the_caller_trusts_them(tmp_path):
    # A numpy function (not a class) is outside the allow-list: only the caller can trust it.
    model = make_pipeline(FunctionTransformer(np.sort), LogisticRegression()).fit(X, Y)
    folder = tmp_path / "model"
    save_model(folder, model)
    with pytest.raises(MLOpsError, match=r"numpy\.sort"):
        load_model(folder)
    loaded, _ = load_model(folder, trusted=["numpy.sort"])
    assert (loaded.predict(X) == model.predict(X)).all()


@pytest.mark.parametrize(
    ("module", "name", "loader"),
    [
        ("numpy", "memmap", "ObjectNode"),  # a constructor that writes files
        ("numpy", "load", "FunctionNode"),  # a function, not a class
        ("scipy.io", "FortranFile", "ObjectNode"),  # file IO
        ("sklearn.utils._testing", "TempMemmap", "ObjectNode"),  # test helpers
        ("sklearn", "os", "TypeNode"),  # not a class defined in scikit-learn
        ("scipy", "LowLevelCallable", "ObjectNode"),  # raw function pointers
        ("numpy", "DataSource", "ObjectNode"),  # opens files and URLs
    ],
)
def test_the_allow_list_refuses_io_test_helpers_functions_and_foreign_names(
    tmp_path, module, name, loader
):
    folder = tmp_path / "model"
    save_model(folder, LogisticRegression().fit(X, Y))
    (folder / MODEL_FILE).write_bytes(
        _skops_bytes({"__class__": name, "__module__": module, "__loader__": loader})
    )
    with pytest.raises(MLOpsError, match=f"{module}.{name}"):
        load_model(folder)


def test_a_folder_whose_description_names_a_file_outside_it_is_refused(tmp_path):
    folder = tmp_path / "model"
    save_model(folder, LogisticRegression().fit(X, Y))
    info = json.loads((folder / "MLmodel.json").read_text())
    info["model_file"] = "../elsewhere.skops"
    (folder / "MLmodel.json").write_text(json.dumps(info))
    with pytest.raises(MLOpsError, match="outside the folder"):
        load_model(folder)
