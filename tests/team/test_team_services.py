"""Team services on a real store: identity, permissions, protected aliases and approvals, the
audit trail, and notifications delivered to a real webhook receiver and a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sqlalchemy import update

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.team import audit, notifications, settings
from jupyter_mlops.core.team.identity import acting_as, process_user
from jupyter_mlops.core.team.notifications import Dispatcher
from jupyter_mlops.core.team.permissions import Permission
from jupyter_mlops.core.team.service import TeamService
from jupyter_mlops.core.team.tables import DeliveryRow
from jupyter_mlops.jobs.entities import JobSpec
from jupyter_mlops.jobs.store import JobStore
from jupyter_mlops.serving.api import get_registry, register_model
from jupyter_mlops.serving.model_uri import ModelRef

from ..support.team import smtp_server, webhook_receiver

pytestmark = pytest.mark.capabilities("team", "jobs")

SECRET = "s3cret-for-tests"
SECRET_ENV = "MLOPS_TEST_WEBHOOK_SECRET"


@pytest.fixture
def team(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Back to the default team settings after the test."""
    previous = settings.configure(None)
    yield
    settings.restore(previous)


def _estimator(seed: int = 0) -> tuple[LogisticRegression, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 3))
    return LogisticRegression().fit(X, (X[:, 0] > 0).astype(int)), X


def _register(name: str, seed: int = 0) -> int:
    return register_model(_estimator(seed)[0], name).version


def _forbidden(call, *args, **kwargs) -> MLOpsError:
    with pytest.raises(MLOpsError) as caught:
        call(*args, **kwargs)
    assert caught.value.code is ErrorCode.FORBIDDEN
    assert caught.value.http_status == 403
    return caught.value


def test_a_single_user_with_defaults_notices_nothing_but_the_creator(team: None) -> None:
    registry = get_registry()
    version = _register("solo")
    _register("solo", seed=1)
    registry.set_alias("solo", "production", version)
    registry.set_alias("solo", "production", version + 1)
    registry.delete_alias("solo", "production")
    registry.delete_version("solo", version)
    model = registry.get_model("solo")
    assert model.created_by == process_user()
    assert registry.get_version(ModelRef("solo", version=version + 1)).created_by == process_user()
    registry.delete_model("solo")


def test_permissions_refuse_naming_the_permission(team: None) -> None:
    registry = get_registry()
    service = TeamService(get_database())
    with acting_as("ana"):
        version = _register("churn")
        service.set_grant("model", "churn", "carl", Permission.READ)
    with acting_as("carl"):
        refused = _forbidden(registry.set_alias, "churn", "staging", version)
        assert "EDIT" in refused.message and refused.field == "permission"
        assert "MANAGE" in _forbidden(registry.delete_model, "churn").message
        _forbidden(register_model, _estimator()[0], "churn")
        _forbidden(service.set_grant, "model", "churn", "carl", Permission.MANAGE)
    with acting_as("bob"):  # the default: bob edits, but only the owner manages
        registry.set_alias("churn", "staging", version)
        assert "MANAGE" in _forbidden(registry.delete_model, "churn").message
        assert "MANAGE" in _forbidden(registry.delete_version, "churn", version).message
    with acting_as("ana"):
        registry.delete_model("churn")


def test_a_reader_by_default_cannot_change_anything(team: None) -> None:
    with acting_as("ana"):
        version = _register("fraud")
    settings.configure(settings.TeamSettings(default_permission="READ", admins=("root",)))
    with acting_as("zoe"):
        _forbidden(mlops.set_model_alias, "fraud", "champion", version)
    with acting_as("root"):  # an admin manages everything
        mlops.set_model_alias("fraud", "champion", version)
    with acting_as("ana"):  # the owner keeps MANAGE
        mlops.delete_model_alias("fraud", "champion")


