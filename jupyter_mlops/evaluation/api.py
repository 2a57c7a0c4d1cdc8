"""The gates' Python API: declare gates, attach constraints, promote with gates, propose.

Kernels and jobs reach the Jupyter server that started them (its jobs runner runs the gates as
a task, with progress in the Jobs panel); outside a server the gates run in this process.
"""

from __future__ import annotations

import time
from typing import Any

from ..core.errors import ErrorCode, MLOpsError
from ..core.server_link import ServerLink, ServerUnreachable
from ..core.store import get_database
from .gate_spec import GateSpec
from .promotion import FINISHED
from .store import EvaluationStore, GateRun

POLL_S = 0.5


def set_gates(model: str, alias: str | None = None, **gates: Any) -> GateSpec:
    """Declare the gates of `model` (or of its `alias`): see `GateSpec` for the fields,
    e.g. `set_gates("churn", holdout="holdout.parquet", target="churned", tolerance=0.01,
    slices=["region"], max_slice_drop=0.05, max_p99_ms=50)`."""
    from ..serving.api import get_registry
    from ..serving.model_uri import check_alias, check_name

    check_name(model)
    get_registry().get_model(model)
    spec = GateSpec.model_validate(gates)
    return EvaluationStore(get_database()).set_spec(
        model, spec, check_alias(alias) if alias else ""
    )


def get_gates(model: str, alias: str | None = None) -> GateSpec | None:
    """The gates `model@alias` (else `model`) declares, or None."""
    return EvaluationStore(get_database()).get_spec(model, alias)


def set_version_constraints(model: str, version: int, constraints: Any) -> dict[str, Any]:
    """Attach data constraints (a `Constraints`, its dict, or YAML/JSON) to a registered
    version: its gates validate the holdout against them (instead of those its training
    profile suggests)."""
    from ..serving.api import get_registry
    from ..serving.model_uri import ModelRef
    from .validation import _as_constraints

    get_registry().get_version(ModelRef(model, version=int(version)))
    data = _as_constraints(constraints).to_dict()
    EvaluationStore(get_database()).set_constraints(model, int(version), data)
    return data


def version_constraints(model: str, version: int | None, alias: str | None = None) -> Any:
    """The constraints a version carries (attached, else suggested from its training data);
    `alias` instead of `version` reads those of the version the alias points to now."""
    from ..serving.model_uri import ModelRef, check_alias
    from .version_refs import carried_constraints

    ref = (
        ModelRef(model, alias=check_alias(alias))
        if alias
        else ModelRef(model, version=int(version or 0))
    )
    return carried_constraints(ref)


def promote(
    endpoint_name: str,
    version: int,
    *,
    gates: bool = False,
    override: bool = False,
    raise_on_refusal: bool = True,
) -> Any:
    """Serve `version` on an endpoint. Without `gates`, serving's promote (returns the
    Endpoint). With `gates=True`, the model's gates run first (a jobs-runner task) and the
    GateRun is returned once decided; a refusal raises (409, field `gates`) listing the failed
    gates, unless `override=True` (needs MANAGE on the model; audited)."""
    if not gates:
        from ..serving.api import promote as plain

        return plain(endpoint_name, version)
    run = _gate_run(endpoint_name, version, "promote", override)
    if run.status == "refused" and raise_on_refusal:
        raise MLOpsError(run.message or "refused", ErrorCode.CONFLICT, "gates")
    return run


def check_gates(endpoint_name: str, version: int) -> GateRun:
    """Run the gates for serving `version` on an endpoint, without promoting."""
    return _gate_run(endpoint_name, version, "check", False)


def propose_promotion(endpoint_name: str, version: int) -> GateRun:
    """The drift loop's step after a retraining job registers `version`: gates, then promote
    when every gate passes and the gates say `auto_promote`, else an approval request (or a
    pending promotion when the team services are absent)."""
    return _gate_run(endpoint_name, version, "propose", False)


def get_gate_run(gate_run_id: str) -> GateRun:
    """A gate run with its results."""
    return EvaluationStore(get_database()).get_run(gate_run_id)


def _gate_run(endpoint_name: str, version: int, mode: str, override: bool) -> GateRun:
    link = ServerLink.from_environment()
    if link is not None:
        body = {"endpoint": endpoint_name, "version": int(version), "mode": mode,
                "override": override}  # fmt: skip
        try:
            started = link.request("POST", "evaluation/gate-runs", body)
        except ServerUnreachable:  # a job's server went away: run the gates here instead
            pass
        else:
            store = EvaluationStore(get_database())
            while True:
                run = store.get_run(started["gate_run_id"])
                if run.status in FINISHED:
                    return run
                time.sleep(POLL_S)
    from ..core.team.identity import current_user
    from .promotion import execute_gate_run, start_gate_run

    run = start_gate_run(get_database(), endpoint_name, version, mode, override, current_user())
    return execute_gate_run(run.gate_run_id)
