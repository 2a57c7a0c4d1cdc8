"""The tracking REST API through a real Jupyter server: experiments, the runs search (filter,
order, paging), one run, rename/delete/restore. Runs are written by the tracking store into this
test's own store (the same SQLite file the server opened)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.entities import RunStatus
from jupyter_mlops.tracking.store import TrackingStore
from tests.support.tracking_rest import api_error, get_json, get_runs, make_run

# The server runs only what these tests need (tests/conftest.py, jp_server_config).
pytestmark = pytest.mark.capabilities("tracking")


@pytest.fixture
def store(jp_serverapp: Any, mlops_store: Path) -> TrackingStore:
    """The tracking store of this test's data dir, opened like a kernel opens it."""
    return TrackingStore(get_database(), mlops_store)


@pytest.fixture
def grid(store: TrackingStore) -> dict[str, str]:
    """Six runs of a small grid in experiment "grid" (one still running), one elsewhere."""
    ids = {}
    for index, (lr, depth) in enumerate([(0.1, 3), (0.1, 5), (0.01, 3), (0.01, 5), (1.0, 3)]):
        name = f"lr{lr}-d{depth}"
        ids[name] = make_run(
            store,
            "grid",
            name,
            params={"lr": lr, "max_depth": depth},
            metrics={"acc": [0.5, 0.6 + index * 0.05], "val/loss": [1.0, 0.5 - index * 0.05]},
            tags={"team": "a" if index % 2 else "b"},
            start_time=1_700_000_000_000 + index * 1000,
        )
    ids["live"] = make_run(
        store,
        "grid",
        "live",
        metrics={"acc": [0.1]},
        status="RUNNING",
        start_time=1_700_000_100_000,
    )
    ids["other"] = make_run(store, "other", "elsewhere", params={"lr": 0.1})
    return ids


# --- experiments -----------------------------------------------------------------------------


async def test_experiments_list_their_run_counts(jp_fetch, grid):
    body = await get_json(jp_fetch, "experiments")
    by_name = {e["name"]: e for e in body["experiments"]}
    assert set(by_name) >= {"grid", "other"}
    assert by_name["grid"]["run_count"] == 6
    assert by_name["grid"]["active_run_count"] == 1
    assert by_name["grid"]["last_run_time"] == 1_700_000_100_000
    assert by_name["other"]["run_count"] == 1
    assert by_name["other"]["active_run_count"] == 0
    assert by_name["grid"]["lifecycle_stage"] == "active"


async def test_experiment_detail_offers_the_keys_of_its_runs_as_columns(jp_fetch, store, grid):
    experiment_id = store.get_experiment_by_name("grid").experiment_id
    body = await get_json(jp_fetch, "experiments", experiment_id)
    assert body["name"] == "grid"
    assert body["param_keys"] == ["lr", "max_depth"]
    assert body["metric_keys"] == ["acc", "val/loss"]
    assert body["tag_keys"] == ["team"]
    assert body["run_count"] == 6


async def test_unknown_or_malformed_experiment_ids_are_4xx_naming_the_field(jp_fetch, grid):
    code, body = await api_error(jp_fetch("mlops", "api", "experiments", "999"))
    assert (code, body["field"]) == (404, "experiment_id")
    code, body = await api_error(jp_fetch("mlops", "api", "experiments", "abc"))
    assert (code, body["field"]) == (400, "experiment_id")
    code, body = await api_error(jp_fetch("mlops", "api", "experiments", params={"view": "x"}))
    assert (code, body["field"]) == (400, "view")


# --- runs: search, order, paging -------------------------------------------------------------


async def test_runs_are_filtered_with_the_search_syntax(jp_fetch, store, grid):
    experiment_id = store.get_experiment_by_name("grid").experiment_id
    body = await get_runs(
        jp_fetch,
        [("experiment_id", experiment_id), ("filter", "params.lr = '0.1' and metrics.acc > 0.6")],
    )
    assert [run["run_name"] for run in body["runs"]] == ["lr0.1-d5"]
    assert body["total"] == 1
    body = await get_runs(jp_fetch, [("filter", "params.lr = '0.1'")])
    assert {run["run_name"] for run in body["runs"]} == {"lr0.1-d3", "lr0.1-d5", "elsewhere"}
    body = await get_runs(jp_fetch, [("filter", "metrics.`val/loss` < 0.4")])
    assert {run["run_name"] for run in body["runs"]} == {"lr0.01-d5", "lr1.0-d3"}