def test_a_protected_alias_moves_only_with_a_second_users_approval(team: None, db_url: str) -> None:
    settings.configure(settings.TeamSettings(protected_aliases=("production",)))
    registry = get_registry()
    service = TeamService(get_database())
    with acting_as("ana"):
        v1 = _register("churn")
        v2 = _register("churn", seed=1)
        refused = _forbidden(registry.set_alias, "churn", "production", v1)
        assert "approval" in refused.message
        request = service.request_approval("churn", "production", v1, "first release")
        assert request.state == "pending" and request.requested_by == "ana"
        assert service.request_approval("churn", "production", v1, None).id == request.id
        assert "second user" in _forbidden(service.decide, request.id, True, "me").message
    with acting_as("bob"):
        assert "MANAGE" in _forbidden(service.decide, request.id, True, "ok").message
    with acting_as("ana"):
        service.set_grant("model", "churn", "bob", Permission.MANAGE)
    with acting_as("bob"):
        assert service.decide(request.id, True, "looks good").state == "approved"
        registry.set_alias("churn", "production", v1)
    assert service.approval(request.id).state == "applied"
    with acting_as("ana"):
        second = service.request_approval("churn", "production", v2, "better recall")
    with acting_as("bob"):
        service.decide(second.id, True, None)
    with acting_as("ana"):
        registry.set_alias("churn", "production", v2)
        # A rollback to the version before is allowed to an editor, and recorded as one.
        registry.set_alias("churn", "production", v1)
        # Moving forward again needs a new approval (the last one was used).
        _forbidden(registry.set_alias, "churn", "production", v2)
        rejected = service.request_approval("churn", "production", v2, "again")
    with acting_as("bob"):
        assert service.decide(rejected.id, False, "not now").state == "rejected"
    with acting_as("ana"):
        _forbidden(registry.set_alias, "churn", "production", v2)
        # Unprotecting an alias (the model's tag) needs MANAGE: ana owns the model.
        registry.update_model("churn", tags={"mlops.protected_aliases": "staging"})
    actions = [e.action for e in reversed(audit.query(get_database(), object_id="churn").entries)]
    assert actions == [
        "version.create", "version.create", "approval.request", "permission.set",
        "approval.approve", "alias.set", "approval.request", "approval.approve", "alias.set",
        "alias.rollback", "approval.request", "approval.reject", "model.update",
    ]  # fmt: skip
    users = {e.action: e.user for e in audit.query(get_database(), object_id="churn").entries}
    assert users["approval.approve"] == "bob" and users["alias.rollback"] == "ana"


def test_the_audit_trail_filters_and_pages(team: None, db_url: str) -> None:
    database = get_database()
    with acting_as("ana", "rest"):
        for seed in range(3):
            _register("pager", seed)
    with acting_as("bob", "cli"):
        get_registry().set_alias("pager", "staging", 1)
    page = audit.query(database, object_id="pager", limit=2)
    assert [e.action for e in page.entries] == ["alias.set", "version.create"]
    assert page.next_before_id is not None
    rest = audit.query(database, object_id="pager", limit=2, before_id=page.next_before_id)
    assert [e.action for e in rest.entries] == ["version.create", "version.create"]
    assert rest.next_before_id is None
    by_bob = audit.query(database, user="bob").entries
    assert [(e.action, e.source, e.after) for e in by_bob] == [
        ("alias.set", "cli", {"alias": "staging", "version": 1})
    ]
    assert len(audit.query(database, action="version.*").entries) == 3
    assert audit.query(database, since=by_bob[0].time + 10_000).entries == []


def _deliver(dispatchers: list[Dispatcher], done, attempts: int = 200) -> None:
    for _ in range(attempts):
        for dispatcher in dispatchers:
            dispatcher.run_once()
        if done():
            return
        import time

        time.sleep(0.05)
    raise AssertionError("notifications were not delivered")


def test_events_reach_a_signed_webhook_and_an_smtp_server_once(
    team: None, monkeypatch: pytest.MonkeyPatch, mlops_store: Path
) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    with webhook_receiver() as hook, smtp_server() as mailbox:
        channels = (
            settings.channel_from_dict({"url": hook.url, "secret_env": SECRET_ENV}),
            settings.channel_from_dict(
                {"to": ["team@example.org"], "smtp_host": "127.0.0.1", "smtp_port": mailbox.port,
                 "events": ["job.run.failed", "endpoint.failed"]}
            ),
        )  # fmt: skip
        settings.configure(settings.TeamSettings(channels=channels))
        database = get_database()
        with acting_as("ana"):
            version = _register("churn")
            jobs = JobStore(database)
            job = jobs.create_job(JobSpec("train.ipynb"), "{}", "nightly")
            run = jobs.create_run(
                kind="notebook", title="nightly", trigger="manual", job_id=job.job_id
            )
            jobs.update_run(run.run_id, status="failed", error="cell 3 raised")
            registry = get_registry()
            registry.create_endpoint(
                "churn-api", ModelRef("churn", version=version), "127.0.0.1", 1
            )
            registry.update_endpoint("churn-api", state="failed", message="exited 1")
        # Two servers on one store: each event is delivered once.
        dispatchers = [Dispatcher(database), Dispatcher(database)]
        _deliver(dispatchers, lambda: len(hook.received) >= 3 and len(mailbox.messages) >= 2)
        for dispatcher in dispatchers:
            dispatcher.run_once()
    assert sorted(hook.events()) == [
        "endpoint.failed",
        "job.run.failed",
        "model.version_registered",
    ]
    assert hook.verify(SECRET)
    body = {b["event"]: b for b, _s, _r in hook.received}["model.version_registered"]
    assert body["text"] == "[jupyter-mlops] ana registered churn version 1"
    assert body["user"] == "ana" and body["payload"]["version"] == 1
    assert sorted(mailbox.subjects()) == [
        "[jupyter-mlops] endpoint churn-api failed: exited 1",
        "[jupyter-mlops] job nightly run failed: cell 3 raised",
    ]
    log = notifications.deliveries(database)
    assert len(log) == 5 and {d.state for d in log} == {"delivered"}


