"""The jobs runner on real papermill kernels: typed parameters, the job's environment,
progress, a failing cell, a timeout that kills the kernel, `jupyter-mlops run`, and tasks in a
child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.tasks import register_task_kind
from jupyter_mlops.jobs.api import run_notebook
from jupyter_mlops.jobs.entities import RunStatus
from jupyter_mlops.jobs.runner import JobRunner
from tests.support.jobs import outputs_text, write_notebook
from tests.support.processes import wait_gone

PARAMS = "alpha = 0.5\nn: int = 3\nname = 'x'\nflag = False\nday = '2026-01-01'\ncols = [1, 2]"


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    return write_notebook(
        tmp_path / "work" / "train.ipynb",
        PARAMS,
        "import os\nprint(repr((alpha * n, name, flag, day, cols)))\n"
        "print(os.environ['JUPYTER_MLOPS_JOB_RUN_ID'], os.environ['JUPYTER_MLOPS_NOTEBOOK'])\n"
        "print('cwd', os.getcwd())",
        "assert n < 10, 'n too large'",
    )


def test_a_notebook_run_injects_typed_parameters_and_the_job_environment(notebook):
    run = run_notebook(
        notebook, {"n": 4, "name": 'it\'s "quoted"', "flag": True, "cols": [3, {"a": 1}]}
    )
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert run.cells_done == run.cells_total == 4  # with papermill's injected cell
    assert run.progress == 1.0 and run.start_time and run.end_time
    text = outputs_text(run.outputs["ipynb"])
    assert repr((2.0, 'it\'s "quoted"', True, "2026-01-01", [3, {"a": 1}])) in text
    assert f"{run.run_id} {notebook}" in text
    assert f"cwd {notebook.parent}" in text
    assert run.parameters["n"] == 4


def test_a_failing_cell_is_recorded_with_its_error_and_source(notebook):
    run = run_notebook(notebook, {"n": 40})
    assert run.status is RunStatus.FAILED
    assert run.error == "code cell 3 of 3: AssertionError: n too large"
    assert "assert n < 10" in (run.failed_cell_source or "")
    assert Path(run.outputs["ipynb"]).is_file()


def test_unknown_parameters_and_wrong_types_are_refused_naming_the_parameter(notebook):
    with pytest.raises(MLOpsError) as unknown:
        run_notebook(notebook, {"bogus": 1})
    assert unknown.value.field == "parameters.bogus"
    with pytest.raises(MLOpsError) as wrong:
        run_notebook(notebook, {"n": "three"})
    assert wrong.value.field == "parameters.n"
    with pytest.raises(MLOpsError) as bad_date:
        run_notebook(notebook, {"day": "yesterday"})
    assert bad_date.value.field == "parameters.day"


def test_a_timeout_kills_the_kernel_and_ends_the_run(tmp_path, mlops_store):
    from jupyter_mlops.jobs.entities import JobSpec
    from jupyter_mlops.jobs.service import JobService

    write_notebook(
        tmp_path / "slow.ipynb",
        "seconds = 60",
        "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(seconds)",
    )
    database = get_database()
    runner = JobRunner(database, output_root=mlops_store / "runs", root_dir=tmp_path)
    try:
        service = JobService(runner.store, tmp_path)
        job = service.create(JobSpec(notebook_path="slow.ipynb", timeout_s=3))
        started = time.monotonic()
        run = runner.wait(runner.run_job(job.job_id).run_id, timeout=60)
        assert time.monotonic() - started < 50
    finally:
        runner.close()
    assert run.status is RunStatus.TIMED_OUT, run.error
    assert "timed out after 3 s" in (run.error or "")
    assert "time.sleep" in (run.failed_cell_source or "")
    pid = int(outputs_text(run.outputs["ipynb"]).split()[0])
    wait_gone(pid)  # the timed-out kernel is killed, not left running


def test_jupyter_mlops_run_prints_json_and_exits_non_zero_on_failure(notebook, mlops_store):
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    command = [sys.executable, "-m", "jupyter_mlops.cli", "run", str(notebook)]
    ok = subprocess.run(
        [*command, "-p", "n=5", "-p", "flag=true", "-p", "cols=[7]", "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    answer = json.loads(ok.stdout)
    assert answer["status"] == "succeeded" and answer["parameters"]["cols"] == [7]
    assert "(2.5, 'x', True" in outputs_text(answer["output_path"])
    out = notebook.parent / "out.ipynb"
    failed = subprocess.run(
        [*command, "-p", "n=11", "--output", str(out)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert failed.returncode == 1
    assert "n too large" in failed.stderr and out.is_file()
    run_id = failed.stdout.strip()
    from jupyter_mlops.jobs.store import JobStore

    assert JobStore(get_database()).get_run(run_id).status is RunStatus.FAILED


def test_tasks_run_in_a_child_process_with_progress_and_a_result(tmp_path, mlops_store):
    register_task_kind("tests.sum", "tests.support.job_tasks:add_up")
    register_task_kind("tests.fail", "tests.support.job_tasks:refuse")
    register_task_kind("tests.validate", "tests.support.job_tasks:validate_a_notebook")
    runner = JobRunner(
        get_database(), output_root=mlops_store / "runs", root_dir=Path(__file__).parents[2]
    )
    try:
        ok = runner.submit("tests.sum", {"numbers": [1, 2, 3]}, title="sum")
        bad = runner.submit("tests.fail", {"what": "x"})
        validated = runner.submit("tests.validate", {})
        for run_id in (ok, bad, validated):
            runner.wait(run_id, 60)
    finally:
        runner.close()
    state = runner.get(ok)
    assert state.status == "succeeded" and state.progress == 1.0
    assert state.result["total"] == 6 and state.result["pid"] != os.getpid()
    failed = runner.get(bad)
    assert failed.status == "failed" and failed.error_field == "what"
    # The task process never builds rfc3987-syntax's IRI grammar (2.6 s of CPU) for nbformat.
    assert runner.get(validated).result == {"iri_grammar_built": False}
    assert [t.run_id for t in runner.list_tasks("tests.sum")] == [ok]
    with pytest.raises(MLOpsError) as unknown:
        runner.submit("no.such.kind", {})
    assert unknown.value.field == "kind"
