"""The tracking REST API's metric histories and artifacts through a real Jupyter server:
history order and sampling, artifact listing and streamed download, and every way out of a run's
artifact root refused (`..`, absolute paths, encoded `%2e%2e`/`%2F`, symlinks)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.utils import url_path_join

from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.store import TrackingStore
from tests.support.tracking_rest import api_error, get_json, make_run

# The server runs only what these tests need (tests/conftest.py, jp_server_config).
pytestmark = pytest.mark.capabilities("tracking")


@pytest.fixture
def store(jp_serverapp: Any, mlops_store: Path) -> TrackingStore:
    """The tracking store of this test's data dir, opened like a kernel opens it."""
    return TrackingStore(get_database(), mlops_store)


@pytest.fixture
def raw_fetch(http_server_client: Any, jp_base_url: str, jp_auth_header: dict[str, str]) -> Any:
    """GET a URL path exactly as written (jp_fetch would escape its `%` and `?`)."""

    async def fetch(path: str) -> Any:
        return await http_server_client.fetch(
            url_path_join(jp_base_url, "mlops/api", path), headers=jp_auth_header
        )

    return fetch


# --- metric history --------------------------------------------------------------------------


async def test_metric_history_in_step_order_by_path_or_query(jp_fetch, store):
    run_id = make_run(store, "history", "h", metrics={"acc": [0.1, 0.4, 0.3], "val/loss": [2, 1]})
    by_path = await get_json(jp_fetch, "runs", run_id, "metrics", "acc")
    assert by_path["key"] == "acc"
    assert [(p["step"], p["value"]) for p in by_path["points"]] == [(0, 0.1), (1, 0.4), (2, 0.3)]
    assert by_path["sampled"] is False
    by_query = await get_json(jp_fetch, "runs", run_id, "metrics", key="acc")
    assert by_query == by_path
    slashed = await get_json(jp_fetch, "runs", run_id, "metrics", key="val/loss")
    assert [p["value"] for p in slashed["points"]] == [2.0, 1.0]
    assert all(p["timestamp"] >= 1_700_000_000_000 for p in slashed["points"])


async def test_long_metric_histories_can_be_sampled_evenly(jp_fetch, store):
    run_id = make_run(store, "history", "long", metrics={"m": [float(i) for i in range(1000)]})
    body = await get_json(jp_fetch, "runs", run_id, "metrics", key="m", max_points="11")
    assert body["sampled"] is True
    steps = [p["step"] for p in body["points"]]
    assert len(steps) == 11
    assert steps[0] == 0 and steps[-1] == 999
    gaps = {b - a for a, b in itertools.pairwise(steps[:-1])}
    assert len(gaps) == 1 and 80 <= gaps.pop() <= 100  # even strides, then the last point
    assert [p["value"] for p in body["points"]] == [float(step) for step in steps]
    whole = await get_json(jp_fetch, "runs", run_id, "metrics", key="m", max_points="1000")
    assert whole["sampled"] is False
    assert len(whole["points"]) == 1000


async def test_metric_history_of_a_key_never_logged_is_empty(jp_fetch, store):
    run_id = make_run(store, "history", "none")
    body = await get_json(jp_fetch, "runs", run_id, "metrics", key="missing")
    assert body["points"] == []


async def test_bad_metric_history_input_names_the_field(jp_fetch, store):
    run_id = make_run(store, "history", "bad", metrics={"acc": [1.0]})
    code, body = await api_error(jp_fetch("mlops", "api", "runs", run_id, "metrics"))
    assert (code, body["field"]) == (400, "key")
    code, body = await api_error(
        jp_fetch("mlops", "api", "runs", run_id, "metrics", params={"key": "acc", "max_points": 0})
    )
    assert (code, body["field"]) == (400, "max_points")
    code, body = await api_error(
        jp_fetch("mlops", "api", "runs", run_id, "metrics", "acc", params={"key": "acc"})
    )
    assert (code, body["field"]) == (400, "key")


async def test_nan_and_infinities_travel_apart_as_mlflow_spells_them(jp_fetch, store):
    inf = float("inf")
    run_id = make_run(
        store, "nan", "n", metrics={"loss": [1.0, float("nan"), inf, -inf], "up": [inf]}
    )
    history = await get_json(jp_fetch, "runs", run_id, "metrics", key="loss")
    assert [p["value"] for p in history["points"]] == [1.0, "NaN", "Infinity", "-Infinity"]
    assert math.isnan(store.metric_history(run_id, "loss")[1].value)
    detail = await get_json(jp_fetch, "runs", run_id)
    assert detail["metrics"] == {"loss": "-Infinity", "up": "Infinity"}
    summaries = {s["key"]: s["value"] for s in detail["metric_summaries"]}
    assert summaries == {"loss": "-Infinity", "up": "Infinity"}
    page = await get_json(jp_fetch, "runs", filter="metrics.up > 0")
    assert [r["metrics"]["up"] for r in page["runs"]] == ["Infinity"]