def test_a_failing_webhook_never_fails_the_action_and_is_retried_then_given_up(
    team: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notifications, "BACKOFF_BASE_S", 0.0)
    database = get_database()
    with webhook_receiver(fail_first=2) as hook:
        dead = "http://127.0.0.1:9/nowhere"  # the discard port: nothing listens
        channels = (
            settings.channel_from_dict({"url": hook.url}),
            settings.channel_from_dict({"url": dead}),
        )
        settings.configure(settings.TeamSettings(channels=channels))
        _register("flaky")  # the registration succeeds whatever the webhooks do
        dispatcher = Dispatcher(database)
        for _ in range(notifications.MAX_ATTEMPTS + 1):
            dispatcher.run_once()
    log = {d.target: d for d in notifications.deliveries(database)}
    assert log[hook.url].state == "delivered" and log[hook.url].attempts == 3
    assert log[dead].state == "failed" and log[dead].attempts == notifications.MAX_ATTEMPTS
    assert log[dead].last_error
    assert hook.events() == ["model.version_registered"]


def test_retries_wait_for_their_back_off(team: None) -> None:
    database = get_database()
    settings.configure(
        settings.TeamSettings(
            channels=(settings.channel_from_dict({"url": "http://127.0.0.1:9/"}),)
        )
    )
    _register("patient")
    dispatcher = Dispatcher(database)
    dispatcher.run_once()
    dispatcher.run_once()  # at once: the retry is not due yet
    (delivery,) = notifications.deliveries(database)
    assert delivery.attempts == 1 and delivery.state == "pending"
    with database.session(write=True) as session:  # make it due
        session.execute(update(DeliveryRow).values(next_attempt=0))
    dispatcher.run_once()
    assert notifications.deliveries(database)[0].attempts == 2


def test_a_delivery_another_dispatcher_is_sending_is_not_sent_twice(
    team: None, db_url: str
) -> None:
    database = get_database()
    with webhook_receiver() as hook:
        settings.configure(
            settings.TeamSettings(channels=(settings.channel_from_dict({"url": hook.url}),))
        )
        _register("twice")
        first, second = Dispatcher(database), Dispatcher(database)
        first._claim(settings.get_settings().channels)
        (delivery,) = notifications.deliveries(database)
        assert first._take(delivery.id)  # first is sending it now
        assert second.run_once() == 0
        assert not second._take(delivery.id)
    assert hook.received == []
    assert notifications.deliveries(database)[0].state == "sending"


def test_a_server_without_channels_leaves_events_to_one_with_channels(team: None) -> None:
    # Two servers on one store, only one configured with a webhook: the other one's dispatcher
    # used to claim the events first and drop them (no channel, no delivery).
    database = get_database()
    _register("shared")
    unconfigured = settings.TeamSettings()
    assert Dispatcher(database, settings=lambda: unconfigured).run_once() == 0
    with webhook_receiver() as hook:
        configured = settings.TeamSettings(
            channels=(settings.channel_from_dict({"url": hook.url}),)
        )
        assert Dispatcher(database, settings=lambda: configured).run_once() == 1
    assert hook.events() == ["model.version_registered"]


def test_experiments_have_owners_editors_and_readers(team: None) -> None:
    from jupyter_mlops.tracking.process_client import get_client

    store = get_client().store
    service = TeamService(get_database())
    with acting_as("ana"):
        experiment = store.get_or_create_experiment("fraud-detection")
        run = store.create_run(experiment.experiment_id, "first", user="ana")
        service.set_grant("experiment", str(experiment.experiment_id), "carl", Permission.READ)
    with acting_as("carl"):
        refused = _forbidden(store.create_run, experiment.experiment_id, "mine")
        assert "EDIT" in refused.message and "experiment" in refused.message
        _forbidden(store.delete_run, run.run_id)
    with acting_as("bob"):  # an editor runs and deletes runs, but only the owner deletes it
        store.create_run(experiment.experiment_id, "bob's")
        assert "MANAGE" in _forbidden(store.delete_experiment, experiment.experiment_id).message
        _forbidden(store.rename_experiment, experiment.experiment_id, "mine now")
    with acting_as("ana"):
        store.delete_experiment(experiment.experiment_id)


