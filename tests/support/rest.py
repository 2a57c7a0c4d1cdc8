"""Calling the extension's REST API from a pytest-jupyter test, and waiting on a condition."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from tornado.httpclient import HTTPClientError


async def call(jp_fetch: Any, method: str, *path: str, body: Any = None, params: Any = None) -> Any:
    """`METHOD /mlops/api/PATH` with a JSON body; the decoded answer (a 4xx raises).

    The request may take minutes: deploying or stopping an endpoint answers once its process is
    up or gone, which under load took past jp_fetch's default 20 s (the server allows 120 s)."""
    kwargs: dict[str, Any] = {"method": method, "request_timeout": 600}
    if params is not None:
        kwargs["params"] = params
    if body is not None or method in ("POST", "PUT", "PATCH"):
        kwargs["body"] = json.dumps(body or {})
    response = await jp_fetch("mlops", "api", *path, **kwargs)
    return json.loads(response.body)


def error_body(error: HTTPClientError) -> dict[str, Any]:
    """The decoded JSON body of a refused request (the `HTTPClientError` jp_fetch raised)."""
    assert error.response is not None, f"no answer: {error}"
    return dict(json.loads(error.response.body))


async def until(
    check: Callable[[], Awaitable[Any]], timeout: float = 400, interval: float = 0.5
) -> Any:
    """Await `check()` until it returns something truthy (returned), failing after `timeout` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(interval)
