"""`MLOpsApp.allow_pickle_models`: a pickled MLflow scikit-learn model is refused at deploy
unless the server opted in; with the opt-in its endpoint process (a real one) loads and serves
it; the endpoint process decides by what its supervisor passed it, not by the version's files,
and a pickle whose bytes are not the ones registered is never unpickled. A real Jupyter server
(pytest-jupyter) and real endpoint processes."""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from tests.support.mlflow_lab import REQUIREMENTS
from tests.support.ports import free_port
from tests.support.tracking_rest import api_error

mlflow = pytest.importorskip("mlflow")


@pytest.fixture(autouse=True)
def serving_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Endpoints of this test start at a free high port, not 8000."""
    monkeypatch.setenv("JUPYTER_MLOPS_SERVING_BASE_PORT", str(free_port()))


async def _call(jp_fetch: Any, method: str, *path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {"method": method, "request_timeout": 300}
    if body is not None or method in ("POST", "PUT", "PATCH"):
        kwargs["body"] = json.dumps(body or {})
    response = await jp_fetch("mlops", "api", *path, **kwargs)
    return json.loads(response.body)


def _register_pickle(name: str, estimator: Any, serialization: str) -> Any:
    """The facade's registration of an MLflow folder saved with `serialization`."""
    from jupyter_mlops.mlflow_compat.model_versions import register_mlflow_version
    from jupyter_mlops.model_format.mlflow_folder import workbench_folder
    from jupyter_mlops.serving.api import get_registry

    with tempfile.TemporaryDirectory() as scratch:
        saved = Path(scratch) / "model"
        mlflow.sklearn.save_model(
            estimator, saved, serialization_format=serialization, pip_requirements=REQUIREMENTS
        )
        converted = Path(scratch) / "converted"
        _, described = workbench_folder(saved, converted)
        assert described.not_servable == "pickle format"
        return register_mlflow_version(get_registry(), name, converted, "runs:/r/model",
                                       run_id=None, description=None, tags=None,
                                       not_servable=described.not_servable)  # fmt: skip


@pytest.mark.parametrize("serialization", ["pickle", "cloudpickle"])
async def test_a_pickled_model_deploys_and_serves_only_with_the_opt_in(
    jp_fetch: Any, mlops_app: Any, mlops_store: Path, serialization: str
) -> None:
    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    estimator = LogisticRegression().fit(X, (X["a"] > X["b"]).astype(int))
    name = f"pickled-{serialization}"
    _register_pickle(name, estimator, serialization)
    from jupyter_mlops.serving.capability import SUPERVISOR

    supervisor = mlops_app.services.get(SUPERVISOR)
    assert supervisor.allow_pickle_models is False  # the default
    code, error = await api_error(
        jp_fetch("mlops", "api", "endpoints", method="POST", body=json.dumps({"model": name}))
    )
    assert code == 400 and "not servable: pickle format" in error["message"], error

    supervisor.allow_pickle_models = True  # what MLOpsApp.allow_pickle_models=True sets
    endpoint = await _call(jp_fetch, "POST", "endpoints", body={"model": f"{name}/1"})
    assert endpoint["state"] == "running", endpoint
    token = (await _call(jp_fetch, "GET", "endpoints", name, "token"))["token"]
    rows = X.iloc[:5]
    async with httpx.AsyncClient(
        base_url=endpoint["url"], headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        answer = await client.post(
            "/invocations", json={"dataframe_records": rows.to_dict("records")}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["predictions"] == estimator.predict(rows).tolist()
        schema = (await client.get("/schema")).json()
    assert [c["name"] for c in schema["input_schema"]["columns"]] == ["a", "b"], schema
    assert schema["classes"] == [0, 1] and "predict_proba" in schema["predict_methods"], schema

    # The endpoint process decides by what its supervisor passes it: restarted by a
    # supervisor without the opt-in, it refuses to load the same version.
    supervisor.allow_pickle_models = False
    await _call(jp_fetch, "POST", "endpoints", name, "stop")
    code, error = await api_error(
        jp_fetch(
            "mlops",
            "api",
            "endpoints",
            name,
            "start",
            method="POST",
            body="{}",
            request_timeout=300,
        )
    )
    shown = await _call(jp_fetch, "GET", "endpoints", name)
    assert code >= 400 and shown["state"] != "running", (code, error, shown)
    from jupyter_mlops.serving.endpoint_files import LOG_FILE, endpoint_folder

    log = (endpoint_folder(mlops_store, name) / LOG_FILE).read_text()
    assert log.count("not servable: pickle format") >= 1, log[-2000:]
    await _call(jp_fetch, "DELETE", "endpoints", name)


def test_a_pickle_whose_bytes_changed_is_never_unpickled(mlops_store: Path, tmp_path: Path) -> None:
    from jupyter_mlops.core.errors import MLOpsError
    from jupyter_mlops.serving.api import get_registry

    estimator = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    version = _register_pickle("swapped", estimator, "pickle")
    registry = get_registry()
    loaded, info = registry.load(version, allow_pickle=True)
    assert loaded.predict([[3.0]]).tolist() == [1]
    assert "predict_proba" in info.predict_methods and info.classes == [0, 1]
    with pytest.raises(MLOpsError) as refused:  # without the opt-in: the registry's refusal
        registry.load(version)
    assert "not servable: pickle format" in refused.value.message

    # Swap the kept file for one that would run code when unpickled.
    marker = tmp_path / "ran"
    evil = pickle.dumps(_Runs(str(marker)))
    kept = Path(version.storage_location) / "model.pkl"
    kept.chmod(0o644)
    kept.write_bytes(evil)
    with pytest.raises(MLOpsError) as forbidden:
        registry.load(version, allow_pickle=True)
    assert "not those the registry recorded" in forbidden.value.message
    assert not marker.exists()
    assert os.environ.get("JUPYTER_MLOPS_ENDPOINT_ALLOW_PICKLE") in (None, "0")


class _Runs:
    """Unpickling it creates a file (what an attacker's pickle would do, harmlessly)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (Path.write_text, (Path(self.path), "ran"))  # type: ignore[return-value]
