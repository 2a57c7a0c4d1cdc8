"""One way to start a real server for the test session: skip saying why it cannot run here,
and fail instead under `CI`, where every area must run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, Protocol, TypeVar

import pytest


class _Server(Protocol):
    def start(self) -> Any: ...
    def stop(self) -> None: ...


ServerT = TypeVar("ServerT", bound=_Server)


def serve_for_session(
    server: ServerT, reason: str | None, area: str, program: str
) -> Iterator[ServerT]:
    """Start `server` unless `reason` says it cannot run, yield it, stop it at the end.

    `area` names the tests in the CI failure ("S3 tests must run in CI"), `program` the server in
    the start failure ("moto_server did not start: ...")."""
    if reason is None:
        try:
            server.start()
        except Exception as error:
            server.stop()
            reason = f"{program} did not start: {error}"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{area} tests must run in CI, but {reason}")
        pytest.skip(reason)
    yield server
    server.stop()
