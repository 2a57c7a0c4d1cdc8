"""Job targets are a registry: a target registered by a test runs a job on the real runner (a
real kernel), is accepted and checked by the REST API, and an unknown target is a 400 naming
`target` that lists the registered ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.entities import JobSpec, RunStatus
from jupyter_mlops.jobs.execution import Outcome
from jupyter_mlops.jobs.runner import JobRunner
from jupyter_mlops.jobs.service import JobService
from jupyter_mlops.jobs.store import JobStore
from jupyter_mlops.jobs.targets import (
    JobTarget,
    LocalTarget,
    TargetRun,
    job_target_names,
    register_job_target,
    unregister_job_target,
)
from tests.support.jobs import outputs_text, write_notebook
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("jobs")


class TaggedTarget(JobTarget):
    """This machine, with a marker in the kernel's environment; it runs no GPU jobs."""

    description = "this machine, tagged"

    def __init__(self) -> None:
        self.runs: list[str] = []

    def check(self, spec: JobSpec) -> None:
        if spec.gpu:
            raise MLOpsError("the tagged target runs no GPU jobs", field="gpu")

    def execute(self, run: TargetRun) -> Outcome:
        self.runs.append(run.run.run_id)
        return LocalTarget().execute(replace(run, env={**run.env, "MLOPS_TARGET_TAG": "tagged"}))


@pytest.fixture
def tagged() -> Iterator[TaggedTarget]:
    target = TaggedTarget()
    register_job_target("tagged", target)
    yield target
    unregister_job_target("tagged")


def test_a_registered_target_runs_a_job_on_the_runner(tmp_path, tagged):
    write_notebook(
        tmp_path / "where.ipynb",
        "label = 'none'",
        "import os\nprint('on', os.environ.get('MLOPS_TARGET_TAG'), label)",
    )
    runner = JobRunner(get_database(), output_root=tmp_path / "out", root_dir=tmp_path)
    try:
        job = JobService(runner.store, tmp_path).create(
            JobSpec(notebook_path="where.ipynb", target="tagged", parameters={"label": "x"})
        )
        run = runner.wait(runner.run_job(job.job_id).run_id, timeout=180)
    finally:
        runner.close(wait=True)
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert (run.target, tagged.runs) == ("tagged", [run.run_id])
    assert "on tagged x" in outputs_text(run.outputs["ipynb"])


def test_a_target_checks_the_job_when_it_is_defined(tmp_path, tagged):
    write_notebook(tmp_path / "nb.ipynb", "n = 1", "print(n)")
    service = JobService(JobStore(get_database()), tmp_path)
    with pytest.raises(MLOpsError) as info:
        service.create(JobSpec(notebook_path="nb.ipynb", target="tagged", gpu=True))
    assert info.value.field == "gpu"


def test_a_run_whose_target_is_gone_fails_saying_so(tmp_path, tagged):
    write_notebook(tmp_path / "nb.ipynb", "n = 1", "print(n)")
    runner = JobRunner(get_database(), output_root=tmp_path / "out", root_dir=tmp_path)
    try:
        job = JobService(runner.store, tmp_path).create(
            JobSpec(notebook_path="nb.ipynb", target="tagged")
        )
        unregister_job_target("tagged")  # e.g. a server started without the plugin
        run = runner.wait(runner.run_job(job.job_id).run_id, timeout=60)
    finally:
        runner.close(wait=True)
    assert run.status is RunStatus.FAILED
    assert run.error is not None and "unknown target 'tagged'" in run.error
    assert tagged.runs == []


def test_target_names_are_checked_when_registered():
    assert job_target_names()[:2] == ["local", "dask"]
    with pytest.raises(ValueError):
        register_job_target("a name that is far too long", LocalTarget())
    with pytest.raises(ValueError):
        register_job_target("no/slash", LocalTarget())
    with pytest.raises(TypeError):
        register_job_target("plain", object())  # type: ignore[arg-type]
    assert "plain" not in job_target_names()


async def _post_job(jp_fetch, body):
    response = await jp_fetch("mlops", "api", "jobs", method="POST", body=json.dumps(body))
    return json.loads(response.body)


async def _error(jp_fetch, body):
    with pytest.raises(HTTPClientError) as info:
        await _post_job(jp_fetch, body)
    return info.value.code, error_body(info.value)


async def test_rest_takes_registered_targets_and_names_the_field_otherwise(
    jp_fetch, jp_root_dir, tagged
):
    write_notebook(jp_root_dir / "nb.ipynb", "n = 1", "print(n)")
    job = await _post_job(jp_fetch, {"notebook_path": "nb.ipynb", "target": "tagged"})
    assert job["target"] == "tagged"
    code, error = await _error(jp_fetch, {"notebook_path": "nb.ipynb", "target": "cloud"})
    assert (code, error["field"]) == (400, "target")
    assert "local, dask, tagged" in error["message"]
    code, error = await _error(
        jp_fetch, {"notebook_path": "nb.ipynb", "target": "tagged", "gpu": True}
    )
    assert (code, error["field"]) == (400, "gpu")
    code, error = await _error(jp_fetch, {"notebook_path": "nb.ipynb", "target": "x" * 17})
    assert (code, error["field"]) == (400, "target")
