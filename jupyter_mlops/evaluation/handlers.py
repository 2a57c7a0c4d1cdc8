"""REST adapter of evaluation, under `/mlops/api/evaluation/`.

| verb   | path                                                | what                              |
|--------|-----------------------------------------------------|-----------------------------------|
| GET    | evaluation/models/{name}/gates                      | the model's gate specs by alias   |
| PUT    | evaluation/models/{name}/gates                      | declare gates (model or alias)    |
| GET    | evaluation/models/{name}/versions/{v}/constraints   | the constraints a version carries |
| PUT    | evaluation/models/{name}/versions/{v}/constraints   | attach constraints (dict or YAML) |
| GET    | evaluation/gate-runs                                | gate runs, newest first           |
| POST   | evaluation/gate-runs                                | run gates: check/promote/propose  |
| GET    | evaluation/gate-runs/{id}                           | one gate run, with task progress  |

`POST evaluation/gate-runs` answers 202 with the queued run (its gates run as a jobs-runner task,
kind `evaluation.gates`); with `wait: true` it answers once decided, 409 naming `gates` and
listing the failed ones when refused.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from tornado import web

from ..core.capability import ServerHost
from ..core.errors import ErrorCode, MLOpsError
from ..core.openapi import Contract
from ..core.rest import APIHandler
from ..core.tasks import TASK_RUNNER
from ..serving.capability import REGISTRY
from . import api_models as api
from .capability import EVALUATION_STORE, GATES_TASK
from .gate_spec import GateSpec
from .promotion import FINISHED, start_gate_run, version_constraints
from .store import EvaluationStore

_NAME = r"(?P<name>[^/]+)"
WAIT_POLL_S = 0.5


def setup(app: ServerHost) -> None:
    """Build the evaluation store; make passed gate runs move protected aliases, and jobs'
    `validate:` inputs checked before each run."""
    from .alias_gates import install
    from .job_inputs import install as install_job_inputs

    install()  # a passed gate run moves a protected alias where the gates say they suffice
    store = EvaluationStore(app.database)
    app.services.provide(EVALUATION_STORE, store)
    install_job_inputs(app.services.get(REGISTRY), store)


class _Handler(APIHandler):
    @property
    def store(self) -> EvaluationStore:
        return self.service(EVALUATION_STORE)

    def _check_model(self, name: str) -> None:
        from ..serving.model_uri import check_name

        check_name(name)
        self.service(REGISTRY).get_model(name)

    async def reply_run(self, gate_run_id: str, status: int = 200) -> None:
        run = await self.run_blocking(self.store.get_run, gate_run_id)
        progress = None
        if run.task_run_id:
            runner = self.services.find(TASK_RUNNER)
            if runner is not None:
                task = await self.run_blocking(runner.get, run.task_run_id)
                progress = task.progress
                if task.finished and run.status not in FINISHED:
                    # The task died before deciding (killed, timed out): say so.
                    run = await self.run_blocking(
                        self.store.update_run,
                        gate_run_id,
                        status="error",
                        message=task.error or f"the gate task {task.status}",
                    )
        self.reply(api.gate_run_out(run, progress), status)


class GatesHandler(_Handler):
    """`evaluation/models/{name}/gates`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A model's gate specs by alias", response=api.GateSpecsOut),
        "put": Contract(
            "Declare the gates of a model or one alias",
            response=api.GateSpecsOut,
            body=api.GateSpecIn,
        ),
    }

    @web.authenticated
    async def get(self, name: str) -> None:
        """GET: see the class docstring and `contract`."""
        await self.run_blocking(self._check_model, name)
        specs = await self.run_blocking(self.store.list_specs, name)
        self.reply(api.GateSpecsOut(model=name, gates=specs))

    @web.authenticated
    async def put(self, name: str) -> None:
        """PUT: see the class docstring and `contract`."""
        from ..serving.model_uri import check_alias

        body = self.parse_body(api.GateSpecIn)
        alias = check_alias(body.alias) if body.alias else ""
        await self.run_blocking(self._check_model, name)
        spec = GateSpec.model_validate(body.model_dump(exclude={"alias"}))
        await self.run_blocking(self.store.set_spec, name, spec, alias)
        specs = await self.run_blocking(self.store.list_specs, name)
        self.reply(api.GateSpecsOut(model=name, gates=specs))


