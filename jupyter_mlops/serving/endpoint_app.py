"""The endpoint process: a Starlette app serving one model version at a time, on uvicorn.

Routes: `POST /invocations` (MLflow's payloads, `{"predictions": [...]}`), `POST /predict`
(records or columns; probabilities and classes when the model has them), `GET /health`,
`GET /ping`, `GET /version`, `GET /schema`, `GET /metrics` (Prometheus text). With a bearer
token (`endpoint_auth`: always for the endpoints the server deploys) every route but `/health`
and `/ping` (readiness probes) answers 401 without `Authorization: Bearer <token>`.

The model is loaded once per worker at start. A worker that follows the store (an endpoint
record, or `NAME@ALIAS`) checks every `poll_s` which version it should serve; when that changes
it loads the new version in a thread and swaps it in: requests in flight finish on the old one,
none fails (Promote and Rollback). With `--model-dir` (a Docker image) there is no store: the
folder's model is served, its sha256 checked against `endpoint.json`.

The configuration travels as JSON in `$JUPYTER_MLOPS_ENDPOINT_CONFIG` (the token or its file in
`endpoint_auth`'s variables), so uvicorn's worker processes (`--workers N`) build the same app
(`app_from_environment`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from typing import Any

from .._version import __version__
from .endpoint_auth import TOKEN_ENV, EndpointAuth
from .endpoint_metrics import Metrics
from .model_source import ModelSource

log = logging.getLogger("jupyter_mlops.serving.endpoint")

CONFIG_ENV = "JUPYTER_MLOPS_ENDPOINT_CONFIG"
PARENT_ENV = "JUPYTER_MLOPS_ENDPOINT_PARENT"

try:  # orjson parses and writes JSON several times faster; json is the fallback
    import orjson

    def loads(data: bytes) -> Any:
        """Parse a JSON body."""
        return orjson.loads(data)

    def dumps(data: Any) -> bytes:
        """Write a JSON answer (NaN and infinities as null)."""
        return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)

except ImportError:  # pragma: no cover - orjson is a dependency

    def loads(data: bytes) -> Any:
        """Parse a JSON body."""
        return json.loads(data)

    def dumps(data: Any) -> bytes:
        """Write a JSON answer."""
        return json.dumps(data).encode()


@dataclass
class EndpointConfig:
    """What an endpoint process serves and how.

    Exactly one of `endpoint` (follow that endpoint's record in the store), `model` (`NAME@ALIAS`
    follows the alias, `NAME/3` is fixed) or `model_dir` (a folder, no store) is set.
    """

    endpoint: str | None = None
    model: str | None = None
    model_dir: str | None = None
    log_name: str | None = None
    max_body_bytes: int = 10 * 1024 * 1024
    max_batch_rows: int = 512
    max_wait_ms: float = 2.0
    poll_s: float = 0.5
    log_requests: bool = True
    log_queue_rows: int = 100_000
    restarts: int = 0

    def to_json(self) -> str:
        """The config as JSON (what the environment variable carries)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> EndpointConfig:
        """Parse `to_json`'s output."""
        return cls(**json.loads(text))


