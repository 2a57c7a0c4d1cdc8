"""The endpoint process: a Starlette app serving one model version at a time, on uvicorn.

Routes (`endpoint_routes`, each with its `Contract`): `POST /invocations` (MLflow's payloads,
`{"predictions": [...]}`), `POST /predict` (records or columns; probabilities and classes when
the model has them), `GET /health`, `GET /ping`, `GET /version`, `GET /schema`, `GET /metrics`
(Prometheus text) and `GET /openapi.json` (`endpoint_openapi`). With a bearer token
(`endpoint_auth`: always for the endpoints the server deploys) every route but `/health` and
`/ping` (readiness probes) answers 401 without `Authorization: Bearer <token>`.

The app is assembled here: its worker state (`endpoint_state`), middleware (the scoring
routes' hot path `endpoint_scoring`, with their request metrics; auth; body limit) and the one
handler that turns a raised `MLOpsError` into its answer
(`endpoint_errors`). `serve` runs it on uvicorn and keeps the endpoint's row in the store
(`self_registration`).

With `--workers N` (N > 1) the process binds the socket, loads the model once and forks the
workers, which share both (`prefork`); each worker builds its own app around that model.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

from ..core.errors import MLOpsError
from .endpoint_auth import TOKEN_ENV, EndpointAuth
from .endpoint_config import CONFIG_ENV, EndpointConfig

__all__ = ["CONFIG_ENV", "EndpointConfig", "create_app", "serve"]

PARENT_ENV = "JUPYTER_MLOPS_ENDPOINT_PARENT"

log = logging.getLogger("jupyter_mlops.serving.endpoint")


def create_app(
    config: EndpointConfig, auth: EndpointAuth | None = None, preloaded: Any = None
) -> Any:
    """The Starlette app of an endpoint (`auth`: its bearer token check; none: open;
    `preloaded`: a `LoadedModel` the pre-fork parent loaded, served when still the target)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    from .body_limit import BodyLimitMiddleware
    from .endpoint_errors import handle_error
    from .endpoint_middleware import AuthMiddleware
    from .endpoint_openapi import OpenAPI
    from .endpoint_routes import ROUTES
    from .endpoint_scoring import ScoringFront
    from .endpoint_state import EndpointState

    state = EndpointState(config, auth or EndpointAuth(), preloaded)

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
        middleware=[  # outermost first: the scoring POSTs answered (counted, authenticated,
            # bounded) by the front; every other request authenticated, then bounded
            Middleware(ScoringFront, state=state, limit=config.max_body_bytes),
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
    """Ask Linux to SIGTERM this forked worker when its parent dies: a `kill -9` of uvicorn's parent
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
    code = _run_preforked(config, host, port, workers, auth)
    if code:  # a worker (or the parent's load) could not start: fail as one worker does
        sys.exit(code)


def _run_preforked(
    config: EndpointConfig, host: str, port: int, workers: int, auth: EndpointAuth
) -> int:
    """Bind, load the model once, fork `workers` workers (`prefork`): the exit code."""
    from .endpoint_metrics import make_multiprocess_folder

    os.environ[PARENT_ENV] = str(os.getpid())
    metrics_folder = make_multiprocess_folder()  # before prometheus_client is imported
    try:
        return _load_and_fork(config, host, port, workers, auth)
    finally:
        shutil.rmtree(metrics_folder, ignore_errors=True)


def _load_and_fork(
    config: EndpointConfig, host: str, port: int, workers: int, auth: EndpointAuth
) -> int:
    import uvicorn

    from .endpoint_metrics import worker_exited
    from .model_source import ModelSource
    from .prefork import STARTUP_FAILURE, PreforkSupervisor, forget_parent_connections

    options: dict[str, Any] = {
        "host": host, "port": port, "log_level": "warning", "access_log": False,
    }  # fmt: skip
    parent_config = uvicorn.Config(_not_served, **options)
    sockets = [parent_config.bind_socket()]
    try:
        parent_config.load()  # imports uvicorn's protocol and loop modules once, for every worker
        _import_app_modules()
        source = ModelSource(config)
        loaded = source.load(source.target_version())
    except Exception as exc:  # a refused, tampered or missing model: as a worker's failed start
        log.error("the endpoint cannot start: %s", exc)
        print(f"jupyter-mlops: the endpoint cannot start: {exc}", file=sys.stderr, flush=True)
        return STARTUP_FAILURE

    def worker(worker_sockets: list[Any]) -> None:
        _end_with_parent()
        forget_parent_connections()
        server = uvicorn.Server(uvicorn.Config(create_app(config, auth, loaded), **options))
        server.run(sockets=worker_sockets)
        if not server.started:
            sys.exit(STARTUP_FAILURE)

    return PreforkSupervisor(worker, sockets, workers, on_worker_exit=worker_exited).run()


async def _not_served(_scope: Any, _receive: Any, _send: Any) -> None:
    """The parent's placeholder app: only its workers serve."""
    raise RuntimeError("the pre-fork parent does not serve requests")


def _import_app_modules() -> None:
    """Import in the parent what `create_app` and a worker's start import, so that the forked
    workers share them instead of importing them each."""
    import importlib

    for name in (
        "starlette.applications", "starlette.middleware", "starlette.routing",
        "prometheus_client", "jupyter_mlops.serving.batcher",
        "jupyter_mlops.serving.body_limit", "jupyter_mlops.serving.endpoint_errors",
        "jupyter_mlops.serving.endpoint_middleware", "jupyter_mlops.serving.endpoint_openapi",
        "jupyter_mlops.serving.endpoint_routes", "jupyter_mlops.serving.endpoint_scoring",
        "jupyter_mlops.serving.endpoint_state",
        "jupyter_mlops.serving.request_log",
    ):  # fmt: skip
        importlib.import_module(name)
