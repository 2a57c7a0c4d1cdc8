"""`jupyter-mlops serve` without `--workers`: one worker per available core, by the rule of
`serving/worker_count.py` (one where the model threads by itself or memory is short)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import psutil
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.serving.worker_count import (
    WORKER_BASE_BYTES,
    available_cores,
    default_workers,
    folder_bytes,
)
from tests.support.serving import endpoint_process

GiB = 2**30


def test_cores_are_the_affinity_not_the_host():
    assert available_cores() == len(os.sched_getaffinity(0))


def test_one_worker_per_core_when_memory_allows():
    assert default_workers("sklearn.ensemble.RandomForestClassifier", 10**6, cores=4,
                           memory_bytes=64 * GiB)[0] == 4  # fmt: skip
    assert default_workers(None, None, cores=1, memory_bytes=64 * GiB)[0] == 1


@pytest.mark.parametrize(
    "estimator_class",
    ["xgboost.sklearn.XGBClassifier", "lightgbm.sklearn.LGBMRegressor", "torch.nn.Module"],
)
def test_one_worker_for_a_model_that_uses_the_cores_itself(estimator_class: str):
    workers, why = default_workers(estimator_class, 10**6, cores=8, memory_bytes=64 * GiB)
    assert workers == 1 and estimator_class in why


def test_memory_caps_the_workers():
    model = 512 * 2**20  # 4 x 512 MB + the base per worker
    per_worker = WORKER_BASE_BYTES + 4 * model
    workers, why = default_workers("sklearn.svm.SVC", model, cores=16,
                                   memory_bytes=2 * 3 * per_worker)  # fmt: skip
    assert workers == 3 and "memory" in why
    assert default_workers("sklearn.svm.SVC", model, cores=16, memory_bytes=GiB)[0] == 1


def test_folder_bytes(tmp_path: Path):
    folder = tmp_path / "model"  # tmp_path holds the test's data dir too
    (folder / "sub").mkdir(parents=True)
    (folder / "a").write_bytes(b"x" * 10)
    (folder / "sub" / "b").write_bytes(b"y" * 5)
    assert folder_bytes(folder) == 15
    assert folder_bytes(f"file://{folder}") == 15
    assert folder_bytes("s3://bucket/model") is None


def _workers(process_pid: int) -> set[int]:
    """The endpoint's worker processes: forks of `serve` (`serving/prefork.py`), its only
    children."""
    return {c.pid for c in psutil.Process(process_pid).children()}


@pytest.mark.skipif(available_cores() < 2, reason="needs 2 cores to see more than one worker")
@pytest.mark.slow
def test_serve_defaults_to_a_worker_per_core(mlops_store: Path):
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    model = LogisticRegression().fit(X, X["a"] > 0)
    mlops.register_model(model, "auto", X=X)
    expected, _why = default_workers("sklearn.linear_model.LogisticRegression", 0)
    with endpoint_process(["auto/1", "--no-request-log"], mlops_store) as (url, process):
        assert len(_workers(process.pid)) == expected
        answer = httpx.post(f"{url}/predict", json=X.iloc[:4].to_dict("records"))
        assert answer.json()["predictions"] == model.predict(X.iloc[:4]).tolist()
    with endpoint_process(["auto/1", "--workers", "1", "--no-request-log"], mlops_store) as (
        url,
        process,
    ):
        assert _workers(process.pid) == set()  # one worker: uvicorn serves in the process
