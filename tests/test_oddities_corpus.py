"""The 5xx and silent oddities a second probe of a running server found (issue 17, section 4),
kept as a corpus next to `test_rest_corpus.py`: each input must be a 4xx naming what was wrong
(or, for the Python API, a clear error or a working answer), never a 5xx or a raw SQL text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server.utils import url_path_join

from .support.tracking_rest import make_run

LONG = "z" * 300  # one segment past the 255 bytes file systems allow


@pytest.fixture
def call(http_server_client: Any, jp_base_url: str, jp_serverapp: Any) -> Any:
    """`call(verb, "runs?x=y", body=...)` -> (status, JSON body or None), authenticated."""
    token = jp_serverapp.identity_provider.token

    async def fetch(verb: str, path: str, body: Any = None) -> tuple[int, Any]:
        raw = None if body is None else json.dumps(body).encode()
        if raw is None and verb in ("POST", "PATCH", "PUT"):
            raw = b"{}"
        response = await http_server_client.fetch(
            url_path_join(jp_base_url, "mlops/api", path), method=verb, body=raw,
            headers={"Authorization": f"token {token}"}, raise_error=False,
            allow_nonstandard_methods=True,
        )  # fmt: skip
        try:
            payload = json.loads(response.body) if response.body else None
        except ValueError:
            payload = None
        return response.code, payload

    return fetch


def _bad_request(status: int, body: Any, field: str) -> dict[str, Any]:
    assert status == 400, (status, body)
    assert body["error"] == "bad_request", body
    assert body["field"] == field, body
    return dict(body)


# --- a path segment longer than the file system allows (ENAMETOOLONG) ----------------------


@pytest.fixture
def run_with_artifacts(mlops_app: Any) -> str:
    """A run whose artifact folder exists: the walk reaches the long segment (a run without
    artifacts fails earlier, on its missing folder, with a harmless ENOENT)."""
    store = mlops_app.settings["mlops_tracking"]
    run_id = make_run(store, "oddities", "with-files")
    store.write_artifact(run_id, "model/weights.txt", b"0.5\n")
    return run_id


@pytest.mark.parametrize(
    "path", [LONG, f"model/{LONG}", f"model/{LONG}/x.txt", "\u00e9" * 200], ids=str.__len__
)
async def test_an_overlong_segment_in_the_artifact_routes_is_a_400_naming_the_path(
    call, run_with_artifacts, path
):
    listing = await call("GET", f"runs/{run_with_artifacts}/artifacts?path={path}")
    body = _bad_request(*listing, "path")
    assert path[:20] in body["message"]
    download = await call("GET", f"runs/{run_with_artifacts}/artifacts/{path}")
    _bad_request(*download, "path")
    # The run's real files still answer.
    status, body = await call("GET", f"runs/{run_with_artifacts}/artifacts?path=model")
    assert status == 200 and [f["path"] for f in body["files"]] == ["model/weights.txt"]


def test_an_overlong_segment_is_refused_when_writing_artifacts_too(mlops_app):
    from jupyter_mlops.core.errors import MLOpsError

    store = mlops_app.settings["mlops_tracking"]
    run_id = make_run(store, "oddities", "writes")
    with pytest.raises(MLOpsError, match="at most 255 bytes") as error:
        store.write_artifact(run_id, f"a/{LONG}.txt", b"x")
    assert error.value.field == "path"


# --- clusters: a memory size that overflows ------------------------------------------------


@pytest.mark.parametrize("memory", ["1e400", "inf", "-inf", "1e400GB", "nan"])
async def test_a_memory_size_that_overflows_is_a_400_naming_memory(call, memory):
    body = _bad_request(*await call("POST", "clusters", {"memory": memory}), "memory")
    assert memory in body["message"]
    assert (await call("GET", "clusters"))[1]["clusters"] == []
