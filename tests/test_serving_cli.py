"""`jupyter-mlops export --docker` and `jupyter-mlops serve --model-dir` on the exported folder."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import GradientBoostingRegressor

import jupyter_mlops as mlops
from jupyter_mlops.cli import main
from tests.support.serving import endpoint_process


def test_export_writes_a_pinned_build_folder_that_serves(tmp_path: Path, mlops_store: Path):
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(200, 4)), columns=["w", "x", "y", "z"])
    model = GradientBoostingRegressor(n_estimators=20).fit(X, X["w"] * 2 + X["x"])
    mlops.register_model(model, "gbr", X=X)
    mlops.set_model_alias("gbr", "prod", 1)
    out = tmp_path / "image"
    assert main(["export", "gbr@prod", "--docker", str(out)]) == 0

    requirements = (out / "requirements.txt").read_text().splitlines()
    assert f"scikit-learn=={metadata.version('scikit-learn')}" in requirements
    assert f"skops=={metadata.version('skops')}" in requirements
    assert any(line.startswith("jupyter-mlops==") for line in requirements)
    dockerfile = (out / "Dockerfile").read_text()
    assert 'jupyter-mlops", "serve", "--model-dir", "/srv/model"' in dockerfile
    assert "USER mlops" in dockerfile
    meta = json.loads((out / "model" / "endpoint.json").read_text())
    assert meta["version"] == 1 and len(meta["sha256"]) == 64
    assert main(["export", "gbr@prod", "--docker", str(out)]) == 1  # not empty

    with endpoint_process(["--model-dir", str(out / "model"), "--no-request-log"], mlops_store) as (
        url,
        _process,
    ):
        answer = httpx.post(
            f"{url}/invocations", json={"dataframe_records": X.iloc[:10].to_dict("records")}
        )
        np.testing.assert_allclose(answer.json()["predictions"], model.predict(X.iloc[:10]))
        assert httpx.get(f"{url}/health").json() == {"status": "ok", "model": "gbr", "version": 1}


def test_serve_refuses_a_tampered_export(tmp_path: Path, mlops_store: Path):
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(50, 2)), columns=["a", "b"])
    mlops.register_model(GradientBoostingRegressor(n_estimators=5).fit(X, X["a"]), "t", X=X)
    out = tmp_path / "image"
    assert main(["export", "t/1", "--docker", str(out)]) == 0
    model_file = out / "model" / "model.skops"
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    args = ["--model-dir", str(out / "model")]
    with (
        pytest.raises(AssertionError, match=r"changed since it was logged"),
        endpoint_process(args, mlops_store),
    ):
        pass
