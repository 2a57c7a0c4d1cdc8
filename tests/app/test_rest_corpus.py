"""The inputs a probe of a running server answered with a 500 (issue 9, item 4), kept as a
corpus: each must be a 4xx naming what was wrong, never a 5xx. Plus `?token=` on GET routes,
the anonymous CORS preflight, and tokens kept out of the log."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import pytest
from jupyter_server.utils import url_path_join

from jupyter_mlops.tracking.capability import TRACKING

from ..support.tracking_rest import make_run

BIG = str(2**64)

# What the `call` fixture returns: a request's (status, JSON body or None), a pair the checker
# knows, so that `_bad_request(*await call(...), field)` is checked as three arguments.
Call = Callable[..., Awaitable[tuple[int, Any]]]


@pytest.fixture
def run_id(mlops_app: Any) -> str:
    return make_run(mlops_app.services.get(TRACKING), "corpus", "a-run", {"lr": 0.1})


@pytest.fixture
def call(http_server_client: Any, jp_base_url: str, jp_serverapp: Any) -> Call:
    """`call(verb, "runs?x=y", body=..., auth=True)` -> (status, JSON body or None)."""
    token = jp_serverapp.identity_provider.token

    async def fetch(
        verb: str, path: str, body: bytes | None = None, auth: bool = True, **headers: str
    ) -> tuple[int, Any]:
        if auth:
            headers["Authorization"] = f"token {token}"
        if body is None and verb in ("POST", "PATCH", "PUT"):
            body = b"{}"
        response = await http_server_client.fetch(
            url_path_join(jp_base_url, "mlops/api", path), method=verb, body=body,
            headers=headers, raise_error=False, allow_nonstandard_methods=True,
        )  # fmt: skip
        try:
            payload = json.loads(response.body) if response.body else None
        except ValueError:
            payload = None
        return response.code, payload

    return fetch


def _token(data: Any) -> str:
    return quote(base64.urlsafe_b64encode(json.dumps(data).encode()).decode())


def _bad_request(status: int, body: Any, field: str | None = None) -> None:
    assert status == 400, (status, body)
    assert body["error"] == "bad_request"
    if field is not None:
        assert body["field"] == field, body


async def test_deeply_nested_json_body_is_a_400(call, run_id):
    for depth in (100, 100_000):
        status, body = await call("PATCH", f"runs/{run_id}", body=b"[" * depth + b"]" * depth)
        _bad_request(status, body, "body")
    nested = b'{"name": "x", "extra": ' + b"[" * 70 + b"]" * 70 + b"}"
    status, body = await call("PATCH", f"runs/{run_id}", body=nested)
    assert status == 400, body


async def test_invalid_utf8_in_a_query_argument_is_a_400(call: Call, run_id: str) -> None:
    _bad_request(*await call("GET", "runs?filter=%FF"), "filter")
    _bad_request(*await call("GET", "experiments?view=%C3%28"), "view")
    _bad_request(*await call("GET", f"runs/{run_id}/artifacts?path=%ED%A0%80"), "path")


async def test_integers_beyond_64_bits_are_a_4xx(call: Call, run_id: str) -> None:
    status, body = await call("GET", f"experiments/{BIG}")
    assert 400 <= status < 500, body
    _bad_request(*await call("GET", f"runs?offset={BIG}"), "offset")
    _bad_request(*await call("GET", f"runs?experiment_id={BIG}"), "experiment_id")
    _bad_request(*await call("GET", f"runs?page_token={_token({'offset': 2**70})}"), "page_token")
    _bad_request(*await call("GET", f"runs/{run_id}/metrics/lr?max_points={BIG}"), "max_points")


async def test_page_token_of_nested_json_is_a_400(call: Call) -> None:
    nested = "[" * 10_000 + "]" * 10_000
    token = quote(base64.urlsafe_b64encode(nested.encode()).decode())
    _bad_request(*await call("GET", f"runs?page_token={token}"), "page_token")
    _bad_request(*await call("GET", f"runs?page_token={_token([{'offset': 1}])}"), "page_token")


async def test_too_complex_queries_are_a_400_not_a_503(call, run_id):
    deep = "(" * 5000 + "params.lr = '0.1'" + ")" * 5000
    status, body = await call("GET", f"runs?filter={quote(deep)}")
    _bad_request(status, body, "filter")
    ors = " or ".join(f"params.p{i} = 'x'" for i in range(1000))
    status, body = await call("GET", f"runs?filter={quote(ors)}")
    _bad_request(status, body, "filter")
    assert "too complex" in body["message"]
    order = "&".join(f"order_by=params.p{i}" for i in range(70))
    status, body = await call("GET", f"runs?{order}")
    _bad_request(status, body, "order_by")
    assert "too complex" in body["message"]
    # Within the limits, the same shapes are answered.
    some = " or ".join(f"params.p{i} = 'x'" for i in range(50))
    assert (await call("GET", f"runs?filter={quote(some)}"))[0] == 200
    assert (await call("GET", "runs?" + "&".join(f"order_by=params.p{i}" for i in range(10))))[
        0
    ] == 200


async def test_token_in_the_url_is_accepted_on_get_routes(call, jp_serverapp, run_id):
    token = jp_serverapp.identity_provider.token
    for path in (
        "health",
        "experiments",
        "runs",
        f"runs/{run_id}",
        f"runs/{run_id}/metrics?key=lr",
        f"runs/{run_id}/artifacts",
        "openapi.json",
        "profiles",
    ):
        separator = "&" if "?" in path else "?"
        status, body = await call("GET", f"{path}{separator}token={token}", auth=False)
        assert status == 200, (path, body)


async def test_anonymous_cors_preflight_is_answered_like_jupyters_own_routes(
    call, http_server_client, jp_base_url, run_id
):
    headers = {
        "Origin": "http://example.org",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    jupyter = await http_server_client.fetch(
        url_path_join(jp_base_url, "api/contents"), method="OPTIONS", headers=headers,
        raise_error=False,
    )  # fmt: skip
    for path in ("runs", f"runs/{run_id}", "health"):
        status, _ = await call("OPTIONS", path, auth=False, **headers)
        assert status == jupyter.code, path
    # The preflight opens nothing: the real request still needs credentials.
    assert (await call("GET", "runs", auth=False))[0] == 403


async def test_nul_and_bidi_controls_are_refused_in_run_names(call, run_id, mlops_app):
    for name in ("a\x00b", "evil\u202etxt.exe", "x\u2066y"):
        body = json.dumps({"name": name}).encode()
        status, answer = await call("PATCH", f"runs/{run_id}", body=body)
        assert status == 400, (name, answer)
        assert answer["field"] in ("name", "body")
    store = mlops_app.services.get(TRACKING)
    experiment = store.get_or_create_experiment("corpus").experiment_id
    from jupyter_mlops.core.errors import MLOpsError

    with pytest.raises(MLOpsError, match="bidirectional"):
        store.create_run(experiment, "a\u202eb")
    status, answer = await call("GET", f"runs/{run_id}")
    assert answer["run_name"] == "a-run"


async def test_nul_and_lone_surrogates_in_query_arguments_are_a_400(
    call: Call, run_id: str
) -> None:
    _bad_request(*await call("GET", f"runs/{run_id}/artifacts?path=a%00b"), "path")
    _bad_request(*await call("GET", "runs?filter=params.x%20%3D%20%27%00%27"), "filter")


async def test_a_failed_request_never_logs_the_token(call, caplog):
    secret = "not-the-token-but-secret-123"
    caplog.set_level(logging.DEBUG)
    status, _ = await call("GET", f"runs?token={secret}", auth=False)
    assert status == 403
    status, _ = await call("GET", f"runs?filter=%FF&token={secret}", auth=False)
    assert status == 403
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "runs?" in logged  # the requests were logged...
    assert secret not in logged  # ...with the token redacted


# --- profiling (issue 9 item 4; its fixes belong to the profiling capability) ----------------


@pytest.mark.parametrize(
    "request_body",
    [
        {"path": "data\x00.csv"},
        {"path": "x" * 256 + ".csv"},
        {"path": "a/" + "y" * 300 + "/b.csv"},
        {"path": "data.csv", "name": "\ud800"},
        {"path": "data.csv", "name": "evil\u202ename"},
        {"path": "data.csv", "sample": "Infinity"},
        {"path": "data.csv", "sample": 1.5},
        {"path": "data.csv", "sample": True},
    ],
    ids=["nul", "255-bytes", "long-segment", "surrogate", "bidi", "inf", "1.5", "true"],
)
async def test_bad_profiling_requests_are_a_400(call, request_body):
    raw = json.dumps(request_body).replace('"Infinity"', "Infinity").encode()
    status, body = await call("POST", "profiles", body=raw)
    assert status == 400, body


async def test_overlong_path_segments_in_artifact_routes_are_a_4xx(call, run_id):
    segment = "z" * 300
    status, body = await call("GET", f"runs/{run_id}/artifacts?path={segment}")
    assert 400 <= status < 500, body
    status, body = await call("GET", f"runs/{run_id}/artifacts/{segment}/file.txt")
    assert 400 <= status < 500, body
    status, body = await call("GET", f"profiles/{segment}")
    assert 400 <= status < 500, body