class ConstraintsHandler(_Handler):
    """`evaluation/models/{name}/versions/{version}/constraints`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The data constraints a version carries", response=api.ConstraintsOut),
        "put": Contract(
            "Attach data constraints to a version",
            response=api.ConstraintsOut,
            body=api.ConstraintsIn,
        ),
    }

    def _version(self, name: str, version: str) -> Any:
        from ..core.query import is_decimal
        from ..serving.model_uri import MAX_VERSION, ModelRef, check_name

        if not is_decimal(version) or not 1 <= int(version) <= MAX_VERSION:
            raise MLOpsError(f"version {version!r} must be a positive number", field="version")
        return self.service(REGISTRY).get_version(ModelRef(check_name(name), version=int(version)))

    def _out(self, found: Any) -> api.ConstraintsOut:
        attached = self.store.get_constraints(found.name, found.version)
        carried = attached if attached is not None else version_constraints(self.store, found)
        data = carried if isinstance(carried, dict) or carried is None else carried.to_dict()
        return api.ConstraintsOut(
            model=found.name,
            version=found.version,
            attached=attached is not None,
            constraints=data,
        )

    @web.authenticated
    async def get(self, name: str, version: str) -> None:
        """GET: see the class docstring and `contract`."""
        found = await self.run_blocking(self._version, name, version)
        self.reply(await self.run_blocking(self._out, found))

    @web.authenticated
    async def put(self, name: str, version: str) -> None:
        """PUT: see the class docstring and `contract`."""
        from .constraint_set import Constraints

        body = self.parse_body(api.ConstraintsIn)
        if (body.constraints is None) == (body.text is None):
            raise MLOpsError(
                "give constraints (a mapping) or text (YAML/JSON)", field="constraints"
            )
        rules = (
            Constraints.from_text(body.text)
            if body.text is not None
            else Constraints.from_dict(body.constraints)
        )
        found = await self.run_blocking(self._version, name, version)
        await self.run_blocking(
            self.store.set_constraints, found.name, found.version, rules.to_dict()
        )
        self.reply(await self.run_blocking(self._out, found))


class GateRunsHandler(_Handler):
    """`evaluation/gate-runs`: list, start."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "Gate runs, newest first", response=api.GateRunList, query=api.GateRunQuery
        ),
        "post": Contract(
            "Run a model's gates for a version on an endpoint (and promote, or propose)",
            response=api.GateRunOut,
            body=api.GateRunIn,
            status=202,
        ),
    }

    @web.authenticated
    async def get(self) -> None:
        """GET: see the class docstring and `contract`."""
        query = self.parse_query(api.GateRunQuery)
        runs = await self.run_blocking(self.store.list_runs, query.model, query.limit)
        self.reply(api.GateRunList(gate_runs=[api.gate_run_out(r) for r in runs]))

    @web.authenticated
    async def post(self) -> None:
        """POST: see the class docstring and `contract`."""
        from ..core.team.identity import current_user

        body = self.parse_body(api.GateRunIn)
        run = await self.run_blocking(
            start_gate_run,
            self.database,
            body.endpoint,
            body.version,
            body.mode,
            body.override,
            current_user(),
        )
        runner = self.service(TASK_RUNNER)
        title = f"gates: {run.model_name} v{run.version} on {body.endpoint} ({body.mode})"
        task_id = await self.run_blocking(
            runner.submit, GATES_TASK, {"gate_run_id": run.gate_run_id}, title
        )
        await self.run_blocking(self.store.update_run, run.gate_run_id, task_run_id=task_id)
        if not body.wait:
            await self.reply_run(run.gate_run_id, 202)
            return
        # Until the task ends, not only the verdict: the task records its verdict just before
        # it ends, and an answer read in between said "promoted" at progress 0.95.
        while not (await self.run_blocking(runner.get, task_id)).finished:
            await asyncio.sleep(WAIT_POLL_S)
        current = await self.run_blocking(self.store.get_run, run.gate_run_id)
        if current.status == "refused":
            raise MLOpsError(current.message or "refused", ErrorCode.CONFLICT, "gates")
        await self.reply_run(run.gate_run_id)


class GateRunHandler(_Handler):
    """`evaluation/gate-runs/{gate_run_id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("One gate run with its task's progress", response=api.GateRunOut),
    }

    @web.authenticated
    async def get(self, gate_run_id: str) -> None:
        """GET: see the class docstring and `contract`."""
        await self.reply_run(gate_run_id)


ROUTES = [
    (f"evaluation/models/{_NAME}/gates", GatesHandler),
    (f"evaluation/models/{_NAME}/versions/(?P<version>[^/]+)/constraints", ConstraintsHandler),
    ("evaluation/gate-runs", GateRunsHandler),
    ("evaluation/gate-runs/(?P<gate_run_id>[^/]+)", GateRunHandler),
]
