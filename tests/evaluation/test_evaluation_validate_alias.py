"""`models:/NAME@ALIAS` wherever a version's constraints or a version are named for validation
(`mlops.validate`, a job's `validate:`), and the standalone `jupyter-mlops scheduler` process
checks jobs' `validate:` inputs as a Jupyter server does (it installed no check: every run that
declared `validate:` failed with "no data validation is installed").

Data: scikit-learn's bundled breast cancer set (no download); the invalid file has one column
pushed out of the range the version's constraints allow.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.evaluation.job_inputs import parse
from jupyter_mlops.jobs.entities import JobSpec
from jupyter_mlops.jobs.store import JobStore
from tests.support.jobs import write_notebook

STRICT = {
    "columns": {"mean radius": {"type": "numeric", "min": 0, "max": 40, "completeness": 1.0}},
    "required": ["mean radius"],
    "tolerance": 0.0,
}
# v2 allows what v1 refuses: the alias decides which constraints apply.
LOOSE = {"columns": {"mean radius": {"type": "numeric", "min": 0, "max": 5000}}, "tolerance": 0.0}


@pytest.fixture
def cancer(mlops_store, monkeypatch):
    """`cancer` v1 (strict constraints) and v2 (loose) with @champion on v1."""
    monkeypatch.delenv("JUPYTER_MLOPS_SERVER_URL", raising=False)
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    model = LogisticRegression(max_iter=5000).fit(X, y)
    for _ in range(2):
        mlops.register_model(model, "cancer", X=X)
    mlops.set_version_constraints("cancer", 1, STRICT)
    mlops.set_version_constraints("cancer", 2, LOOSE)
    mlops.set_model_alias("cancer", "champion", 1)
    bad = X.copy()
    bad.loc[:19, "mean radius"] = 1000.0
    return X, y, bad


def test_validate_and_evaluate_take_an_alias_uri(cancer):
    X, y, bad = cancer
    assert mlops.validate(X, "models:/cancer@champion").ok
    report = mlops.validate(bad, "models:/cancer@champion")
    (violation,) = report.violations["mean radius"]
    assert violation.check == "range" and violation.n == 20
    assert mlops.validate(bad, "models:/cancer/2").ok
    mlops.set_model_alias("cancer", "champion", 2)  # the alias is read at each call
    assert mlops.validate(bad, "models:/cancer@champion").ok

    evaluation = mlops.evaluate("models:/cancer@champion", X, y, importance=False, log=False)
    assert evaluation.model == "models:/cancer/2" and evaluation.metrics["accuracy"] > 0.9


@pytest.mark.parametrize(
    "uri", ["models:/cancer", "models:/cancer/latest", "models:/cancer@", "models:/cancer@7"]
)
def test_a_version_uri_must_name_a_version_or_an_alias(uri):
    with pytest.raises(MLOpsError) as refused:
        parse(uri)
    assert refused.value.field == "validate"


def test_unknown_alias_names_the_field(cancer):
    X, _y, _bad = cancer
    with pytest.raises(MLOpsError) as missing:
        mlops.validate(X, "models:/cancer@nobody")
    assert missing.value.http_status == 404 and "nobody" in missing.value.message


def _scheduler(cwd, env):
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", "scheduler", "--once", "--root-dir", str(cwd)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_standalone_scheduler_validates_job_inputs(cancer, tmp_path, mlops_store):
    X, _y, bad = cancer
    X.to_csv(tmp_path / "valid.csv", index=False)
    bad.to_csv(tmp_path / "invalid.csv", index=False)
    write_notebook(
        tmp_path / "score.ipynb",
        "data_path = 'valid.csv'",
        "import pandas as pd\nprint('rows', len(pd.read_csv(data_path)))",
    )
    store = JobStore(get_database())
    text = (tmp_path / "score.ipynb").read_text()
    due = int((time.time() - 11 * 60) * 1000)  # a missed firing the scheduler catches up
    jobs = {}
    for data in ("valid.csv", "invalid.csv"):
        spec = JobSpec(
            notebook_path="score.ipynb",
            parameters={"data_path": data},
            schedule="*/5 * * * *",
            missed_policy="catch_up",
            input_validation={"parameter": "data_path", "constraints": "models:/cancer@champion"},
        )
        job = store.create_job(spec, text, data.split(".")[0])
        store.update_job(job.job_id, schedule_since=due)
        jobs[data] = job.job_id

    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    fired = _scheduler(tmp_path, env)
    assert fired.count("fired") == 2, fired

    (valid,) = store.list_runs(job_id=jobs["valid.csv"])
    assert valid.status.value == "succeeded", valid.error
    (invalid,) = store.list_runs(job_id=jobs["invalid.csv"])
    assert invalid.status.value == "failed" and invalid.error_field == "validate"
    assert invalid.error is not None
    assert "mean radius" in invalid.error and "20 values above 40" in invalid.error
