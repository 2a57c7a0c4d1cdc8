"""`jupyter-mlops jobs ...` and the standalone `jupyter-mlops scheduler` as subprocesses on one
store: create (with a bad cron refused), list, pause/resume, a due firing run once by the
scheduler process (and not again by a second one), runs, delete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.store import JobStore
from tests.support.jobs import write_notebook


def cli(cwd, env, *args, ok=True):
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    if ok:
        assert done.returncode == 0, done.stderr
    return done


@pytest.mark.slow
def test_jobs_commands_and_the_standalone_scheduler(tmp_path, mlops_store):
    write_notebook(tmp_path / "nightly.ipynb", "rows: int = 10", "print('rows', rows)")
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    bad = cli(tmp_path, env, "jobs", "create", "nightly.ipynb", "--cron", "every night", ok=False)
    assert bad.returncode == 1 and "not a cron schedule" in bad.stderr
    # Hourly, at the minute five minutes ago (UTC, the default zone): one firing was missed, and
    # none falls due between the two scheduler passes below (with `*/5` one did whenever the
    # passes straddled a five-minute mark, and the second pass fired it).
    schedule = f"{time.gmtime(time.time() - 5 * 60).tm_min} * * * *"
    created = json.loads(
        cli(
            tmp_path,
            env,
            "jobs",
            "create",
            "nightly.ipynb",
            "--cron",
            schedule,
            "-p",
            "rows=20",
            "--missed",
            "catch_up",
            "--json",
        ).stdout
    )
    job_id = created["job_id"]
    assert created["parameters"] == {"rows": 20} and created["schedule"] == schedule
    listed = json.loads(cli(tmp_path, env, "jobs", "list", "--json").stdout)
    assert [job["job_id"] for job in listed] == [job_id]
    paused = json.loads(cli(tmp_path, env, "jobs", "pause", job_id, "--json").stdout)
    assert paused["paused"] is True
    cli(tmp_path, env, "jobs", "resume", job_id)

    # A firing was missed while no scheduler ran (catch_up): the standalone scheduler runs it.
    store = JobStore(get_database())
    store.update_job(job_id, schedule_since=int((time.time() - 11 * 60) * 1000))
    first = cli(tmp_path, env, "scheduler", "--once", "--root-dir", str(tmp_path))
    assert "fired nightly" in first.stdout
    second = cli(tmp_path, env, "scheduler", "--once", "--root-dir", str(tmp_path))
    assert "fired" not in second.stdout
    runs = json.loads(cli(tmp_path, env, "jobs", "runs", job_id, "--json").stdout)
    assert [(r["status"], r["trigger"]) for r in runs] == [("succeeded", "schedule")]
    assert runs[0]["parameters"] == {"rows": 20}

    cli(tmp_path, env, "jobs", "delete", job_id)
    assert store.list_jobs() == [] and store.list_runs(job_id=job_id) == []
    missing = cli(tmp_path, env, "jobs", "runs", job_id, ok=False)
    assert missing.returncode == 1 and f"no job '{job_id}'" in missing.stderr
