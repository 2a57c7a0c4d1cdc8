"""The endpoint process: a Starlette app serving one model version at a time, on uvicorn.

Routes (`endpoint_routes`, each with its `Contract`): `POST /invocations` (MLflow's payloads,
`{"predictions": [...]}`), `POST /predict` (records or columns; probabilities and classes when
the model has them), `GET /health`, `GET /ping`, `GET /version`, `GET /schema`, `GET /metrics`
(Prometheus text) and `GET /openapi.json` (`endpoint_openapi`). With a bearer token
(`endpoint_auth`: always for the endpoints the server deploys) every route but `/health` and
`/ping` (readiness probes) answers 401 without `Authorization: Bearer <token>`.

The app is assembled here: its worker state (`endpoint_state`), middleware (request metrics,
auth, body limit) and the one handler that turns a raised `MLOpsError` into its answer
(`endpoint_errors`). `serve` runs it on uvicorn and keeps the endpoint's row in the store
(`self_registration`).

The configuration travels as JSON in `$JUPYTER_MLOPS_ENDPOINT_CONFIG` (the token or its file in
`endpoint_auth`'s variables), so uvicorn's worker processes (`--workers N`) build the same app
(`app_from_environment`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

from ..core.errors import MLOpsError
from .endpoint_auth import TOKEN_ENV, EndpointAuth
from .endpoint_config import CONFIG_ENV, EndpointConfig

__all__ = ["CONFIG_ENV", "EndpointConfig", "app_from_environment", "create_app", "serve"]

PARENT_ENV = "JUPYTER_MLOPS_ENDPOINT_PARENT"


def create_app(config: EndpointConfig, auth: EndpointAuth | None = None) -> Any:
    """The Starlette app of an endpoint (`auth`: its bearer token check; none: open)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    from .body_limit import BodyLimitMiddleware
    from .endpoint_errors import handle_error
    from .endpoint_middleware import AuthMiddleware, MetricsMiddleware
    from .endpoint_openapi import OpenAPI
    from .endpoint_routes import ROUTES
    from .endpoint_state import EndpointState

    state = EndpointState(config, auth or EndpointAuth())

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.stop()

    routes = {**ROUTES, "/openapi.json": OpenAPI}
    app = Starlette(
        routes=[Route(path, endpoint) for path, endpoint in routes.items()],
        middleware=[  # outermost first: refusals are counted, then authenticated, then bounded
            Middleware(MetricsMiddleware, metrics=state.metrics),
            Middleware(AuthMiddleware, auth=state.auth),
            Middleware(BodyLimitMiddleware, limit=config.max_body_bytes),
        ],
        exception_handlers={MLOpsError: handle_error},
        lifespan=lifespan,
    )
    app.state.endpoint = state
    app.state.routes = routes
    return app


def _end_with_parent() -> None:
    """Ask Linux to SIGTERM this worker when its parent dies: a `kill -9` of uvicorn's parent
    must not leave workers holding the port, or the supervisor could not start it again."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    parent = os.environ.get(PARENT_ENV)
    if parent and str(os.getppid()) != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def app_from_environment() -> Any:
    """The app described by `$JUPYTER_MLOPS_ENDPOINT_CONFIG` (uvicorn's factory for workers)."""
    _end_with_parent()
    config = EndpointConfig.from_json(os.environ[CONFIG_ENV])
    return create_app(config, EndpointAuth.from_environment())


def serve(
    config: EndpointConfig,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    token: str | None = None,
    advertise_url: str | None = None,
) -> None:
    """Run the endpoint in the foreground until interrupted; `token` (else the token or token
    file in the environment) is required of callers. The process registers itself in the store
    while it runs (`self_registration`; `advertise_url`: the URL it is reachable at)."""
    from .self_registration import for_process

    if token:
        os.environ[TOKEN_ENV] = token  # uvicorn's workers read it from there
    auth = EndpointAuth.from_environment()
    registration = for_process(config, host, port, auth.enabled, advertise_url)
    if registration is None:
        _run_uvicorn(config, host, port, workers, auth)
        return
    registration.start()
    with _signals_return() as received:
        try:
            _run_uvicorn(config, host, port, workers, auth)
        finally:
            registration.stop()
    if received:  # end as uvicorn would have: by the signal, its handler now the original
        signal.raise_signal(received[0])


class _Signalled(BaseException):
    """SIGTERM or SIGINT, raised out of `uvicorn.run` so that `serve` can say it stopped."""


@contextlib.contextmanager
def _signals_return() -> Iterator[list[int]]:
    """Turn SIGTERM/SIGINT into `_Signalled` while serving, and yield the signals received.

    uvicorn shuts down gracefully on them, then raises them again with the handlers it found
    (to end the process as the signal would); the default SIGTERM would end the process before
    `serve`'s `finally`, so the registration could not be marked stopped.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def raise_signalled(signum: int, _frame: Any) -> None:
        raise _Signalled(signum)

    stops = (signal.SIGTERM, signal.SIGINT)
    previous = {signum: signal.signal(signum, raise_signalled) for signum in stops}
    try:
        yield received
    except _Signalled as exc:
        received.append(int(exc.args[0]))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run_uvicorn(
    config: EndpointConfig, host: str, port: int, workers: int, auth: EndpointAuth
) -> None:
    import uvicorn

    if workers <= 1:
        uvicorn.run(
            create_app(config, auth), host=host, port=port, log_level="warning", access_log=False
        )
        return
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    os.environ[CONFIG_ENV] = config.to_json()
    os.environ[PARENT_ENV] = str(os.getpid())
    server_config = uvicorn.Config(
        "jupyter_mlops.serving.endpoint_app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
    supervisor = Multiprocess(server_config, sockets=[server_config.bind_socket()])
    supervisor.run()
    # uvicorn stops every worker when one cannot start (a refused or tampered model), but its
    # parent then returns as after a clean stop: fail the command, as one worker does.
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        sys.exit(STARTUP_FAILURE)
