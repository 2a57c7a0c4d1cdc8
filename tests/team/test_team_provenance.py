""" "Why is v2 in production?" through REST: `models/{name}/versions/{v}/provenance` answers
from the store: who registered it from which run and notebook, who moved @production there
(approving whose request), and the gate run that checked it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from tornado.httpclient import HTTPClientError

import jupyter_mlops as mlops
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.team import settings
from jupyter_mlops.core.team.identity import acting_as
from jupyter_mlops.core.team.permissions import Permission
from jupyter_mlops.core.team.service import TeamService
from jupyter_mlops.evaluation.gate_spec import GateSpec
from jupyter_mlops.evaluation.store import EvaluationStore, GateResult
from jupyter_mlops.serving.api import get_registry
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("team", "serving", "jobs", "tracking")


@pytest.fixture
def protected() -> Iterator[None]:
    previous = settings.configure(settings.TeamSettings(protected_aliases=("production",)))
    yield
    settings.restore(previous)


def _train(seed: int) -> str:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(40, 2)), columns=["a", "b"])
    with mlops.start_run(experiment="churn", name=f"train-{seed}") as run:
        mlops.log_model(LogisticRegression().fit(X, X["a"] > seed), "model", X=X)
    return str(run.run_id)


async def _provenance(jp_fetch: Any, version: str) -> dict[str, Any]:
    answer = await jp_fetch("mlops", "api", "models", "churn", "versions", version, "provenance")
    return dict(json.loads(answer.body))


async def test_why_is_a_version_in_production(jp_fetch: Any, protected: None) -> None:
    registry = get_registry()
    service = TeamService(get_database())
    with acting_as("ana"):
        first, second = _train(0), _train(1)
        v1 = mlops.register_model(f"runs:/{first}/model", "churn").version
        v2 = mlops.register_model(f"runs:/{second}/model", "churn").version
        service.set_grant("model", "churn", "bob", Permission.MANAGE)
        for version, why in ((v1, "first release"), (v2, "recall +3%")):
            request = service.request_approval("churn", "production", version, why)
            with acting_as("bob"):
                service.decide(request.id, True, "go" if version == v2 else "ok")
                registry.set_alias("churn", "production", version)
    gates = EvaluationStore(get_database())
    check = gates.create_run("churn", v2, None, "check", GateSpec(), requested_by="ana")
    gates.update_run(
        check.gate_run_id,
        status="passed",
        results=[
            GateResult("schema", True, "same columns"),
            GateResult("metric", True, "accuracy 0.91 >= 0.88"),
        ],
    )

    story = await _provenance(jp_fetch, str(v2))
    assert (story["version"], story["created_by"]) == (2, "ana")
    assert story["run"]["run_id"] == second and story["run"]["name"] == "train-1"
    assert story["run"]["user"] == "ana"
    (production,) = story["aliases"]
    assert production["alias"] == "production" and production["moved_by"] == "bob"
    assert production["how"] == "alias.set"
    assert production["approval"]["requested_by"] == "ana"
    assert production["approval"]["comment"] == "recall +3%"
    assert production["approval"]["decision_comment"] == "go"
    assert [a["version"] for a in story["approvals"]] == [2]
    (gate_run,) = story["gate_runs"]
    assert gate_run["status"] == "passed"
    assert [r["name"] for r in gate_run["results"]] == ["schema", "metric"]
    assert [e["action"] for e in story["trail"]] == [
        "version.create", "approval.request", "approval.approve", "alias.set",
    ]  # fmt: skip
    text = " ".join(story["summary"])
    assert "registered by ana" in text and "from run train-1" in text
    assert "@production: moved here by bob" in text and "request #2 from ana" in text
    assert "passed schema, metric" in text

    # v1 was in production before: no alias points to it now, its own approval stays.
    earlier = await _provenance(jp_fetch, str(v1))
    assert earlier["aliases"] == [] and [a["decided_by"] for a in earlier["approvals"]] == ["bob"]
    assert "No alias points to this version now." in earlier["summary"]


@pytest.mark.parametrize(
    ("version", "field"), [("x", "version"), ("0", "version"), ("9", "version")]
)
async def test_bad_or_missing_versions_are_4xx_naming_the_field(
    jp_fetch: Any, version: str, field: str
) -> None:
    with acting_as("ana"):
        mlops.register_model(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), "churn")
    with pytest.raises(HTTPClientError) as caught:
        await _provenance(jp_fetch, version)
    assert caught.value.code in (400, 404)
    assert error_body(caught.value)["field"] == field
