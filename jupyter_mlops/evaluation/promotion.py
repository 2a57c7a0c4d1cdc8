"""Gated promotion: run a model's gates for a version, then promote, refuse, or ask.

A gate run has a mode: `check` (gates only: what the Promote button shows before confirming),
`promote` (promote when every gate passes, else refuse listing the failed gates, unless
`override`, which needs MANAGE and is audited), and `propose` (the drift loop: promote when
every gate passes and the gates say `auto_promote`, else ask for an approval).

The gates run as a jobs-runner task (kind `evaluation.gates`, with progress) when a Jupyter
server is reachable, else in this process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from ..core.errors import ErrorCode, MLOpsError
from ..core.store import get_database
from .gate_spec import GateSpec
from .store import EvaluationStore, GateResult, GateRun, now_ms

log = logging.getLogger(__name__)

MODES = ("check", "promote", "propose")
FINISHED = ("passed", "failed", "promoted", "refused", "overridden", "pending", "error")
SWITCH_TIMEOUT_S = 120.0


def served_version(registry: Any, endpoint: Any) -> int | None:
    """The version an endpoint serves now (its alias's, else its pinned one)."""
    if endpoint.alias:
        try:
            return int(registry.get_alias(endpoint.model_name, endpoint.alias).version)
        except MLOpsError:
            return None
    return int(endpoint.version) if endpoint.version is not None else None


def version_constraints(store: EvaluationStore, version: Any) -> Any:
    """The constraints a version carries: attached ones, else those its training-data profile
    suggests, else None."""
    attached = store.get_constraints(version.name, version.version)
    if attached is not None:
        return attached
    if version.training_profile:
        from ..profiling.store import load_profile
        from .suggestions import constraints

        return constraints(load_profile(version.training_profile))
    return None


def start_gate_run(
    database: Any,
    endpoint_name: str,
    version: int,
    mode: str = "promote",
    override: bool = False,
    requested_by: str | None = None,
    spec: GateSpec | None = None,
) -> GateRun:
    """Record a queued gate run for serving `version` on `endpoint_name` (checks first)."""
    from ..serving.model_uri import ModelRef
    from ..serving.registry import ModelRegistry

    if mode not in MODES:
        raise MLOpsError(f"mode must be one of {', '.join(MODES)}", field="mode")
    from ..core.config import resolve_data_dir

    registry = ModelRegistry(database, resolve_data_dir())
    endpoint = registry.get_endpoint(endpoint_name)
    registry.get_version(ModelRef(endpoint.model_name, version=int(version)))
    store = EvaluationStore(database)
    chosen = spec or store.get_spec(endpoint.model_name, endpoint.alias)
    if chosen is None:
        raise MLOpsError(
            f"model {endpoint.model_name!r} declares no gates (PUT evaluation/models/"
            f"{endpoint.model_name}/gates, or mlops.set_gates)",
            ErrorCode.CONFLICT,
            "gates",
        )
    if override:
        from . import team_hooks

        team_hooks.require_manage(
            database, endpoint.model_name, requested_by, "override failed gates"
        )
    run = store.create_run(
        endpoint.model_name, int(version), endpoint_name, mode, chosen, override, requested_by
    )
    return store.update_run(run.gate_run_id, served_version=served_version(registry, endpoint))


def execute_gate_run(
    gate_run_id: str, progress: Callable[[float], None] = lambda _f: None
) -> GateRun:
    """Run the gates of a recorded gate run and act on the verdict (the task's body)."""
    from ..serving.api import get_registry
    from ..serving.model_uri import ModelRef
    from .alias_gates import install
    from .gates import run_gates

    install()  # this process may move the alias itself (no server reachable)
    database = get_database()
    store = EvaluationStore(database)
    run = store.update_run(gate_run_id, status="running")
    registry = get_registry()
    spec = GateSpec.model_validate(run.spec)
    try:
        candidate = registry.get_version(ModelRef(run.model_name, version=run.version))
        served = None
        if run.served_version is not None and run.served_version != run.version:
            served = registry.get_version(ModelRef(run.model_name, version=run.served_version))
        results, evaluated, baseline = run_gates(
            spec,
            candidate.uri,
            served.uri if served else None,
            candidate.input_schema,
            served.input_schema if served else None,
            version_constraints(store, candidate),
            progress,
        )
    except MLOpsError as exc:
        return store.update_run(gate_run_id, status="error", message=exc.message, end_time=now_ms())
    evaluations = {
        "candidate": evaluated.to_dict(figures=False),
        "served": baseline.to_dict(figures=False) if baseline is not None else None,
    }  # the version page's Evaluation tab: metric by metric, slice by slice
    store.update_run(gate_run_id, results=results, evaluations=evaluations)
    return _decide(store, registry, run, spec, results)


def _decide(
    store: EvaluationStore, registry: Any, run: GateRun, spec: GateSpec, results: list[GateResult]
) -> GateRun:
    from . import team_hooks

    failed = [r.name for r in results if r.passed is False]
    verdict = "all gates passed" if not failed else f"failed gates: {', '.join(failed)}"
    finish: dict[str, Any] = {"end_time": now_ms()}
    if run.mode == "check":
        return store.update_run(
            run.gate_run_id, status="failed" if failed else "passed", message=verdict, **finish
        )
    if run.mode == "propose" and (failed or not spec.auto_promote):
        reason = verdict if failed else "all gates passed; the gates do not say auto_promote"
        endpoint = registry.get_endpoint(run.endpoint_name)
        approval = None
        if endpoint.alias:
            approval = team_hooks.request_approval(
                store.database,
                run.model_name,
                endpoint.alias,
                run.version,
                [asdict(r) for r in results],
            )
        where = f"approval request {approval}" if approval else "pending promotion in this run"
        return store.update_run(
            run.gate_run_id, status="pending", message=f"{reason}; {where}", **finish
        )
    if failed and not run.override:
        return store.update_run(
            run.gate_run_id, status="refused", message=f"refused: {verdict}", **finish
        )
    try:
        promote_now(registry, run.endpoint_name, run.version)
    except MLOpsError as exc:
        return store.update_run(
            run.gate_run_id,
            status="error",
            message=f"{verdict}; promotion failed: {exc.message}",
            **finish,
        )
    if failed:
        audited = team_hooks.audit(
            store.database,
            "gates.override",
            run.model_name,
            {
                "version": run.version,
                "endpoint": run.endpoint_name,
                "failed": failed,
                "user": run.requested_by,
                "gate_run_id": run.gate_run_id,
            },
        )
        where = "audited" if audited else "recorded in this gate run (no audit trail installed)"
        return store.update_run(
            run.gate_run_id,
            status="overridden",
            message=f"promoted by override of {run.requested_by or 'unknown user'} despite "
            f"{verdict}; {where}",
            **finish,
        )
    return store.update_run(run.gate_run_id, status="promoted", message=verdict, **finish)


def promote_now(registry: Any, endpoint_name: str | None, version: int) -> None:
    """Serve `version` on the endpoint: through the Jupyter server when one is reachable (its
    supervisor waits for every worker), else by moving the record and waiting for /health."""
    from ..core.server_link import ServerLink

    if endpoint_name is None:
        raise MLOpsError("no endpoint to promote on", field="endpoint")
    link = ServerLink.from_environment()
    if link is not None:
        link.request("POST", f"endpoints/{endpoint_name}/promote", {"version": int(version)})
        return
    endpoint = registry.get_endpoint(endpoint_name)
    if endpoint.alias:
        registry.set_alias(endpoint.model_name, endpoint.alias, int(version))
    else:
        registry.update_endpoint(
            endpoint_name, version=int(version), previous_version=endpoint.version
        )
    _wait_serving(endpoint, int(version))


def _wait_serving(endpoint: Any, version: int) -> None:
    from ..serving.endpoint_client import NO_ANSWER, get_json

    if endpoint.state != "running":
        return
    deadline = time.monotonic() + SWITCH_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if get_json(f"{endpoint.url}/health", None).get("version") == version:
                return
        except NO_ANSWER:
            pass
        time.sleep(0.2)
    raise MLOpsError(
        f"endpoint {endpoint.name!r} did not switch to version {version}", ErrorCode.UNAVAILABLE
    )