def test_jupyter_mlops_audit_prints_a_table_and_json(team: None, mlops_store: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    with acting_as("ana", "cli"):
        _register("cli-model")
        get_registry().set_alias("cli-model", "staging", 1)
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}

    def cli(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "jupyter_mlops.cli", "audit", *args],
            env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    table = cli("--object-id", "cli-model").splitlines()
    assert table[0].split()[:5] == ["id", "time", "(UTC)", "user", "from"]
    assert [line.split()[5] for line in table[1:]] == ["alias.set", "version.create"]
    document = json.loads(cli("--json", "--action", "alias.*"))
    (entry,) = document["entries"]
    assert (entry["user"], entry["source"], entry["after"]) == (
        "ana", "cli", {"alias": "staging", "version": 1}
    )  # fmt: skip
    assert document["next_before_id"] is None


def test_drift_alerts_endpoint_restarts_monitor_and_job_changes_are_notified_and_audited(
    team: None,
) -> None:
    from jupyter_mlops.monitoring.entities import MonitorSpec
    from jupyter_mlops.monitoring.store import MonitorStore

    database = get_database()
    with webhook_receiver() as hook:
        settings.configure(
            settings.TeamSettings(channels=(settings.channel_from_dict({"url": hook.url}),))
        )
        with acting_as("ana", "lab"):
            version = _register("watched")
            registry = get_registry()
            registry.create_endpoint(
                "watched-api", ModelRef("watched", version=version), "127.0.0.1", 1
            )
            registry.update_endpoint("watched-api", state="restarting", restarts=1)
            monitors = MonitorStore(database)
            monitor = monitors.create_monitor(MonitorSpec("watched-api", thresholds={"psi": 0.2}))
            updated = monitors.update_monitor(monitor.monitor_id, min_rows=50)
            assert (updated.created_by, updated.updated_by) == ("ana", "ana")
            window = monitors.claim_window(monitor.monitor_id, 0, 1000)
            assert window is not None
            monitors.add_alert(monitor.monitor_id, window.window_id, "drift", "a drifted (psi 0.4)")
            jobs = JobStore(database)
            job = jobs.create_job(JobSpec("train.ipynb"), "{}", "retrain")
            assert jobs.update_job(job.job_id, paused=True).created_by == "ana"
            run = jobs.create_run(
                kind="notebook", title="retrain", trigger="manual", job_id=job.job_id
            )
            jobs.update_run(run.run_id, status="succeeded")
            jobs.delete_job(job.job_id)
            monitors.delete_monitor(monitor.monitor_id)
        dispatcher = Dispatcher(database)
        _deliver([dispatcher], lambda: len(hook.received) >= 4)
    assert sorted(hook.events()) == [
        "endpoint.restarted", "job.run.succeeded", "model.version_registered",
        "monitor.drift_alert",
    ]  # fmt: skip
    alert = {b["event"]: b for b, _s, _r in hook.received}["monitor.drift_alert"]
    assert alert["payload"]["message"] == "a drifted (psi 0.4)"
    trail = [(e.object_type, e.action) for e in reversed(audit.query(database, user="ana").entries)]
    assert trail == [
        ("model", "version.create"), ("endpoint", "endpoint.create"),
        ("endpoint", "endpoint.restart"), ("monitor", "monitor.create"),
        ("monitor", "monitor.update"), ("job", "job.create"), ("job", "job.update"),
        ("job", "job.delete"), ("monitor", "monitor.delete"),
    ]  # fmt: skip
    assert {e.source for e in audit.query(database, user="ana").entries} == {"lab"}


async def test_jobs_list_filters_by_creator(jp_fetch, jp_root_dir) -> None:
    import json

    from tests.support.jobs import write_notebook

    write_notebook(jp_root_dir / "train.ipynb", "lr = 0.1", "print(lr)")
    body = json.dumps({"notebook_path": "train.ipynb"})
    created = json.loads((await jp_fetch("mlops", "api", "jobs", method="POST", body=body)).body)
    with acting_as("ana"):
        JobStore(get_database()).create_job(JobSpec("train.ipynb"), "{}", "ana's")

    async def names(**params: str) -> list[str]:
        answer = await jp_fetch("mlops", "api", "jobs", params=params)
        return sorted(job["name"] for job in json.loads(answer.body)["jobs"])

    assert created["created_by"] == process_user()  # the single user's anonymous token client
    assert await names() == ["ana's", "train"]
    assert await names(created_by="ana") == ["ana's"]
    assert await names(created_by=process_user()) == ["train"]