# --- artifacts -------------------------------------------------------------------------------


@pytest.fixture
def artifact_run(store: TrackingStore, tmp_path: Path) -> str:
    run_id = make_run(store, "artifacts", "with-files")
    store.write_artifact(run_id, "model/model.skops", b"\x00model-bytes" * 1000)
    store.write_artifact(run_id, "report.html", b"<script>alert(1)</script>")
    store.write_artifact(run_id, "metrics.json", b'{"acc": 0.9}')
    store.write_artifact(run_id, "résumé.txt", "naïve".encode())
    return run_id


async def test_artifacts_are_listed_folder_by_folder(jp_fetch, store, artifact_run):
    root = await get_json(jp_fetch, "runs", artifact_run, "artifacts")
    assert root["path"] == ""
    assert root["root_uri"] == str(store.artifact_root(artifact_run).resolve())
    entries = [(f["path"], f["is_dir"]) for f in root["files"]]
    assert entries[0] == ("model", True)
    assert {path for path, _ in entries} == {"model", "metrics.json", "report.html", "résumé.txt"}
    sizes = {f["path"]: f["file_size"] for f in root["files"]}
    assert sizes["metrics.json"] == 12
    sub = await get_json(jp_fetch, "runs", artifact_run, "artifacts", path="model")
    assert [(f["path"], f["file_size"]) for f in sub["files"]] == [("model/model.skops", 12000)]


async def test_a_run_without_artifacts_lists_nothing(jp_fetch, store):
    run_id = make_run(store, "artifacts", "empty")
    body = await get_json(jp_fetch, "runs", run_id, "artifacts")
    assert body["files"] == []


async def test_artifact_download_streams_the_file_as_an_attachment(jp_fetch, artifact_run):
    response = await jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", "metrics.json")
    assert response.body == b'{"acc": 0.9}'
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="metrics.json"')
    big = await jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", "model", "model.skops")
    assert big.body == b"\x00model-bytes" * 1000
    assert big.headers["Content-Type"] == "application/octet-stream"
    assert int(big.headers["Content-Length"]) == 12000


async def test_downloaded_html_cannot_run_in_the_lab_origin(jp_fetch, artifact_run):
    response = await jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", "report.html")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


async def test_non_ascii_artifact_names_download(jp_fetch, artifact_run):
    response = await jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", "résumé.txt")
    assert response.body == "naïve".encode()
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9.txt" in response.headers["Content-Disposition"]


async def test_downloading_a_folder_or_a_missing_file_is_refused(jp_fetch, artifact_run):
    code, body = await api_error(
        jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", "model")
    )
    assert (code, body["field"]) == (400, "path")
    code, body = await api_error(
        jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", "no.txt")
    )
    assert (code, body["field"]) == (404, "path")


@pytest.mark.parametrize(
    "escape",
    [
        "..%2Fsecret.txt",
        "%2e%2e/secret.txt",
        "%2E%2E%2Fsecret.txt",
        "model/..%2F..%2Fsecret.txt",
        "%2Fetc%2Fpasswd",
        "..%5Csecret.txt",
        "../secret.txt",
        "model/../../secret.txt",
    ],
)
async def test_a_download_path_escaping_the_artifact_root_is_refused(
    raw_fetch, store, artifact_run, escape
):
    # A file right next to the run's artifact root, which the escapes aim at.
    secret = store.artifact_root(artifact_run).parent / "secret.txt"
    secret.write_text("do not serve")
    code, body = await api_error(raw_fetch(f"runs/{artifact_run}/artifacts/{escape}"))
    assert 400 <= code < 500
    assert body["field"] == "path"


@pytest.mark.parametrize("escape", ["..", "../..", "model/../..", "/etc", "C:/Windows"])
async def test_listing_a_folder_outside_the_artifact_root_is_refused(
    jp_fetch, artifact_run, escape
):
    code, body = await api_error(
        jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", params={"path": escape})
    )
    assert 400 <= code < 500
    assert body["field"] == "path"


async def test_a_symlink_out_of_the_artifact_root_is_not_served(jp_fetch, store, artifact_run):
    outside = store.artifact_root(artifact_run).parent / "outside.txt"
    outside.write_text("secret")
    (store.artifact_root(artifact_run) / "link.txt").symlink_to(outside)
    code, body = await api_error(
        jp_fetch("mlops", "api", "runs", artifact_run, "artifacts", "link.txt")
    )
    assert 400 <= code < 500
    assert body["field"] == "path"
    listing = await get_json(jp_fetch, "runs", artifact_run, "artifacts")
    assert "link.txt" not in [f["path"] for f in listing["files"]]
