"""The jobs REST API on a real Jupyter server: create, validate (400s naming the field), run
now and watch progress, download outputs, pause/resume, delete; the dialog's helpers."""

from __future__ import annotations

import asyncio
import json

import pytest
from tornado.httpclient import HTTPClientError

from tests.support.jobs import write_notebook
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("jobs")


@pytest.fixture
def train(jp_root_dir):
    return write_notebook(
        jp_root_dir / "nbs" / "train.ipynb",
        "lr = 0.1  # learning rate\nepochs: int = 2\nwhen = '2026-01-01'",
        "print('lr', lr, 'epochs', epochs)",
    )


async def call(jp_fetch, *parts, method="GET", body=None, params=None):
    kwargs = {"method": method}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    if params is not None:
        kwargs["params"] = params
    response = await jp_fetch("mlops", "api", *parts, **kwargs)
    return response.code, json.loads(response.body) if response.body else None


async def error_of(jp_fetch, *parts, method="GET", body=None, params=None):
    with pytest.raises(HTTPClientError) as info:
        await call(jp_fetch, *parts, method=method, body=body, params=params)
    return info.value.code, error_body(info.value)


async def finished(jp_fetch, run_id, timeout=120.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        _, run = await call(jp_fetch, "job-runs", run_id)
        if run["status"] not in ("queued", "running"):
            return run
        assert asyncio.get_running_loop().time() < deadline, "the run did not finish"
        await asyncio.sleep(0.2)


async def test_a_job_is_created_run_now_and_its_outputs_served(jp_fetch, train, jp_root_dir):
    code, job = await call(
        jp_fetch, "jobs", method="POST",
        body={"notebook_path": "nbs/train.ipynb", "parameters": {"lr": 0.5, "epochs": 3},
              "schedule": "0 2 * * *", "timezone": "Europe/Berlin", "outputs": ["ipynb", "html"]},
    )  # fmt: skip
    assert code == 201
    assert job["name"] == "train" and job["parameters"] == {"lr": 0.5, "epochs": 3}
    assert job["schedule_description"] == "every day at 02:00 (Europe/Berlin)"
    assert len(job["next_times"]) == 3 and job["last_run"] is None
    # The job runs its snapshot: editing the notebook afterwards does not change it.
    write_notebook(train, "lr = 0.1\nepochs: int = 2\nwhen = '2026-01-01'", "raise SystemExit")
    code, run = await call(jp_fetch, "jobs", job["job_id"], "runs", method="POST",
                           body={"parameters": {"epochs": 7}})  # fmt: skip
    assert code == 202 and run["status"] == "queued" and run["parameters"]["epochs"] == 7
    run = await finished(jp_fetch, run["run_id"])
    assert run["status"] == "succeeded", run["error"]
    assert run["cells_done"] == run["cells_total"] and run["progress"] == 1.0
    formats = {o["format"]: o for o in run["outputs"]}
    assert set(formats) == {"ipynb", "html"}
    assert formats["ipynb"]["lab_path"].startswith("mlops-job-runs/")
    assert (jp_root_dir / formats["ipynb"]["lab_path"]).is_file()
    response = await jp_fetch("mlops", "api", "job-runs", run["run_id"], "outputs", "ipynb")
    assert "lr 0.5 epochs 7" in response.body.decode()
    response = await jp_fetch("mlops", "api", "job-runs", run["run_id"], "outputs", "html")
    assert response.headers["Content-Type"].startswith("text/html")
    _, runs = await call(jp_fetch, "jobs", job["job_id"], "runs")
    assert [r["run_id"] for r in runs["runs"]] == [run["run_id"]]
    _, listed = await call(jp_fetch, "jobs")
    assert [j["last_run"]["run_id"] for j in listed["jobs"]] == [run["run_id"]]
    # Pause, resume, refresh the snapshot, delete.
    _, paused = await call(jp_fetch, "jobs", job["job_id"], method="PATCH", body={"paused": True})
    assert paused["paused"] and paused["next_times"] == []
    _, resumed = await call(jp_fetch, "jobs", job["job_id"], method="PATCH",
                            body={"paused": False, "schedule": "30 6 * * 1-5"})  # fmt: skip
    assert resumed["schedule_description"] == "every weekday at 06:30 (Europe/Berlin)"
    await call(jp_fetch, "jobs", job["job_id"], method="DELETE")
    code, body = await error_of(jp_fetch, "jobs", job["job_id"])
    assert code == 404 and body["field"] == "job_id"
    code, body = await error_of(jp_fetch, "job-runs", run["run_id"])
    assert code == 404


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"schedule": "every day"}, 400, "schedule"),
        ({"schedule": "61 * * * *"}, 400, "schedule"),
        ({"timezone": "Mars/Olympus"}, 400, "timezone"),
        ({"parameters": {"nope": 1}}, 400, "parameters.nope"),
        ({"parameters": {"epochs": "two"}}, 400, "parameters.epochs"),
        ({"parameters": {"when": "soon"}}, 400, "parameters.when"),
        ({"notebook_path": "../outside.ipynb"}, 403, "notebook_path"),
        ({"notebook_path": "nbs/missing.ipynb"}, 404, "notebook_path"),
        ({"retries": 99}, 400, "retries"),
        ({"target": "cloud"}, 400, "target"),
    ],
)
async def test_bad_job_input_is_a_4xx_naming_the_field(jp_fetch, train, body, status, field):
    payload = {"notebook_path": "nbs/train.ipynb", **body}
    code, error = await error_of(jp_fetch, "jobs", method="POST", body=payload)
    assert (code, error["field"]) == (status, field), error


