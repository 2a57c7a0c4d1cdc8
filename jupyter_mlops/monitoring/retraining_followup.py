"""The drift loop after the retraining: register -> evaluate -> gates -> promote or ask.

A drift alert starts its monitor's retraining job (`windows.raise_alert`). Each tick of the
monitoring ticker then looks at the latest alerts whose retraining run has ended and that
nobody followed up yet: it claims the alert (evaluation's `FollowupStore`), finds the version
the run registered (a model version whose source run is one of the tracking runs the job run
logged, tagged `mlops.job_run_id`), and starts a `propose` gate run of that version on the
monitored endpoint as a jobs-runner task (`evaluation.gates`). The gate run promotes when every
gate passes and the gates say `auto_promote`, else it asks for an approval.

`alert_chain` reads the whole chain back for one alert: alert -> job run -> version -> gate run
-> promoted or approval request.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from ..core.db import Database
from ..core.errors import MLOpsError
from ..core.tasks import BaseTaskRunner
from ..evaluation.capability import GATES_TASK
from ..evaluation.followups import AlertFollowup, FollowupStore
from ..evaluation.promotion import execute_gate_run, start_gate_run
from ..evaluation.store import EvaluationStore
from ..jobs.store import JobStore
from ..serving.registry import ModelRegistry
from ..tracking.base_store import BaseTrackingStore
from ..tracking.provenance import runs_of_job_runs
from .entities import MonitorAlert
from .store import MonitorStore

log = logging.getLogger(__name__)

# Alerts looked at per tick, newest first: older ones were followed up by earlier ticks.
SCAN_ALERTS = 50


def registered_versions(
    registry: ModelRegistry, tracking: BaseTrackingStore | None, model_name: str, job_run_id: str
) -> list[int]:
    """The versions of `model_name` registered from the tracking runs job run `job_run_id`
    logged, oldest first."""
    runs = set(runs_of_job_runs(tracking, [job_run_id])[job_run_id])
    if not runs:
        return []
    return sorted(v.version for v in registry.list_versions(model_name) if v.run_id in runs)


def follow_retrainings(
    database: Database,
    registry: ModelRegistry,
    tracking: BaseTrackingStore | None,
    runner: BaseTaskRunner,
) -> list[AlertFollowup]:
    """Follow up every alert whose retraining run has ended; returns what was started."""
    monitors, followups = MonitorStore(database), FollowupStore(database)
    alerts = [a for a in monitors.list_alerts(limit=SCAN_ALERTS) if a.job_run_id]
    done = followups.followed(a.alert_id for a in alerts)
    started = []
    for alert in alerts:
        if alert.alert_id in done:
            continue
        try:
            followup = _follow(database, registry, tracking, runner, alert)
        except Exception:  # one alert must not stop the others (nor the ticker)
            log.exception("following up alert %s failed", alert.alert_id)
            continue
        if followup is not None:
            started.append(followup)
    return started


def _follow(
    database: Database,
    registry: ModelRegistry,
    tracking: BaseTrackingStore | None,
    runner: BaseTaskRunner,
    alert: MonitorAlert,
) -> AlertFollowup | None:
    assert alert.job_run_id is not None
    run = JobStore(database).get_run(alert.job_run_id)
    if not run.status.final:
        return None
    followups = FollowupStore(database)
    if run.status.value != "succeeded":
        followups.claim(
            alert.alert_id, run.run_id, "job_failed", message=f"retraining {run.status.value}"
        )
        return None
    endpoint_name = MonitorStore(database).get_monitor(alert.monitor_id).endpoint_name
    endpoint = registry.get_endpoint(endpoint_name)
    versions = registered_versions(registry, tracking, endpoint.model_name, run.run_id)
    if not versions:
        followups.claim(
            alert.alert_id, run.run_id, "no_version", message="the retraining registered none"
        )
        return None
    version = versions[-1]
    if not followups.claim(alert.alert_id, run.run_id, "gating", version=version):
        return None  # another ticker claimed it
    try:
        gate_run = start_gate_run(database, endpoint_name, version, mode="propose")
    except MLOpsError as exc:
        state = "no_gates" if exc.field == "gates" else "error"
        return followups.update(alert.alert_id, state=state, message=exc.message)
    followups.update(alert.alert_id, gate_run_id=gate_run.gate_run_id)
    if runner is None:
        execute_gate_run(gate_run.gate_run_id)
    else:
        title = f"gates: {gate_run.model_name} v{version} on {endpoint_name} (drift loop)"
        task_id = runner.submit(GATES_TASK, {"gate_run_id": gate_run.gate_run_id}, title)
        EvaluationStore(database).update_run(gate_run.gate_run_id, task_run_id=task_id)
    return followups.get(alert.alert_id)


def alert_chain(
    database: Database, tracking: BaseTrackingStore | None, monitor_id: str, alert_id: int
) -> dict[str, Any]:
    """Alert -> job run -> registered version -> gate run -> promoted or approval request."""
    from ..evaluation import team_hooks
    from ..serving.api import get_registry

    monitors = MonitorStore(database)
    monitor = monitors.get_monitor(monitor_id)
    alert = next(
        (a for a in monitors.list_alerts(monitor_id, limit=1000) if a.alert_id == alert_id), None
    )
    if alert is None:
        from ..core.errors import NotFoundError

        raise NotFoundError(f"monitor {monitor_id!r} has no alert {alert_id}", field="alert_id")
    chain: dict[str, Any] = {
        "alert": asdict(alert),
        "job_run": None,
        "versions": [],
        "followup": None,
        "gate_run": None,
        "approval": None,
        "outcome": "no_retraining" if not alert.job_run_id else "retraining",
    }
    if not alert.job_run_id:
        return chain
    run = JobStore(database).get_run(alert.job_run_id)
    chain["job_run"] = {"run_id": run.run_id, "status": run.status.value, "error": run.error}
    registry = get_registry()
    model_name = registry.get_endpoint(monitor.endpoint_name).model_name
    chain["versions"] = registered_versions(registry, tracking, model_name, run.run_id)
    followup = FollowupStore(database).get(alert_id)
    if followup is None:
        return chain
    chain["followup"] = asdict(followup)
    chain["outcome"] = followup.state
    if followup.gate_run_id is None:
        return chain
    gate_run = EvaluationStore(database).get_run(followup.gate_run_id)
    chain["gate_run"] = {
        "gate_run_id": gate_run.gate_run_id,
        "status": gate_run.status,
        "failed": gate_run.failed,
        "message": gate_run.message,
        "task_run_id": gate_run.task_run_id,
    }
    chain["outcome"] = {"pending": "approval_requested"}.get(gate_run.status, gate_run.status)
    if gate_run.status == "pending" and followup.version is not None:
        chain["approval"] = team_hooks.find_approval(database, model_name, followup.version)
    return chain
