"""The endpoint's routes: one Starlette `HTTPEndpoint` per path, each with its `Contract`.

Routes raise `MLOpsError` (`PayloadError`) for bad input; Starlette's handler for it
(`endpoint_errors.handle_error`) writes the answer, so no route builds an error body. Auth and
body limits are middleware (`endpoint_middleware`, `body_limit`). The scoring POSTs are
answered before the router by `endpoint_scoring.ScoringFront` (the hot path, with their request
metrics); their classes here carry the contracts and call the same `score`. The contracts feed
the endpoint's own `GET /openapi.json` (`endpoint_openapi`).
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import ClassVar

from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .._version import __version__
from ..core.openapi import Contract
from . import endpoint_models as out
from .endpoint_env import INSTANCE_ENV
from .endpoint_scoring import score
from .endpoint_state import EndpointState
from .invocation_bodies import MLFLOW_PROTOCOL_VERSION


def _state(request: Request) -> EndpointState:
    state: EndpointState = request.app.state.endpoint
    return state


async def _score(request: Request, mlflow: bool) -> Response:
    """Both scoring routes, when a request reaches them past `ScoringFront` (which answers them
    itself in the app): the same `score`."""
    raw = await request.body()  # bounded by `BodyLimitMiddleware`
    payload, headers = await score(
        _state(request), mlflow, raw, request.headers.get("content-type"),
        request.headers.get("x-request-id"),
    )  # fmt: skip
    return Response(payload, 200, headers, media_type="application/json")


class Invocations(HTTPEndpoint):
    """`POST /invocations`: MLflow's scoring route (JSON payloads, CSV, Parquet)."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Score rows sent as MLflow's payloads (dataframe_split, dataframe_records, "
            "instances, inputs), text/csv or Parquet; errors carry MLflow's error_code",
            response=out.InvocationsOut,
        )
    }

    async def post(self, request: Request) -> Response:
        """POST: see `contract`."""
        return await _score(request, mlflow=True)


class Predict(HTTPEndpoint):
    """`POST /predict`: records or columns; probabilities and classes when the model has them."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Score records ([{...}] or {records}) or columns ({columns} or {columns, data})",
            response=out.PredictOut,
        )
    }

    async def post(self, request: Request) -> Response:
        """POST: see `contract`."""
        return await _score(request, mlflow=False)


class Health(HTTPEndpoint):
    """`GET /health`: the readiness probe (open without a token)."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Ready (200) or loading its model (503)", response=out.HealthOut)
    }

    async def get(self, request: Request) -> Response:
        """GET: see `contract`."""
        state = _state(request)
        model = state.model
        if model is None:
            return JSONResponse({"status": "loading"}, 503)
        name = state.source.name if state.source else None
        answer = {"status": "ok", "model": name, "version": model.version}
        instance = os.environ.get(INSTANCE_ENV)
        if instance:
            answer["instance"] = instance
        return JSONResponse(answer)


class Ping(HTTPEndpoint):
    """`GET /ping`: MLflow's readiness probe (open without a token), text."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Ready (200, an empty line) or loading (503, text)")
    }

    async def get(self, request: Request) -> Response:
        """GET: see `contract`."""
        ready = _state(request).model is not None
        return Response("\n" if ready else "loading\n", 200 if ready else 503)


class Version(HTTPEndpoint):
    """`GET /version`: the served version and libraries (text: MLflow's protocol version)."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "The served model version, its estimator and library versions (Accept: text/plain: "
            "the MLflow version this endpoint answers as)",
            response=out.VersionInfoOut,
        )
    }

    async def get(self, request: Request) -> Response:
        """GET: see `contract`."""
        if "text/plain" in request.headers.get("accept", ""):  # as MLflow's scoring server
            return Response(MLFLOW_PROTOCOL_VERSION, media_type="text/plain")
        state = _state(request)
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


class Schema(HTTPEndpoint):
    """`GET /schema`: what the model takes."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "The input schema, an example body, predict methods and classes",
            response=out.SchemaOut,
        )
    }

    async def get(self, request: Request) -> Response:
        """GET: see `contract`."""
        state = _state(request)
        model = state.model
        schema = model.info.input_schema
        return JSONResponse(
            {
                "model": state.source.name if state.source else None,
                "version": model.version,
                "input_schema": {
                    "named": schema.named,
                    "columns": [asdict(c) for c in schema.columns],
                },
                "example": model.example,
                "predict_methods": model.info.predict_methods,
                "classes": model.classes,
            }
        )


class PrometheusMetrics(HTTPEndpoint):
    """`GET /metrics`: Prometheus text."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "Prometheus text: requests, errors and latency by route, rows, batch sizes, the "
            "served version, swaps, restarts, the request log's queue"
        )
    }

    async def get(self, request: Request) -> Response:
        """GET: see `contract`."""
        from prometheus_client import CONTENT_TYPE_LATEST

        # several workers: every worker's figures, summed (`endpoint_metrics`)
        return Response(_state(request).metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


# Path -> route class: the app's routes and its OpenAPI document's paths.
ROUTES: dict[str, type[HTTPEndpoint]] = {
    "/invocations": Invocations,
    "/predict": Predict,
    "/health": Health,
    "/ping": Ping,
    "/version": Version,
    "/schema": Schema,
    "/metrics": PrometheusMetrics,
}
