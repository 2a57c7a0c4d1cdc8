"""A team on one store (SQLite, and PostgreSQL as a team deploys it): two Jupyter servers whose
identity providers name different users.

ana trains and registers a model on her server, deploys an endpoint following
`churn@production` and asks to promote; bob, on his own server, sees the request with the
comparison and approves; ana's endpoint serves the new version. The audit has one row per
change; a webhook receiver and an SMTP server got each event once; carl, a reader, is refused
(403) over REST, the MLflow facade and the Python API.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.config import DB_URL_ENV
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.core.store import reset_database
from jupyter_mlops.core.team.identity import acting_as

from ..support.postgres import PostgresServer
from ..support.team import TeamServer, smtp_server, webhook_receiver

pytestmark = pytest.mark.timeout(600)

ANA, BOB, CARL = "tok-ana", "tok-bob", "tok-carl"
SECRET_ENV = "MLOPS_TEAM_TEST_SECRET"


def _until(check: Any, what: str, attempts: int = 3000) -> Any:
    """Poll `check()` until it returns something true (10 minutes at most)."""
    for _ in range(attempts):
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"never happened: {what}")


def _train(seed: int) -> str:
    """A run (as ana, on the shared store) that logged a model; its id."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    y = (X["a"] + seed * X["b"] > 0).astype(int)
    with mlops.start_run(experiment="churn", name=f"train-{seed}") as run:
        mlops.log_model(LogisticRegression().fit(X, y), "model", X=X)
    return str(run.run_id)


@pytest.fixture(params=["sqlite", "postgresql"])
def team(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TeamServer, TeamServer, Any, Any]]:
    """ana's and bob's servers on one store: a SQLite file both open, or one PostgreSQL
    database (the team deployment); artifacts in one shared folder either way."""
    store = tmp_path / "shared-store"
    monkeypatch.setenv("JUPYTER_MLOPS_DATA_DIR", str(store))
    monkeypatch.setenv(SECRET_ENV, "team-secret")
    postgres: PostgresServer | None = None
    db_url: str | None = None
    if request.param == "postgresql":
        postgres = request.getfixturevalue("postgres_server")
        db_url = postgres.create_database()
        monkeypatch.setenv(DB_URL_ENV, db_url)  # this process (ana's training) uses it too
    reset_database()
    with webhook_receiver() as hook, smtp_server() as mailbox:
        mlops_config = {
            "protected_aliases": ["production"],
            "notifications_interval": 0.2,
            "notifications": [
                {"url": hook.url, "secret_env": SECRET_ENV},
                {"to": ["ml-team@example.org"], "smtp_host": "127.0.0.1",
                 "smtp_port": mailbox.port, "events": ["approval.requested", "approval.approved"]},
            ],
        }  # fmt: skip
        a = TeamServer(tmp_path / "a", store, {ANA: "ana", CARL: "carl"}, mlops_config, db_url)
        b = TeamServer(tmp_path / "b", store, {BOB: "bob"}, mlops_config, db_url)
        try:
            a.start("ana")
            b.start("bob")
            yield a, b, hook, mailbox
        finally:
            a.stop()
            b.stop()
            from jupyter_mlops.tracking.process_client import close_client

            close_client()
            reset_database()
            if postgres is not None and db_url is not None:
                postgres.drop_database(db_url)


