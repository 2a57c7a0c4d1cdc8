"""Request bodies read with a bound that holds while they stream.

A body announced larger than the limit (`Content-Length`) is refused before any of it is read; a
chunked body without a length is counted as its chunks arrive and refused (413) as soon as the
count passes the limit, so the process never holds more than `limit` bytes of one request and
the answer comes before the client has sent the rest.
"""

from __future__ import annotations

from typing import Any

from .payloads import PayloadError


def too_large(limit: int) -> PayloadError:
    """The 413 of a body over `limit` bytes."""
    return PayloadError(f"the body is over {limit} bytes", "body", 413, "too_large")


async def read_body(request: Any, limit: int) -> bytes:
    """The body of a Starlette `request`, or `too_large` once it passes `limit` bytes."""
    length = request.headers.get("content-length")
    if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
        raise too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(limit)
    return bytes(body)
