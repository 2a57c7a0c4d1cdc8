"""Every error answer of the endpoint process, shaped in one place.

An error is an `MLOpsError` (its `ErrorCode` gives the status); its body is the server's REST
error body `{"error": code, "message": ..., "field": ...}`. On `/invocations` the body also
carries MLflow's `error_code` (`BAD_REQUEST`, `UNAUTHENTICATED`, ...), so MLflow's clients read
it as they read `mlflow models serve`'s errors (docs/mlflow.md).
"""

from __future__ import annotations

from typing import Any

from ..core.errors import MLOpsError

MLFLOW_PATHS = frozenset({"/invocations"})

_MLFLOW_CODES = {401: "UNAUTHENTICATED", 503: "TEMPORARILY_UNAVAILABLE"}


def error_body(error: MLOpsError, path: str = "") -> dict[str, Any]:
    """The JSON body of `error` answered on `path` (MLflow's `error_code` on /invocations)."""
    body: dict[str, Any] = dict(error.to_dict())
    if path in MLFLOW_PATHS:
        status = error.http_status
        default = "BAD_REQUEST" if status < 500 else "INTERNAL_ERROR"
        body = {"error_code": _MLFLOW_CODES.get(status, default), **body}
    return body


def error_response(error: MLOpsError, path: str = "") -> Any:
    """The Starlette answer of `error` on `path`."""
    from starlette.responses import JSONResponse

    return JSONResponse(error_body(error, path), error.http_status)


async def handle_error(request: Any, exc: Exception) -> Any:
    """Starlette's exception handler for `MLOpsError`: what a route raises becomes its answer."""
    assert isinstance(exc, MLOpsError)
    return error_response(exc, request.url.path)


async def send_error(error: MLOpsError, scope: Any, send: Any) -> None:
    """Answer `error` from ASGI middleware (which runs outside Starlette's exception handlers)."""
    await error_response(error, scope.get("path", ""))(scope, _no_receive, send)


async def _no_receive() -> dict[str, Any]:  # a JSON answer never reads the request
    return {"type": "http.disconnect"}