class Endpoint:
    """The state of one worker: the loaded model, the batcher, the request log, metrics."""

    def __init__(self, config: EndpointConfig, auth: EndpointAuth) -> None:
        self.config = config
        self.auth = auth
        self.source: ModelSource | None = None
        self.model: Any = None
        self.batcher: Any = None
        self.request_log: Any = None
        self.metrics = Metrics(lambda: self.request_log)
        self._watcher: asyncio.Task[None] | None = None
        self._token_watcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Load the model and start the batcher, the request log and the version watcher."""
        from .batcher import MicroBatcher
        from .request_log import RequestLog, requests_location

        self.source = await asyncio.to_thread(ModelSource, self.config)
        version = await asyncio.to_thread(self.source.target_version)
        self.model = await asyncio.to_thread(self.source.load, version)
        self.metrics.version.set(version)
        self.metrics.restarts.set(self.config.restarts)
        log_name = self.config.log_name or self.config.endpoint or self.source.name
        if self.config.log_requests:
            self.request_log = RequestLog(
                requests_location(log_name), max_queued_rows=self.config.log_queue_rows
            )
        self.batcher = MicroBatcher(
            self.config.max_batch_rows,
            self.config.max_wait_ms,
            on_batch=self.metrics.batch_rows.observe,
            observer=self._observe if self.request_log is not None else None,
        )
        self.batcher.start()
        if self.source.follows:
            self._watcher = asyncio.get_running_loop().create_task(self._watch())
        if self.auth.token_file is not None:
            self._token_watcher = asyncio.get_running_loop().create_task(self._watch_token())

    async def stop(self) -> None:
        """Stop the watcher and the batcher; write the request log's queue."""
        for task in (self._watcher, self._token_watcher):
            if task is not None:
                task.cancel()
        if self.batcher is not None:
            await self.batcher.close()
        if self.request_log is not None:
            await asyncio.to_thread(self.request_log.close)

    def _observe(
        self, model: Any, ids: list[str], features: Any, predictions: Any, latencies: list[float]
    ) -> None:
        self.request_log.record(
            model.view.names, features, ids, model.version, latencies, predictions
        )

    async def _watch(self) -> None:
        assert self.source is not None
        last_problem = ""
        while True:
            await asyncio.sleep(self.config.poll_s)
            try:
                version = await asyncio.to_thread(self.source.target_version)
                if version != self.model.version:
                    loaded = await asyncio.to_thread(self.source.load, version)
                    self.model = loaded
                    self.metrics.version.set(version)
                    self.metrics.swaps.inc()
                    log.warning("endpoint now serves %s version %s", self.source.name, version)
                last_problem = ""
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep serving the loaded version; say so once per cause
                if str(exc) != last_problem:
                    log.warning("endpoint could not check or load its model version: %s", exc)
                last_problem = str(exc)

    async def _watch_token(self) -> None:
        while True:  # a rotated token replaces the old one within poll_s
            await asyncio.sleep(self.config.poll_s)
            await asyncio.to_thread(self.auth.refresh)


