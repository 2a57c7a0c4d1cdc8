"""A gate run keeps the two evaluations it compared (the candidate's and the served version's,
on the same holdout): the version page's Evaluation tab shows them metric by metric and slice by
slice. Through REST on a real Jupyter server, its jobs runner and a real endpoint process; data
and versions as in test_evaluation_gates_rest (scikit-learn's breast cancer set, `size_band`
derived from `mean radius`: a slice, not a protected attribute)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import ValidationError

from jupyter_mlops.evaluation.api_models import GateRunOut
from jupyter_mlops.evaluation.gate_spec import GateSpec
from tests.evaluation.test_evaluation_gates_rest import _gates, versions
from tests.support.rest import call

pytestmark = [pytest.mark.capabilities("evaluation"), pytest.mark.timeout(900)]

__all__ = ["versions"]  # the fixture, shared with the gates' REST tests


async def _finished(jp_fetch: Any, gate_run_id: str) -> dict[str, Any]:
    while True:
        run = await call(jp_fetch, "GET", "evaluation", "gate-runs", gate_run_id)
        if run["end_time"] is not None:
            return run
        await asyncio.sleep(0.5)


async def test_a_gate_run_keeps_both_evaluations(jp_fetch, versions) -> None:
    await call(jp_fetch, "POST", "endpoints", body={"model": "cancer@champion"})
    await call(jp_fetch, "PUT", "evaluation", "models", "cancer", "gates",
               body=_gates(versions["clean"]))  # fmt: skip
    queued = await call(jp_fetch, "POST", "evaluation", "gate-runs",
                        body={"endpoint": "cancer", "version": 2, "mode": "check"})  # fmt: skip
    # nothing evaluated before the task ran
    assert queued["evaluations"] == {"candidate": None, "served": None}
    run = await _finished(jp_fetch, queued["gate_run_id"])
    assert run["status"] == "failed" and "holdout_metric" in run["failed"]

    candidate, served = run["evaluations"]["candidate"], run["evaluations"]["served"]
    assert candidate["model"] == "models:/cancer/2" and served["model"] == "models:/cancer/1"
    assert candidate["n_rows"] == served["n_rows"] == 228  # the same holdout rows
    gate = next(r for r in run["results"] if r["name"] == "holdout_metric")
    assert candidate["metrics"]["roc_auc"] == gate["values"]["candidate"]
    assert served["metrics"]["roc_auc"] == gate["values"]["served"]
    assert set(candidate["slices"]["size_band"]) == {"large", "small"}
    assert "true_positive_rate" in candidate["fairness"]["size_band"]["difference"]
    assert "figures" not in candidate  # the figures are a run's artifacts, not the gate run's

    listed = await call(jp_fetch, "GET", "evaluation", "gate-runs", params={"model": "cancer"})
    assert listed["gate_runs"][0]["evaluations"] == run["evaluations"]


def test_a_gate_run_answers_with_the_spec_it_kept_less_fields_no_longer_declared() -> None:
    """A run keeps the spec it checked; one stored by a version whose GateSpec had a field
    since dropped still answers (without it) instead of failing validation."""
    stored = {
        "gate_run_id": "g1", "model_name": "m", "version": 2, "endpoint_name": None,
        "served_version": None, "mode": "check", "status": "passed", "override": False,
        "requested_by": None, "failed": [], "results": [], "message": None,
        "task_run_id": None, "created_time": 1, "end_time": 2,
        "spec": {"target": "y", "slice_metric": "accuracy", "a_retired_field": 3},
    }  # fmt: skip
    answer = GateRunOut.model_validate(stored)
    assert answer.spec.target == "y" and answer.spec.slice_metric == "accuracy"
    assert "a_retired_field" not in answer.model_dump()["spec"]
    with pytest.raises(ValidationError):  # as input, an unknown gate field is still refused
        GateSpec.model_validate(stored["spec"])
