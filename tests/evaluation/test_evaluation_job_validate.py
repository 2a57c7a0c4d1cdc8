"""Jobs declare `validate:` on their input (issue 24, section 2) through REST on a real server:
a bad declaration is a 400 naming `validate`; a run whose input file breaks the constraints
fails before its notebook starts, with the report naming the column; a valid input runs.

Data: scikit-learn's bundled breast cancer set (no download); the invalid file is the same
rows with one column's values pushed out of the range the constraints allow and a required
column dropped.
"""

from __future__ import annotations

import json

import pytest

from tests.jobs.test_jobs_api import call, error_of, finished
from tests.support.jobs import write_notebook

pytestmark = pytest.mark.capabilities("evaluation")

CONSTRAINTS = {
    "columns": {
        "mean radius": {"type": "numeric", "min": 0, "max": 40, "completeness": 1.0},
        "mean texture": {"type": "numeric", "min": 0, "max": 60},
    },
    "required": ["mean radius", "mean texture"],
    "tolerance": 0.0,
}


@pytest.fixture
def scoring(jp_root_dir):
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    data = jp_root_dir / "nbs"
    data.mkdir(parents=True, exist_ok=True)
    frame.to_csv(data / "valid.csv", index=False)
    bad = frame.drop(columns=["mean texture"])
    bad.loc[:20, "mean radius"] = 1000.0
    bad.to_csv(data / "invalid.csv", index=False)
    return write_notebook(
        data / "score.ipynb",
        "data_path = 'valid.csv'",
        "import pandas as pd\nprint(len(pd.read_csv(data_path)))",
    )


async def test_a_bad_validate_declaration_is_a_400_naming_it(jp_fetch, scoring):
    base = {"notebook_path": "nbs/score.ipynb"}
    for validate in (
        {"parameter": "nope", "constraints": CONSTRAINTS},
        {"parameter": "data_path", "constraints": {"columns": {"x": {"colour": "red"}}}},
        {"parameter": "data_path", "constraints": "models:/churn"},
        {"parameter": "data_path"},
    ):
        code, error = await error_of(
            jp_fetch, "jobs", method="POST", body={**base, "validate": validate}
        )
        assert code == 400 and error["field"].split(".")[0] == "validate", (validate, error)
    _, jobs = await call(jp_fetch, "jobs")
    assert jobs["jobs"] == []  # nothing stored by a refused create


async def test_invalid_input_fails_the_run_early_and_a_valid_one_runs(jp_fetch, scoring):
    code, job = await call(
        jp_fetch, "jobs", method="POST",
        body={"notebook_path": "nbs/score.ipynb",
              "validate": {"parameter": "data_path", "constraints": CONSTRAINTS}},
    )  # fmt: skip
    assert code == 201
    assert job["validate"] == {"parameter": "data_path", "constraints": CONSTRAINTS}
    _, again = await call(jp_fetch, "jobs", job["job_id"])
    assert again["validate"] == job["validate"]  # stored with the job

    _, run = await call(
        jp_fetch, "jobs", job["job_id"], "runs", method="POST",
        body={"parameters": {"data_path": "invalid.csv"}},
    )  # fmt: skip
    run = await finished(jp_fetch, run["run_id"])
    assert run["status"] == "failed" and run["error_field"] == "validate"
    assert "mean radius" in run["error"] and "mean texture" in run["error"]
    assert run["cells_done"] == 0 and run["failed_cell"] is None  # the notebook never ran
    _, runs = await call(jp_fetch, "jobs", job["job_id"], "runs")
    assert [r["status"] for r in runs["runs"]] == ["failed"]  # no retry of the same input

    _, run = await call(jp_fetch, "jobs", job["job_id"], "runs", method="POST", body={})
    run = await finished(jp_fetch, run["run_id"])
    assert run["status"] == "succeeded", run["error"]
    assert run["error"] is None


async def test_validate_is_changed_and_cleared_by_patch(jp_fetch, scoring):
    _, job = await call(jp_fetch, "jobs", method="POST", body={"notebook_path": "nbs/score.ipynb"})
    assert job["validate"] is None
    text = json.dumps(CONSTRAINTS)
    _, job = await call(
        jp_fetch, "jobs", job["job_id"], method="PATCH",
        body={"validate": {"parameter": "data_path", "constraints": text}},
    )  # fmt: skip
    assert job["validate"]["constraints"] == text
    code, error = await error_of(
        jp_fetch, "jobs", job["job_id"], method="PATCH",
        body={"validate": {"parameter": "data_path", "constraints": "columns: [1"}},
    )  # fmt: skip
    assert code == 400 and error["field"] == "validate"
    _, job = await call(jp_fetch, "jobs", job["job_id"], method="PATCH", body={"validate": None})
    assert job["validate"] is None
