"""The scoring routes' hot path: `POST /invocations` and `POST /predict` in one ASGI call.

Under load an endpoint's CPU per request was mostly the layers around the model call (py-spy,
docs/performance.md): Starlette's exception middleware, router and `HTTPEndpoint` dispatch, a
`Request` and `Response` per request, and the three middleware (request metrics, the bearer
token, the body limit), each wrapping `send` or `receive` in a closure. `ScoringFront` sits
first among the app's middleware (inside Starlette's `ServerErrorMiddleware`, which still
answers an unexpected exception with a 500) and answers a scoring POST itself, doing what those
layers did, in their order: count and time it by route and status, answer 401 without the
token, 413 for a body announced or streamed past the limit, then score (`score`) and answer
raw ASGI messages. A raised `MLOpsError` is answered as `endpoint_errors` shapes it. Every
other request (other paths, other methods: the router's 405) goes on to the Starlette app.

`score` is also what the route classes in `endpoint_routes` call, so both ways answer alike.
"""

from __future__ import annotations

import itertools
import secrets
import time
from typing import Any

from ..core.errors import MLOpsError
from .body_limit import too_large
from .endpoint_errors import error_body
from .endpoint_json import dumps, loads
from .endpoint_middleware import SCORING_ROUTES, RawHeaders, unauthorized
from .invocation_bodies import params_warning, read_invocation
from .payloads import PayloadError, not_json

# Request ids: unique per worker start, without a system call per request.
_ID_PREFIX = secrets.token_hex(6)
_COUNTER = itertools.count(1)
_JSON = (b"content-type", b"application/json")


def new_request_id() -> str:
    """A request id unique to this worker's run."""
    return f"{_ID_PREFIX}-{next(_COUNTER)}"


async def score(
    state: Any, mlflow: bool, raw: bytes, content_type: str | None, request_id: str | None
) -> tuple[bytes, dict[str, str]]:
    """Validate a scoring body, predict through the batcher: the JSON answer and its headers
    (`PayloadError` for a body or rows the endpoint refuses, or that the model could not
    predict)."""
    model = state.model
    params: dict[str, Any] | None = None
    if mlflow:  # JSON, CSV or Parquet, as `mlflow models serve`
        data, params = read_invocation(raw, content_type, model.view, loads)
    else:
        try:
            body = loads(raw)
        except ValueError:
            raise not_json() from None
        data = model.view.from_predict(body)
    request_id = request_id or new_request_id()
    try:
        result = await state.batcher.predict(model, data, not mlflow, request_id)
    except Exception as exc:  # the model refused the input
        raise PayloadError(f"the model could not predict: {exc}", "inputs") from exc
    state.metrics.rows.inc(data.n_rows)
    payload: dict[str, Any] = {"predictions": result.predictions}
    if not mlflow:
        payload["model_version"] = result.version
        payload["request_id"] = request_id
        if result.probabilities is not None:
            payload["probabilities"] = result.probabilities
            payload["classes"] = model.classes
    headers = {"x-request-id": request_id, "x-model-version": str(result.version)}
    if params:  # the workbench's models take no params: say they were not used
        headers["warning"] = params_warning(params)
    return dumps(payload), headers


class _Disconnected(Exception):
    """The client went away before its body was read: nothing to answer."""


class ScoringFront:
    """ASGI middleware: the scoring POSTs answered here, the rest passed on (module doc)."""

    def __init__(self, app: Any, state: Any, limit: int) -> None:
        self.app = app
        self.state = state
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""
        route = (
            SCORING_ROUTES.get(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST"
            else None
        )
        if route is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes is ServerErrorMiddleware's 500
        try:
            status = await self._answer(scope, receive, send)
        except _Disconnected:
            return
        finally:
            self.state.metrics.observe(route, status, time.perf_counter() - started)

    async def _answer(self, scope: Any, receive: Any, send: Any) -> int:
        path = scope["path"]
        content_type = request_id = None
        announced = 0
        for name, value in scope["headers"]:
            if name == b"content-length":
                if value.isdigit():
                    announced = max(announced, int(value))
            elif name == b"content-type":
                if content_type is None:
                    content_type = value.decode("latin-1")
            elif name == b"x-request-id" and request_id is None:
                request_id = value.decode("latin-1")
        try:
            if not self.state.auth.authorized(RawHeaders(scope["headers"])):
                raise unauthorized()
            if announced > self.limit:
                raise too_large(self.limit)
            raw = await self._body(receive)
            payload, headers = await score(
                self.state, path == "/invocations", raw, content_type, request_id
            )
        except MLOpsError as exc:
            status = exc.http_status
            await _send(send, status, dumps(error_body(exc, path)), [_JSON])
            return status
        await _send(
            send,
            200,
            payload,
            [_JSON, *((k.encode(), v.encode("latin-1")) for k, v in headers.items())],
        )
        return 200

    async def _body(self, receive: Any) -> bytes:
        """The request body, refused (413) as soon as it passes the limit."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected()
            chunk = message.get("body", b"")
            if chunk:
                received += len(chunk)
                if received > self.limit:
                    raise too_large(self.limit)
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _send(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