async def test_runs_are_sorted_by_metrics_params_and_attributes(jp_fetch, store, grid):
    experiment_id = store.get_experiment_by_name("grid").experiment_id
    base = [("experiment_id", experiment_id)]
    body = await get_runs(jp_fetch, [*base, ("order_by", "metrics.acc DESC")])
    accs = [run["metrics"]["acc"] for run in body["runs"]]
    assert accs == sorted(accs, reverse=True)
    assert body["runs"][0]["run_name"] == "lr1.0-d3"
    body = await get_runs(
        jp_fetch, [*base, ("order_by", "params.lr ASC"), ("order_by", "metrics.acc DESC")]
    )
    names = [run["run_name"] for run in body["runs"] if run["params"]]
    assert names == ["lr0.01-d5", "lr0.01-d3", "lr0.1-d5", "lr0.1-d3", "lr1.0-d3"]
    body = await get_runs(jp_fetch, [*base, ("order_by", "attributes.start_time ASC")])
    assert body["runs"][0]["run_name"] == "lr0.1-d3"
    assert body["runs"][-1]["run_name"] == "live"
    assert body["runs"][-1]["status"] == "RUNNING"


async def test_runs_page_with_tokens_and_offsets(jp_fetch, store):
    for index in range(23):
        make_run(store, "paged", f"run-{index:02d}", metrics={"m": [float(index)]})
    experiment_id = store.get_experiment_by_name("paged").experiment_id
    seen: list[str] = []
    query = [("experiment_id", experiment_id), ("order_by", "metrics.m ASC"), ("max_results", 10)]
    token = None
    pages = 0
    while True:
        body = await get_runs(jp_fetch, query + ([("page_token", token)] if token else []))
        assert body["total"] == 23
        seen += [run["run_name"] for run in body["runs"]]
        pages += 1
        token = body["next_page_token"]
        if token is None:
            break
    assert pages == 3
    assert seen == [f"run-{index:02d}" for index in range(23)]
    body = await get_runs(jp_fetch, [*query, ("offset", 20)])
    assert [run["run_name"] for run in body["runs"]] == ["run-20", "run-21", "run-22"]
    assert body["offset"] == 20
    assert body["next_page_token"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ([("filter", "params.lr = = '0.1'")], "filter"),
        ([("filter", "metrics.acc >")], "filter"),
        ([("filter", "bogus.key = 1")], "filter"),
        ([("order_by", "metrics.acc SIDEWAYS")], "order_by"),
        ([("max_results", "-1")], "max_results"),
        ([("max_results", "0")], "max_results"),
        ([("max_results", "lots")], "max_results"),
        ([("max_results", "100000")], "max_results"),
        ([("offset", "-5")], "offset"),
        ([("page_token", "not-a-token!")], "page_token"),
        ([("view", "trash")], "view"),
        ([("experiment_id", "abc")], "experiment_id"),
        ([("colour", "blue")], "colour"),
    ],
)
async def test_bad_search_input_is_a_400_naming_the_field(jp_fetch, grid, query, field):
    code, body = await api_error(jp_fetch("mlops", "api", "runs", params=query))
    assert code == 400
    assert body["field"] == field
    assert body["error"] == "bad_request"


async def test_a_malformed_filter_message_names_the_bad_token(jp_fetch, grid):
    query = {"filter": "params.lr = '0.1' andd metrics.acc > 1"}
    code, body = await api_error(jp_fetch("mlops", "api", "runs", params=query))
    assert (code, body["field"]) == (400, "filter")
    assert "andd" in body["message"]


# --- one run ---------------------------------------------------------------------------------


async def test_run_detail_has_params_metrics_tags_and_its_source(jp_fetch, store, jp_root_dir):
    notebook = jp_root_dir / "work" / "train.ipynb"
    run_id = make_run(
        store,
        "detail",
        "trained",
        params={"lr": 0.1},
        metrics={"acc": [0.5, 0.7, 0.9], "loss": [float("nan")]},
        tags={"team": "a"},
        notebook_path=str(notebook),
        cell_source="model.fit(X, y)",
        git_commit="abc123",
        git_dirty=True,
    )
    body = await get_json(jp_fetch, "runs", run_id)
    assert body["run_id"] == run_id
    assert body["run_name"] == "trained"
    assert body["experiment_name"] == "detail"
    assert body["status"] == "FINISHED"
    assert body["end_time"] >= body["start_time"]
    assert body["params"] == {"lr": "0.1"}
    assert body["tags"] == {"team": "a"}
    assert body["metrics"] == {"acc": 0.9, "loss": "NaN"}  # as MLflow serves NaN
    summaries = {m["key"]: m for m in body["metric_summaries"]}
    assert summaries["acc"]["points"] == 3
    assert summaries["acc"]["step"] == 2
    assert summaries["acc"]["value"] == 0.9
    assert body["source"] == {
        "path": str(notebook),
        "lab_path": "work/train.ipynb",
        "cell_source": "model.fit(X, y)",
    }
    assert body["git_commit"] == "abc123"
    assert body["git_dirty"] is True


