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


def test_two_workers_serve_and_both_follow_the_alias(mlops_store: Path):
    import time

    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.normal(size=(100, 2)), columns=["a", "b"])
    first = LinearRegression().fit(X, X["a"])
    second = LinearRegression().fit(X, X["b"])
    mlops.register_model(first, "two", X=X)
    mlops.register_model(second, "two", X=X)
    mlops.set_model_alias("two", "prod", 1)
    body = {"dataframe_records": X.iloc[:5].to_dict("records")}
    args = ["two@prod", "--workers", "2", "--no-request-log"]
    with endpoint_process(args, mlops_store) as (url, _process):
        answer = httpx.post(f"{url}/invocations", json=body)
        np.testing.assert_allclose(answer.json()["predictions"], first.predict(X.iloc[:5]))
        mlops.set_model_alias("two", "prod", 2)
        deadline = time.monotonic() + 60
        in_a_row = 0
        while in_a_row < 20:  # new connections, so both workers answer over time
            version = httpx.get(f"{url}/health").json()["version"]
            in_a_row = in_a_row + 1 if version == 2 else 0
            assert time.monotonic() < deadline, "a worker kept serving version 1"
            time.sleep(0.02)
        pids = {httpx.get(f"{url}/version").json()["pid"] for _ in range(20)}
        assert 1 <= len(pids) <= 2
        answer = httpx.post(f"{url}/invocations", json=body)
        np.testing.assert_allclose(answer.json()["predictions"], second.predict(X.iloc[:5]))


def test_serve_says_whether_it_requires_a_token(mlops_store: Path):
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(6)
    X = pd.DataFrame(rng.normal(size=(50, 2)), columns=["a", "b"])
    mlops.register_model(LinearRegression().fit(X, X["a"]), "said", X=X)
    token = "t0ken-from-the-environment"
    env = {"JUPYTER_MLOPS_ENDPOINT_TOKEN": token}
    with endpoint_process(["said/1", "--auth", "--no-request-log"], mlops_store, env) as (
        url,
        process,
    ):
        assert process.stdout is not None
        said = process.stdout.readline().decode() + process.stdout.readline().decode()
        assert "auth on (--auth): bearer token from $JUPYTER_MLOPS_ENDPOINT_TOKEN" in said
        assert token not in said
        assert httpx.get(f"{url}/schema").status_code == 401
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/schema", headers=headers).status_code == 200
    # --no-auth is open even with a token in the environment, and says so.
    with endpoint_process(["said/1", "--no-auth", "--no-request-log"], mlops_store, env) as (
        url,
        process,
    ):
        assert process.stdout is not None
        said = process.stdout.readline().decode() + process.stdout.readline().decode()
        assert "auth off (--no-auth)" in said
        assert httpx.get(f"{url}/schema").status_code == 200
