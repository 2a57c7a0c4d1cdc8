"""Tracking views as a service: run detail in one session, metric history with the store's own
count and at most `max_points`, and a run's children paged (store and REST)."""

from __future__ import annotations

import pytest

from jupyter_mlops.core.errors import NotFoundError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.capability import TRACKING
from jupyter_mlops.tracking.entities import Metric
from jupyter_mlops.tracking.store import TrackingStore

from ..support.tracking_rest import api_error, get_json, make_run

# The server runs only what these tests need (tests/conftest.py, jp_server_config).
pytestmark = pytest.mark.capabilities("tracking")


@pytest.fixture
def store(db_url, mlops_store) -> TrackingStore:
    """The tracking store on SQLite and on PostgreSQL (`db_url`)."""
    return TrackingStore(get_database(), mlops_store)


def _log(store: TrackingStore, run_id: str, count: int) -> None:
    points = [Metric("loss", 1 / (s + 1), s, 1_700_000_000_000 + s) for s in range(count)]
    store.log_batch(run_id, metrics=points)


@pytest.mark.parametrize("total", [1, 2, 10, 11, 101, 1001])
def test_metric_history_never_exceeds_max_points(store, total):
    run_id = make_run(store, "views", "r")
    _log(store, run_id, total)
    for max_points in (1, 2, 3, 7, 10, 100):
        history = store.get_metric_history(run_id, "loss", max_points)
        assert history.total == total
        assert len(history.points) <= max_points
        assert history.points[-1].step == total - 1  # the last point is always kept
        if max_points >= 2 and total >= 2:
            assert history.points[0].step == 0
        assert history.sampled == (len(history.points) < total)
    assert len(store.get_metric_history(run_id, "loss").points) == total


def test_run_detail_reads_run_experiment_and_summaries(store):
    run_id = make_run(store, "views", "detailed", {"lr": 0.1}, {"acc": [0.1, 0.5, 0.9]})
    detail = store.get_run_detail(run_id)
    assert detail.run.run_id == run_id
    assert detail.experiment_name == "views"
    assert [(s.key, s.value, s.points) for s in detail.metric_summaries] == [("acc", 0.9, 3)]
    with pytest.raises(NotFoundError):
        store.get_run_detail("f" * 32)


def test_child_runs_page_through_every_child(store):
    experiment = store.get_or_create_experiment("views").experiment_id
    parent = store.create_run(experiment, "parent")
    children = [
        store.create_run(experiment, f"child-{i}", parent_run_id=parent.run_id, start_time=1000 + i)
        for i in range(7)
    ]
    seen, token = [], None
    while True:
        page = store.child_runs_page(parent.run_id, 3, token)
        assert page.total == 7
        seen += [run.name for run in page.runs]
        token = page.next_page_token
        if token is None:
            break
    assert seen == [child.name for child in children]
    assert [r.name for r in store.child_runs_page(parent.run_id, 2, offset=5).runs] == [
        "child-5",
        "child-6",
    ]
    with pytest.raises(NotFoundError):
        store.child_runs_page("0" * 32)


async def test_rest_children_and_honest_history(mlops_app, jp_fetch):
    store = mlops_app.services.get(TRACKING)
    experiment = store.get_or_create_experiment("views").experiment_id
    parent = store.create_run(experiment, "parent")
    for i in range(150):
        store.create_run(experiment, f"c{i}", parent_run_id=parent.run_id, start_time=i)
    first = await get_json(jp_fetch, "runs", parent.run_id, "children", max_results="100")
    assert first["total"] == 150 and len(first["runs"]) == 100
    second = await get_json(
        jp_fetch, "runs", parent.run_id, "children", page_token=first["next_page_token"]
    )
    assert [r["run_name"] for r in second["runs"]][:2] == ["c100", "c101"]
    assert second["next_page_token"] is None
    code, _body = await api_error(get_json(jp_fetch, "runs", "f" * 32, "children"))
    assert code == 404

    _log(store, parent.run_id, 1001)
    history = await get_json(jp_fetch, "runs", parent.run_id, "metrics", "loss", max_points="10")
    assert len(history["points"]) <= 10
    assert history["total"] == 1001 and history["sampled"] is True
    assert history["points"][-1]["step"] == 1000