async def test_a_notebook_outside_the_lab_root_has_no_lab_path(jp_fetch, store, tmp_path):
    run_id = make_run(store, "detail", "outside", notebook_path="/elsewhere/train.ipynb")
    body = await get_json(jp_fetch, "runs", run_id)
    assert body["source"]["lab_path"] is None


async def test_a_failed_run_shows_its_traceback(jp_fetch, store):
    run_id = make_run(store, "detail", "broken", status="RUNNING")
    store.update_run(run_id, status=RunStatus.FAILED, error="Traceback ...\nValueError: boom")
    body = await get_json(jp_fetch, "runs", run_id)
    assert body["status"] == "FAILED"
    assert body["failure"].endswith("ValueError: boom")


async def test_an_unknown_run_is_a_404_naming_run_id(jp_fetch, grid):
    for path in (
        ("runs", "nope"),
        ("runs", "nope", "metrics", "acc"),
        ("runs", "nope", "artifacts"),
    ):
        code, body = await api_error(jp_fetch("mlops", "api", *path))
        assert (code, body["field"]) == (404, "run_id"), path


# --- rename, delete, restore -----------------------------------------------------------------


async def test_a_run_is_renamed_with_patch(jp_fetch, store, grid):
    run_id = grid["lr0.1-d3"]
    response = await jp_fetch(
        "mlops", "api", "runs", run_id, method="PATCH", body=json.dumps({"name": "  best so far "})
    )
    assert json.loads(response.body)["run_name"] == "best so far"
    assert store.get_run(run_id).name == "best so far"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 300}, "name"),
        ({"name": 3}, "name"),
        ({}, "name"),
        ({"name": "ok", "status": "FAILED"}, "status"),
    ],
)
async def test_a_bad_rename_is_a_400_naming_the_field(jp_fetch, grid, body, field):
    code, error = await api_error(
        jp_fetch("mlops", "api", "runs", grid["live"], method="PATCH", body=json.dumps(body))
    )
    assert (code, error["field"]) == (400, field)


async def test_a_rename_body_that_is_not_json_is_a_400(jp_fetch, grid):
    code, error = await api_error(
        jp_fetch("mlops", "api", "runs", grid["live"], method="PATCH", body="{name:")
    )
    assert (code, error["field"]) == (400, "body")


async def test_delete_hides_a_run_and_restore_brings_it_back(jp_fetch, store, grid):
    run_id = grid["lr0.01-d3"]
    experiment_id = store.get_experiment_by_name("grid").experiment_id
    response = await jp_fetch("mlops", "api", "runs", run_id, method="DELETE")
    assert json.loads(response.body)["lifecycle_stage"] == "deleted"
    active = await get_runs(jp_fetch, [("experiment_id", experiment_id)])
    assert run_id not in [run["run_id"] for run in active["runs"]]
    assert active["total"] == 5
    deleted = await get_runs(jp_fetch, [("experiment_id", experiment_id), ("view", "deleted")])
    assert [run["run_id"] for run in deleted["runs"]] == [run_id]
    everything = await get_runs(jp_fetch, [("experiment_id", experiment_id), ("view", "all")])
    assert everything["total"] == 6
    detail = await get_json(jp_fetch, "runs", run_id)
    assert detail["lifecycle_stage"] == "deleted"
    assert detail["params"] == {"lr": "0.01", "max_depth": "3"}  # soft: the data stays
    experiments = await get_json(jp_fetch, "experiments")
    assert {e["name"]: e["run_count"] for e in experiments["experiments"]}["grid"] == 5

    response = await jp_fetch("mlops", "api", "runs", run_id, "restore", method="POST", body="{}")
    assert json.loads(response.body)["lifecycle_stage"] == "active"
    active = await get_runs(jp_fetch, [("experiment_id", experiment_id)])
    assert active["total"] == 6


async def test_deleting_or_restoring_an_unknown_run_is_a_404(jp_fetch, grid):
    code, body = await api_error(jp_fetch("mlops", "api", "runs", "nope", method="DELETE"))
    assert (code, body["field"]) == (404, "run_id")
    code, body = await api_error(
        jp_fetch("mlops", "api", "runs", "nope", "restore", method="POST", body="{}")
    )
    assert (code, body["field"]) == (404, "run_id")


async def test_the_labs_cache_busting_argument_is_not_an_unknown_field(jp_fetch, grid):
    # JupyterLab's ServerConnection appends `&<timestamp>` to every GET.
    body = await get_json(jp_fetch, "runs", **{"1795430544133": ""})
    assert body["total"] == 7
    experiments = await get_json(jp_fetch, "experiments", **{"1795430544133": ""})
    assert experiments["experiments"]