@pytest.mark.slow
def test_two_users_on_one_store_promote_with_an_approval(team: Any) -> None:
    a, b, hook, mailbox = team
    assert a.call(ANA, "GET", "whoami")[1]["user"] == "ana"
    assert b.call(BOB, "GET", "whoami")[1]["user"] == "bob"
    with acting_as("ana"):
        first_run = _train(0)
    status, v1 = a.call(ANA, "POST", "models", {"source": first_run, "name": "churn"})
    assert status == 201 and v1["created_by"] == "ana", v1
    # Runs carry their user (MLflow's mlflow.user) and are filtered by it.
    status, runs = a.call(ANA, "GET", "runs?filter=tags.mlflow.user%20%3D%20%27ana%27")
    assert status == 200 and [r["run_id"] for r in runs["runs"]] == [first_run]
    # ana owns the model: bob may approve, carl only reads.
    assert a.call(ANA, "PUT", "permissions/model/churn/bob", {"permission": "MANAGE"})[0] == 200
    assert a.call(ANA, "PUT", "permissions/model/churn/carl", {"permission": "READ"})[0] == 200
    # production is protected: ana cannot move it herself, not even the first time.
    status, refused = a.call(ANA, "PUT", "models/churn/aliases/production", {"version": 1})
    assert status == 403 and refused["field"] == "alias", refused
    status, request = a.call(
        ANA, "POST", "approvals", {"model": "churn", "alias": "production", "version": 1}
    )
    assert status == 201 and request["state"] == "pending"
    assert a.call(ANA, "POST", f"approvals/{request['id']}/approve", {})[0] == 403  # herself
    status, decided = b.call(BOB, "POST", f"approvals/{request['id']}/approve", {"comment": "ok"})
    assert status == 200 and decided["state"] == "applied", decided
    status, endpoint = a.call(ANA, "POST", "endpoints", {"model": "churn@production",
                                                         "name": "churn-api"})  # fmt: skip
    assert status == 201 and endpoint["created_by"] == "ana", endpoint
    token = a.call(ANA, "GET", "endpoints/churn-api/token")[1]["token"]

    def served() -> int:
        answer = httpx.get(
            f"{endpoint['url']}/version", headers={"Authorization": f"Bearer {token}"}
        )
        return int(answer.json()["version"])

    assert served() == 1

    # A second version, asked for by ana, approved by bob on his own server.
    with acting_as("ana"):
        second_run = _train(1)
    assert a.call(ANA, "POST", "models", {"source": second_run, "name": "churn"})[0] == 201
    ask = {"model": "churn", "alias": "production", "version": 2, "comment": "recall +3%"}
    assert a.call(ANA, "POST", "approvals", ask)[0] == 201
    status, pending = b.call(BOB, "GET", "approvals?model=churn&state=pending")
    (seen,) = pending["approvals"]
    assert (seen["version"], seen["current_version"], seen["requested_by"]) == (2, 1, "ana")
    status, comparison = b.call(BOB, "GET", "models/churn/versions/2/compare?to=1")
    assert status == 200 and comparison
    status, decided = b.call(BOB, "POST", f"approvals/{seen['id']}/approve", {"comment": "go"})
    assert decided["state"] == "applied" and decided["decided_by"] == "bob"
    _until(lambda: served() == 2, "ana's endpoint serves version 2")
    status, model = a.call(ANA, "GET", "models/churn")
    assert model["aliases"] == {"production": 2} and model["created_by"] == "ana", model

    # carl reads but cannot promote or delete: REST, the MLflow facade, the Python API.
    assert a.call(CARL, "GET", "models/churn")[0] == 200
    status, refused = a.call(CARL, "PUT", "models/churn/aliases/staging", {"version": 1})
    assert status == 403 and "EDIT" in refused["message"], refused
    assert a.call(CARL, "DELETE", "models/churn")[0] == 403
    assert a.call(CARL, "DELETE", "endpoints/churn-api")[0] == 403
    status, refused = a.call(
        CARL,
        "POST",
        "mlops/mlflow/api/2.0/mlflow/registered-models/alias",
        {"name": "churn", "alias": "staging", "version": "1"},
        absolute=True,
    )
    assert status == 403 and refused["error_code"] == "PERMISSION_DENIED", refused
    with acting_as("carl"), pytest.raises(MLOpsError) as caught:
        mlops.set_model_alias("churn", "staging", 1)
    assert caught.value.code is ErrorCode.FORBIDDEN

    # The audit: one row per change, whichever server made it, oldest first.
    status, page = b.call(BOB, "GET", "audit?object_type=model&object_id=churn")
    trail = [(e["action"], e["user"], e["source"]) for e in reversed(page["entries"])]
    assert trail == [
        ("version.create", "ana", "rest"),
        ("permission.set", "ana", "rest"),
        ("permission.set", "ana", "rest"),
        ("approval.request", "ana", "rest"),
        ("approval.approve", "bob", "rest"),
        ("alias.set", "bob", "rest"),
        ("version.create", "ana", "rest"),
        ("approval.request", "ana", "rest"),
        ("approval.approve", "bob", "rest"),
        ("alias.set", "bob", "rest"),
    ]
    everything = a.call(ANA, "GET", "audit?limit=500")[1]["entries"]
    assert len(everything) == 11  # and endpoint.create
    assert [e["action"] for e in everything if e["object_type"] == "endpoint"] == [
        "endpoint.create"
    ]

    # Every event reached the webhook (signed) and the mailbox once, from either server.
    _until(lambda: len(hook.received) >= 6 and len(mailbox.messages) >= 4, "deliveries")
    time.sleep(1)  # a duplicate would arrive now
    assert sorted(hook.events()) == sorted(
        ["model.version_registered"] * 2 + ["approval.requested"] * 2 + ["approval.approved"] * 2
    )
    assert hook.verify("team-secret")
    assert sorted(mailbox.subjects()) == sorted(
        [
            "[jupyter-mlops] ana asks to move churn@production to version 1",
            "[jupyter-mlops] ana asks to move churn@production to version 2",
            "[jupyter-mlops] bob approved moving churn@production to version 1",
            "[jupyter-mlops] bob approved moving churn@production to version 2",
        ]
    )
    status, log = a.call(ANA, "GET", "notifications/deliveries")
    assert {d["state"] for d in log["deliveries"]} == {"delivered"} and len(log["deliveries"]) == 10
