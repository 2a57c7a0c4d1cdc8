"""The endpoint's middleware besides the body limit: the bearer token check, in one place for
every route but the scoring POSTs, which `endpoint_scoring.ScoringFront` answers itself (it
checks the same token with the same `unauthorized` answer, and counts and times them).

Pure ASGI (not `BaseHTTPMiddleware`). Order, outermost first: the scoring front, auth, body
limit.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import ErrorCode
from .endpoint_auth import EndpointAuth
from .endpoint_errors import send_error
from .payloads import PayloadError

# Readiness probes answer without a token (Kubernetes and Docker health checks carry none).
OPEN_PATHS = frozenset({"/health", "/ping"})
# The routes whose requests, errors and latency `/metrics` counts, by label (`ScoringFront`).
SCORING_ROUTES = {"/invocations": "invocations", "/predict": "predict"}


def unauthorized() -> PayloadError:
    """The 401 of a request without the endpoint's bearer token."""
    return PayloadError(
        "a bearer token is required (Authorization: Bearer <token>)",
        "authorization",
        ErrorCode.UNAUTHORIZED,
    )


class RawHeaders:
    """The `get` of Starlette's headers over raw ASGI headers (what `EndpointAuth` reads)."""

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.raw = raw

    def get(self, name: str, default: str = "") -> str:
        """The first value of header `name` (lower case), else `default`."""
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
            and not self.auth.authorized(RawHeaders(scope["headers"]))
        ):
            await send_error(unauthorized(), scope, send)
            return
        await self.app(scope, receive, send)
