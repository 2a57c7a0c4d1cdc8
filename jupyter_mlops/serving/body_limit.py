"""Request bodies bounded while they stream: ASGI middleware, one place for every route.

A body announced larger than the limit (`Content-Length`) is refused (413) before any of it is
read; a chunked body without a length is counted as its chunks arrive and refused as soon as
the count passes the limit (the route's read raises `too_large`, which Starlette's handler for
`MLOpsError` answers), so the process never holds more than `limit` bytes of one request and
the answer comes before the client has sent the rest.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import ErrorCode
from .endpoint_errors import send_error
from .payloads import PayloadError


def too_large(limit: int) -> PayloadError:
    """The 413 of a body over `limit` bytes."""
    return PayloadError(f"the body is over {limit} bytes", "body", ErrorCode.TOO_LARGE)


class BodyLimitMiddleware:
    """Refuse request bodies over `limit` bytes with a 413 naming `body`."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await send_error(too_large(self.limit), scope, send)
                return
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise too_large(self.limit)
            return message

        await self.app(scope, counted, send)
