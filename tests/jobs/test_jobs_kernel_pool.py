"""Warm kernels (jobs/kernel_pool.py) on real kernels: a run in a kernel started ahead of it sees
exactly what a kernel started for it sees (the run's variables, folder, import path, a clean
namespace, counts from 1); a kernel started with another environment is not used; closing the
runner stops the kernels it kept."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

import psutil
import pytest

from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.entities import JobSpec, RunStatus
from jupyter_mlops.jobs.runner import JobRunner
from jupyter_mlops.jobs.service import JobService
from tests.support.jobs import write_notebook

REPORT = (
    "import json, os, sys, psutil\n"
    "me = psutil.Process()\n"
    "print(json.dumps({'pid': me.pid, 'created': me.create_time(), 'cwd': os.getcwd(),\n"
    "  'run': os.environ.get('JUPYTER_MLOPS_JOB_RUN_ID'),\n"
    "  'marker': os.environ.get('MLOPS_POOL_T'),\n"
    "  'path0': sys.path[:4], 'names': sorted(k for k in globals() if 'mlops' in k), 'n': n}))"
)


def _report(output: str) -> dict:
    import nbformat

    for cell in nbformat.read(output, as_version=4).cells:
        for out in cell.get("outputs", []):
            if out.get("text", "").startswith("{"):
                return json.loads(out["text"])
    raise AssertionError("no report printed")


@pytest.fixture
def runner(tmp_path: Path, mlops_store: Path):
    write_notebook(tmp_path / "work" / "pool.ipynb", "n = 1", REPORT)
    runner = JobRunner(get_database(), output_root=mlops_store / "runs", root_dir=tmp_path)
    yield runner
    runner.close()


def _run(runner: JobRunner, tmp_path: Path, n: int):
    job = JobService(runner.store, tmp_path).create(
        JobSpec(notebook_path="work/pool.ipynb", parameters={"n": n})
    )
    run = runner.wait(runner.run_job(job.job_id).run_id, timeout=300)
    assert run.status is RunStatus.SUCCEEDED, run.error
    return run, _report(run.outputs["ipynb"])


def test_a_warm_kernel_runs_the_notebook_as_a_fresh_one_would(runner, tmp_path):
    cold_run, cold = _run(runner, tmp_path, 1)  # no kernel ahead: starts one, and one more
    warm_run, warm = _run(runner, tmp_path, 2)
    assert cold["created"] * 1000 >= cold_run.start_time - 1000  # started for the run
    assert warm["created"] * 1000 < warm_run.start_time  # started before the run existed
    assert warm["pid"] != cold["pid"]
    for key in ("cwd", "path0", "names", "marker"):
        assert warm[key] == cold[key], key
    assert warm["cwd"] == str(tmp_path / "work")
    assert warm["names"] == []  # the preamble leaves nothing in the user's namespace
    assert (warm["run"], warm["n"]) == (warm_run.run_id, 2)
    import nbformat

    counts = [c.get("execution_count") for c in nbformat.read(warm_run.outputs["ipynb"], 4).cells]
    assert counts == [1, 2, 3]  # the silent preamble takes no execution count


def test_a_kernel_started_with_another_environment_is_not_used(runner, tmp_path, monkeypatch):
    _run(runner, tmp_path, 1)  # leaves a warm kernel started without MLOPS_POOL_T
    monkeypatch.setenv("MLOPS_POOL_T", "set after the kernel started")
    run, report = _run(runner, tmp_path, 3)
    assert report["marker"] == "set after the kernel started"
    assert report["created"] * 1000 >= run.start_time - 1000  # a kernel of its own


def test_closing_the_runner_stops_the_kernels_it_kept(tmp_path, mlops_store):
    write_notebook(tmp_path / "work" / "pool.ipynb", "n = 1", REPORT)
    runner = JobRunner(get_database(), output_root=mlops_store / "runs", root_dir=tmp_path)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    runner.prewarm("python3")
    deadline = time.monotonic() + 120
    kept: set[int] = set()
    while not kept and time.monotonic() < deadline:
        kept = {p.pid for p in psutil.Process().children(recursive=True)} - before
        time.sleep(0.2)
    assert kept
    runner.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(psutil.pid_exists(p) for p in kept):
        for pid in kept:  # reap our zombie children
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        time.sleep(0.2)
    assert not any(psutil.pid_exists(p) for p in kept)


@pytest.fixture(params=[True, False], ids=["warm", "cold"])
def jp_server_config(request: pytest.FixtureRequest, jp_server_config: dict) -> dict:
    """The suite's server (warm kernels off there) with `MLOpsApp.jobs_warm_kernels` set."""
    jp_server_config["MLOpsApp"]["jobs_warm_kernels"] = request.param
    return jp_server_config


async def test_the_servers_runner_refills_warm_kernels_as_configured(mlops_app):
    from jupyter_mlops.app import MLOpsApp
    from jupyter_mlops.jobs.capability import JOB_RUNNER

    assert MLOpsApp.class_traits()["jobs_warm_kernels"].default_value is True
    pool = mlops_app.services.get(JOB_RUNNER)._kernels
    assert pool.refill is mlops_app.jobs_warm_kernels