async def test_the_dialog_reads_parameters_and_previews_schedules(jp_fetch, train):
    _, found = await call(jp_fetch, "job-parameters", params={"path": "nbs/train.ipynb"})
    assert [(p["name"], p["type"], p["default"]) for p in found["parameters"]] == [
        ("lr", "float", 0.1), ("epochs", "int", 2), ("when", "date", "2026-01-01"),
    ]  # fmt: skip
    assert found["parameters"][0]["help"] == "learning rate"
    _, preview = await call(
        jp_fetch, "job-schedule", params={"schedule": "*/15 * * * *", "timezone": "UTC"}
    )
    assert preview["description"] == "every 15 minutes (UTC)"
    times = preview["next_times"]
    assert len(times) == 3 and times[1] - times[0] == 15 * 60 * 1000
    code, error = await error_of(jp_fetch, "job-schedule", params={"schedule": "nope"})
    assert (code, error["field"]) == (400, "schedule")
    code, error = await error_of(jp_fetch, "job-parameters", params={"path": "../x.ipynb"})
    assert (code, error["field"]) == (403, "path")
    code, error = await error_of(jp_fetch, "job-parameters")
    assert (code, error["field"]) == (400, "path")
    # A job's own snapshot, for the Edit dialog, even after the notebook changed.
    _, job = await call(jp_fetch, "jobs", method="POST", body={"notebook_path": "nbs/train.ipynb"})
    write_notebook(train, "other = 1", "print(other)")
    _, found = await call(jp_fetch, "job-parameters", params={"job_id": job["job_id"]})
    assert [p["name"] for p in found["parameters"]] == ["lr", "epochs", "when"]


async def test_a_running_run_can_be_cancelled_and_an_ended_one_cannot(jp_fetch, jp_root_dir):
    write_notebook(
        jp_root_dir / "slow.ipynb",
        "pause = 120",
        "import time\nopen('started', 'w').close()\ntime.sleep(pause)",
    )
    _, job = await call(jp_fetch, "jobs", method="POST",
                        body={"notebook_path": "slow.ipynb", "run_now": True})  # fmt: skip
    run_id = job["last_run"]["run_id"]
    deadline = asyncio.get_running_loop().time() + 120
    while not (jp_root_dir / "started").exists():
        assert asyncio.get_running_loop().time() < deadline, "the run never started"
        await asyncio.sleep(0.2)
    code, _ = await call(jp_fetch, "job-runs", run_id, "cancel", method="POST", body={})
    assert code == 202
    run = await finished(jp_fetch, run_id)
    assert run["status"] == "cancelled" and "cancelled by a user" in run["error"]
    assert "time.sleep" in run["failed_cell_source"]
    code, error = await error_of(jp_fetch, "job-runs", run_id, "cancel", method="POST", body={})
    assert (code, error["field"]) == (409, "run_id")


async def test_a_run_says_what_started_it(jp_fetch, train):
    """The trigger label of the Jobs panel: by hand (the default), a drift alert, a pipeline;
    anything else is a 400 naming the field."""
    _, job = await call(jp_fetch, "jobs", method="POST", body={"notebook_path": "nbs/train.ipynb"})
    _, by_hand = await call(jp_fetch, "jobs", job["job_id"], "runs", method="POST", body={})
    _, by_alert = await call(jp_fetch, "jobs", job["job_id"], "runs", method="POST",
                             body={"trigger": "alert"})  # fmt: skip
    assert (by_hand["trigger"], by_alert["trigger"]) == ("manual", "alert")
    await finished(jp_fetch, by_hand["run_id"])
    run = await finished(jp_fetch, by_alert["run_id"])
    assert run["trigger"] == "alert"
    _, runs = await call(jp_fetch, "jobs", job["job_id"], "runs")
    assert sorted(r["trigger"] for r in runs["runs"]) == ["alert", "manual"]
    code, error = await error_of(jp_fetch, "jobs", job["job_id"], "runs", method="POST",
                                 body={"trigger": "schedule"})  # fmt: skip
    assert (code, error["field"]) == (400, "trigger")
