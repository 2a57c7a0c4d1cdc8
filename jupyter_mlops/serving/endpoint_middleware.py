"""The endpoint's middleware besides the body limit: the bearer token check and the scoring
routes' request metrics, each in one place for every route.

Pure ASGI (not `BaseHTTPMiddleware`): they sit on the scoring hot path and add one function
call each. Order, outermost first: metrics (so refusals are counted), auth, body limit.
"""

from __future__ import annotations

import time
from typing import Any

from ..core.errors import ErrorCode
from .endpoint_auth import EndpointAuth
from .endpoint_errors import send_error
from .payloads import PayloadError

# Readiness probes answer without a token (Kubernetes and Docker health checks carry none).
OPEN_PATHS = frozenset({"/health", "/ping"})
# The routes whose requests, errors and latency `/metrics` counts, by label.
SCORING_ROUTES = {"/invocations": "invocations", "/predict": "predict"}


def unauthorized() -> PayloadError:
    """The 401 of a request without the endpoint's bearer token."""
    return PayloadError(
        "a bearer token is required (Authorization: Bearer <token>)",
        "authorization",
        ErrorCode.UNAUTHORIZED,
    )


class _Headers:
    """The `get` of Starlette's headers over raw ASGI headers (what `EndpointAuth` reads)."""

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.raw = raw

    def get(self, name: str, default: str = "") -> str:
        wanted = name.encode()
        for key, value in self.raw:
            if key == wanted:
                return str(value.decode("latin-1"))
        return default


class AuthMiddleware:
    """Answer 401 on every route but the readiness probes without `Authorization: Bearer`."""

    def __init__(self, app: Any, auth: EndpointAuth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""
        if (
            scope["type"] == "http"
            and scope["path"] not in OPEN_PATHS
            and not self.auth.authorized(_Headers(scope["headers"]))
        ):
            await send_error(unauthorized(), scope, send)
            return
        await self.app(scope, receive, send)


class MetricsMiddleware:
    """Count the scoring routes' requests and errors by status, and time them."""

    def __init__(self, app: Any, metrics: Any) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""
        scoring = scope["type"] == "http" and scope["method"] == "POST"
        route = SCORING_ROUTES.get(scope["path"]) if scoring else None
        if route is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes every handler is Starlette's 500

        async def observed(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            self.metrics.requests.labels(route, str(status)).inc()
            if status >= 400:
                self.metrics.errors.labels(route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)