def create_app(config: EndpointConfig, auth: EndpointAuth | None = None) -> Any:
    """The Starlette app of an endpoint (`auth`: its bearer token check; none: open)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from .body_limit import read_body
    from .invocation_bodies import (
        MLFLOW_PROTOCOL_VERSION,
        mlflow_error_body,
        params_warning,
        read_invocation,
    )
    from .payloads import PayloadError

    state = Endpoint(config, auth or EndpointAuth())
    # Request ids: unique per worker start, without a system call per request.
    id_prefix = secrets.token_hex(6)
    counter = itertools.count(1)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.stop()

    def error(
        status: int, message: str, field: str | None = None, code: str = "invalid_input"
    ) -> JSONResponse:
        return refused(PayloadError(message, field, status, code))

    def refused(exc: PayloadError, route: str | None = None) -> JSONResponse:
        # /invocations answers in MLflow's scoring server's shape (`invocation_bodies`).
        body = mlflow_error_body(exc) if route == "invocations" else exc.body()
        return JSONResponse(body, exc.status)

    def unauthorized(route: str | None = None) -> JSONResponse:
        return refused(PayloadError("a bearer token is required (Authorization: Bearer <token>)",
                                    "authorization", 401, "unauthorized"), route)  # fmt: skip

    async def serve(request: Request, route: str) -> Response:
        started = time.perf_counter()
        status = 200
        params: dict[str, Any] | None = None
        try:
            if not state.auth.authorized(request.headers):
                status = 401
                return unauthorized(route)
            try:
                raw = await read_body(request, config.max_body_bytes)
                model = state.model
                if route == "invocations":  # JSON, CSV or Parquet, as `mlflow models serve`
                    content_type = request.headers.get("content-type")
                    data, params = read_invocation(raw, content_type, model.view, loads)
                else:
                    try:
                        body = loads(raw)
                    except ValueError:
                        raise PayloadError("the body is not valid JSON", "body", 400) from None
                    data = model.view.from_predict(body)
            except PayloadError as exc:
                status = exc.status
                return refused(exc, route)
            request_id = request.headers.get("x-request-id") or f"{id_prefix}-{next(counter)}"
            try:
                result = await state.batcher.predict(model, data, route == "predict", request_id)
            except Exception as exc:  # the model refused the input
                status = 422
                return refused(PayloadError(f"the model could not predict: {exc}", "inputs"), route)
            state.metrics.rows.inc(data.n_rows)
            if route == "invocations":
                payload: dict[str, Any] = {"predictions": result.predictions}
            else:
                payload = {
                    "predictions": result.predictions,
                    "model_version": result.version,
                    "request_id": request_id,
                }
                if result.probabilities is not None:
                    payload["probabilities"] = result.probabilities
                    payload["classes"] = model.classes
            headers = {"x-request-id": request_id, "x-model-version": str(result.version)}
            if params:  # the workbench's models take no params: say they were not used
                headers["warning"] = params_warning(params)
            return Response(dumps(payload), media_type="application/json", headers=headers)
        finally:
            state.metrics.requests.labels(route, str(status)).inc()
            if status >= 400:
                state.metrics.errors.labels(route, str(status)).inc()
            state.metrics.latency.labels(route).observe(time.perf_counter() - started)

    async def invocations(request: Request) -> Response:
        return await serve(request, "invocations")

    async def predict(request: Request) -> Response:
        return await serve(request, "predict")

    async def health(_request: Request) -> Response:
        model = state.model
        if model is None:
            return JSONResponse({"status": "loading"}, 503)
        return JSONResponse(
            {
                "status": "ok",
                "model": state.source.name if state.source else None,
                "version": model.version,
            }
        )

    async def ping(_request: Request) -> Response:
        return Response(
            "\n" if state.model is not None else "loading\n",
            200 if state.model is not None else 503,
        )

    async def version(request: Request) -> Response:
        if not state.auth.authorized(request.headers):
            return unauthorized()
        if "text/plain" in request.headers.get("accept", ""):  # as MLflow's scoring server
            return Response(MLFLOW_PROTOCOL_VERSION, media_type="text/plain")
        model = state.model
        return JSONResponse(
            {
                "model": state.source.name if state.source else None,
                "version": model.version,
                "estimator_class": model.info.estimator_class,
                "versions": model.info.versions,
                "jupyter_mlops": __version__,
                "pid": os.getpid(),
            }
        )

    async def schema(request: Request) -> Response:
        if not state.auth.authorized(request.headers):
            return unauthorized()
        model = state.model
        schema_ = model.info.input_schema
        return JSONResponse(
            {
                "model": state.source.name if state.source else None,
                "version": model.version,
                "input_schema": {
                    "named": schema_.named,
                    "columns": [asdict(c) for c in schema_.columns],
                },
                "example": model.example,
                "predict_methods": model.info.predict_methods,
                "classes": model.classes,
            }
        )

    async def metrics(request: Request) -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        if not state.auth.authorized(request.headers):
            return unauthorized()
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    routes = [
        Route("/invocations", invocations, methods=["POST"]),
        Route("/predict", predict, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/ping", ping, methods=["GET"]),
        Route("/version", version, methods=["GET"]),
        Route("/schema", schema, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.endpoint = state
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
) -> None:
    """Run the endpoint in the foreground until interrupted; `token` (else the token or token
    file in the environment) is required of callers."""
    import uvicorn

    if token:
        os.environ[TOKEN_ENV] = token  # uvicorn's workers read it from there
    if workers <= 1:
        uvicorn.run(
            create_app(config, EndpointAuth.from_environment()),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
        )
        return
    os.environ[CONFIG_ENV] = config.to_json()
    os.environ[PARENT_ENV] = str(os.getpid())
    uvicorn.run(
        "jupyter_mlops.serving.endpoint_app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
