"""The profiling REST API on a real Jupyter server: profile files in its root, saved profiles."""

from __future__ import annotations

import asyncio
import json

import pytest
from sklearn import datasets
from tornado.httpclient import HTTPClientError

import jupyter_mlops as mlops
from jupyter_mlops.profiling.capability import PROFILING
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("profiling")


@pytest.fixture
def iris_csv(jp_root_dir):
    folder = jp_root_dir / "data"
    folder.mkdir()
    frame = datasets.load_iris(as_frame=True).frame
    frame.to_csv(folder / "iris.csv", index=False)
    frame.to_parquet(folder / "iris.parquet", index=False)
    return "data/iris.csv"


async def call(jp_fetch, *parts, method="GET", body=None):
    kwargs = {"method": method}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    response = await jp_fetch("mlops", "api", *parts, **kwargs)
    return response.code, json.loads(response.body) if response.body else None


async def error_of(jp_fetch, *parts, method="GET", body=None):
    with pytest.raises(HTTPClientError) as info:
        await call(jp_fetch, *parts, method=method, body=body)
    return info.value.code, error_body(info.value)


async def finished(jp_fetch, job_id, timeout=60.0):
    deadline = asyncio.get_running_loop().time() + timeout
    progress = []
    while True:
        _, state = await call(jp_fetch, "profiles", "jobs", job_id)
        progress.append(state["job"]["progress"])
        if state["job"]["status"] != "running":
            return state, progress
        assert asyncio.get_running_loop().time() < deadline, "the profiling job did not finish"
        await asyncio.sleep(0.1)


async def test_profiling_a_file_in_the_root_returns_its_profile(jp_fetch, iris_csv):
    code, job = await call(jp_fetch, "profiles", method="POST", body={"path": iris_csv})
    assert code == 202
    # A small file is profiled in the server's thread pool: the answer is the finished job.
    assert job["status"] == "done" and job["path"] == iris_csv
    assert job["runs_in"] == "server"
    _, state = await call(jp_fetch, "profiles", "jobs", job["id"])
    assert state["job"] == job
    # Still a run of the jobs runner: persisted in its store, listed with the other runs.
    _, run = await call(jp_fetch, "job-runs", job["id"])
    assert run["status"] == "succeeded" and run["kind"] == "profiling.profile_file"
    profile = state["profile"]
    assert profile["n_rows"] == 150 and profile["source"] == iris_csv
    assert profile["engine"] == "pandas"  # read whole: exact, no Dask to import
    assert set(profile["columns"]) >= {"sepal length (cm)", "target"}
    # Not saved without a name.
    assert state["job"]["profile_id"] is None
    _, listed = await call(jp_fetch, "profiles")
    assert listed == []


async def test_a_large_file_is_profiled_by_the_runner_with_progress(
    jp_fetch, iris_csv, jp_serverapp
):
    jp_serverapp.web_app.settings["mlops_services"].get(PROFILING).small_file_bytes = 100
    code, job = await call(jp_fetch, "profiles", method="POST", body={"path": iris_csv})
    assert code == 202 and job["status"] == "running" and job["runs_in"] == "runner"
    state, progress = await finished(jp_fetch, job["id"])
    assert state["job"]["status"] == "done" and state["job"]["progress"] == 1.0
    assert progress == sorted(progress)
    assert state["profile"]["n_rows"] == 150


async def test_a_named_profile_is_saved_listed_read_and_deleted(jp_fetch, iris_csv, jp_root_dir):
    parquet = "data/iris.parquet"
    _, job = await call(
        jp_fetch, "profiles", method="POST", body={"path": parquet, "name": "iris baseline"}
    )
    state, _ = await finished(jp_fetch, job["id"])
    profile_id = state["job"]["profile_id"]
    assert profile_id and state["profile"]["name"] == "iris baseline"
    _, listed = await call(jp_fetch, "profiles")
    assert [(p["id"], p["name"], p["n_rows"], p["source"]) for p in listed] == [
        (profile_id, "iris baseline", 150, parquet)
    ]
    _, stored = await call(jp_fetch, "profiles", profile_id)
    assert stored["id"] == profile_id and stored["columns"]["target"]["n_distinct"] == 3
    _, by_name = await call(jp_fetch, "profiles", "iris baseline")
    assert by_name == stored
    # The kernel side reads the same store.
    assert mlops.load_profile("iris baseline").id == profile_id
    code, _ = await call(jp_fetch, "profiles", profile_id, method="DELETE")
    assert code == 204
    code, body = await error_of(jp_fetch, "profiles", profile_id)
    assert code == 404 and body["field"] == "profile"


async def test_a_missing_file_is_a_404_naming_path(jp_fetch, iris_csv):
    code, body = await error_of(jp_fetch, "profiles", method="POST", body={"path": "data/no.csv"})
    assert code == 404
    assert body["field"] == "path" and "data/no.csv" in body["message"]


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "data/../../x.csv"])
async def test_a_path_outside_the_root_is_refused(jp_fetch, iris_csv, jp_root_dir, path):
    (jp_root_dir.parent / "outside.csv").write_text("a\n1\n")
    code, body = await error_of(jp_fetch, "profiles", method="POST", body={"path": path})
    assert code == 403
    assert body["field"] == "path" and "outside" in body["message"]


async def test_a_link_out_of_the_root_is_refused(jp_fetch, iris_csv, jp_root_dir, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    (jp_root_dir / "link.csv").symlink_to(secret)
    code, body = await error_of(jp_fetch, "profiles", method="POST", body={"path": "link.csv"})
    assert code == 403 and body["field"] == "path"


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "path"), ({"path": ""}, "path"), ({"path": "data/iris.csv", "sample": -1}, "sample")],
)
async def test_bad_bodies_are_400_naming_the_field(jp_fetch, iris_csv, body, field):
    code, error = await error_of(jp_fetch, "profiles", method="POST", body=body)
    assert code == 400 and error["field"] == field


async def test_an_unsupported_file_is_a_400(jp_fetch, jp_root_dir):
    (jp_root_dir / "notes.txt.md").write_text("# hi")
    code, body = await error_of(jp_fetch, "profiles", method="POST", body={"path": "notes.txt.md"})
    assert code == 400 and body["field"] == "path"


async def test_a_file_that_does_not_parse_fails_its_job_with_the_reason(jp_fetch, jp_root_dir):
    (jp_root_dir / "broken.parquet").write_text("not parquet")
    _, job = await call(jp_fetch, "profiles", method="POST", body={"path": "broken.parquet"})
    state, _ = await finished(jp_fetch, job["id"])
    assert state["job"]["status"] == "failed" and state["profile"] is None
    assert state["job"]["error"]["field"] == "path"
    assert "broken.parquet" in state["job"]["error"]["message"]


async def test_unknown_job_and_profile_are_404(jp_fetch):
    code, body = await error_of(jp_fetch, "profiles", "jobs", "nope")
    assert code == 404 and body["field"] == "job_id"
    code, body = await error_of(jp_fetch, "profiles", "nope", method="DELETE")
    assert code == 404 and body["field"] == "profile"
