"""Capabilities wired by declaration (issue 18, section 1): the allow-list runs those asked for
and what they require, the others' routes answer 404; a missing requirement stops the start
with a message naming it; a deployment's own capability plugs in by configuration alone."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_mlops.capabilities import installed_capabilities
from jupyter_mlops.core.capability import Capability, CapabilityError, ServiceKey, resolve
from jupyter_mlops.core.tasks import TASK_RUNNER, task_target

EXTRA = "tests.support.extra_capability"


@pytest.fixture
def jp_server_config(
    request: pytest.FixtureRequest, mlops_store: Path, sqlite_template: Path
) -> dict[str, Any]:
    """The suite's server, with the `MLOpsApp` settings of the test's parameter."""
    mlops_store.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template, mlops_store / "mlops.db")
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_mlops": True},
            # An extension that fails to load is otherwise only a warning in Jupyter's log.
            "reraise_server_extension_failures": True,
        },
        "MLOpsApp": request.param,
    }


def _names(capabilities: list[Capability]) -> list[str]:
    return [c.name for c in capabilities]


def test_the_allow_list_adds_what_its_capabilities_require() -> None:
    chosen = _names(resolve(installed_capabilities(), ["profiling", "tracking"]))
    # Profiling's big files run on the jobs runner; health always runs (the API's document).
    assert sorted(chosen) == ["health", "jobs", "profiling", "tracking"]
    assert chosen.index("jobs") < chosen.index("profiling")
    everything = _names(resolve(installed_capabilities(), None))
    assert sorted(everything) == sorted(_names(list(installed_capabilities())))


def test_providers_are_set_up_before_their_users() -> None:
    order = _names(resolve(installed_capabilities(), None))
    assert order.index("serving") < order.index("monitoring")  # requires the registry
    assert order.index("serving") < order.index("mlflow_compat")  # uses it when present
    assert order.index("tracking") < order.index("jobs")  # uses it when present
    monitoring = _names(resolve(installed_capabilities(), ["monitoring"]))
    assert sorted(monitoring) == ["health", "jobs", "monitoring", "serving"]


def test_unknown_names_and_missing_requirements_are_refused() -> None:
    with pytest.raises(CapabilityError, match="unknown capabilities \\['servng'\\]"):
        resolve(installed_capabilities(), ["servng"])
    orphan = Capability("orphan", "Orphan", "nowhere", requires=(ServiceKey[int]("nobody"),))
    with pytest.raises(CapabilityError, match="'orphan' requires the service 'nobody'"):
        resolve([*installed_capabilities(), orphan], ["orphan"])
    # Declared but not asked for (nor required): it does not run, and nothing fails.
    assert "orphan" not in _names(resolve([*installed_capabilities(), orphan], ["tracking"]))


def test_task_kinds_come_from_the_declarations() -> None:
    assert task_target("profiling.profile_file") == "jupyter_mlops.profiling.tasks:profile_file"
    assert task_target("evaluation.gates") == "jupyter_mlops.evaluation.tasks:run_gates"
    jobs = next(c for c in installed_capabilities() if c.name == "jobs")
    assert TASK_RUNNER in jobs.provides
    # What each capability submits is what it declares (the service modules name their kind).
    from jupyter_mlops.evaluation.capability import GATES_TASK
    from jupyter_mlops.monitoring.service import TASK_KIND as WINDOW_TASK
    from jupyter_mlops.profiling.jobs import TASK_KIND as PROFILE_TASK

    for kind in (GATES_TASK, WINDOW_TASK, PROFILE_TASK):
        module, _, function = task_target(kind).partition(":")
        assert callable(getattr(importlib.import_module(module), function))


@pytest.mark.parametrize(
    "jp_server_config", [{"capabilities": ["profiling", "tracking"]}], indirect=True
)
async def test_a_server_runs_only_the_allowed_capabilities(jp_fetch: Any) -> None:
    runs = await jp_fetch("mlops", "api", "experiments")
    assert runs.code == 200
    await jp_fetch("mlops", "api", "jobs")  # required by profiling: it runs
    for path in (("models",), ("monitors",), ("clusters",), ("evaluation", "gate-runs")):
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch("mlops", "api", *path)
        assert refused.value.code == 404, path
    health = json.loads((await jp_fetch("mlops", "api", "health")).body)
    enabled = {c["name"]: c["enabled"] for c in health["capabilities"]}
    assert enabled["tracking"] and enabled["profiling"] and enabled["jobs"]
    assert not enabled["serving"] and not enabled["monitoring"] and not enabled["clusters"]
    document = json.loads((await jp_fetch("mlops", "api", "openapi.json")).body)
    assert not any(path.endswith("/models") for path in document["paths"])


@pytest.mark.parametrize(
    "jp_server_config",
    [{"capabilities": ["hello"], "extra_capabilities": [f"{EXTRA}:HELLO"]}],
    indirect=True,
)
async def test_a_deployments_capability_plugs_in_by_configuration(jp_fetch: Any) -> None:
    hello = json.loads((await jp_fetch("mlops", "api", "hello")).body)
    assert hello == {"greeting": "hello from a plug-in", "experiments": 0}
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("mlops", "api", "models")
    assert refused.value.code == 404


@pytest.mark.parametrize(
    "jp_server_config",
    [{"capabilities": ["needy"], "extra_capabilities": [f"{EXTRA}:NEEDY"]}],
    indirect=True,
)
def test_a_missing_requirement_stops_the_server_at_start(
    request: pytest.FixtureRequest, jp_server_config: dict[str, Any]
) -> None:
    with pytest.raises(
        CapabilityError,
        match="'needy' requires the service "
        "'a-service-nobody-provides', which no installed capability provides",
    ):
        request.getfixturevalue("jp_serverapp")


def test_each_capability_keeps_its_revisions_in_its_own_folder() -> None:
    """Revisions are found in the declared folders (and core's baseline), and every id fits
    PostgreSQL's `alembic_version.version_num` (VARCHAR(32)): a longer one breaks upgrades."""
    from jupyter_mlops.core import schema

    folders = schema.version_folders()
    assert folders[0].parts[-3:] == ("core", "migrations", "versions")
    declared = {c.name for c in installed_capabilities() if c.migrations}
    found = {folder.parent.name for folder in folders[1:]}
    assert found <= declared and {"tracking", "jobs", "serving", "monitoring"} <= found
    ids = [path.stem for folder in folders for path in folder.glob("*.py")]
    too_long = [revision for revision in ids if len(revision) > 32]
    assert not too_long, f"revision ids longer than 32 characters: {too_long}"
    assert schema.head_revisions() == schema.alembic_head_revisions()


@pytest.mark.parametrize(
    "jp_server_config",
    [{"allow_pickle_models": True, "serving_base_port": 9321, "jobs_concurrency": 3}],
    indirect=True,
)
def test_the_apps_settings_reach_the_services_they_configure(mlops_app: Any) -> None:
    from jupyter_mlops.jobs.capability import JOB_RUNNER
    from jupyter_mlops.serving.capability import SUPERVISOR

    supervisor = mlops_app.services.get(SUPERVISOR)
    assert supervisor.allow_pickle_models is True
    assert supervisor.base_port == 9321 or "JUPYTER_MLOPS_SERVING_BASE_PORT" in os.environ
    assert mlops_app.services.get(JOB_RUNNER).concurrency == 3
