"""The bases of the MLflow facade's handlers: MLflow's error shape and statuses, and one
handler class per MLflow operation built from a table row (`endpoint_route`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError
from tornado import web

from ...core.capability import ServiceKey
from ...core.errors import MLOpsError
from ...core.openapi import Contract
from ...core.rest import APIHandler, ModelT
from ..capability import MLFLOW_TRACKING
from ..errors import (
    ENDPOINT_NOT_FOUND,
    HTTP_STATUS,
    MlflowError,
    code_for_status,
    error_body,
    mlflow_code,
    request_error,
)
from ..facade import MlflowFacade

PREFIX = "mlops/mlflow"


@contextlib.contextmanager
def _validation_in_mlflows_words() -> Iterator[None]:
    """Re-raise a request model's validation error as MLflow's server words it."""
    try:
        yield
    except MLOpsError as error:
        if isinstance(error.__cause__, ValidationError):
            raise request_error(error.__cause__) from None
        raise


class MlflowHandler(APIHandler):
    """Base of the facade's handlers: errors in MLflow's shape and statuses."""

    @property
    def facade(self) -> MlflowFacade:
        """The facade built by `setup`."""
        facade = self.service(MLFLOW_TRACKING)
        return facade

    def parse_body(self, model: type[ModelT]) -> ModelT:
        """The JSON body as `model`; a field of the wrong type in MLflow's words."""
        with _validation_in_mlflows_words():
            return super().parse_body(model)

    def parse_query(self, model: type[ModelT]) -> ModelT:
        """The query arguments as `model`; a field of the wrong type in MLflow's words."""
        with _validation_in_mlflows_words():
            return super().parse_query(model)

    def reply_message(self, message: BaseModel) -> None:
        """Send an answer as MLflow does: unset fields left out, non-finite numbers as text."""
        self.set_header("Content-Type", "application/json")
        self.finish(message.model_dump_json(exclude_none=True))

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        """MLflow's status for the error's MLflow code."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MLOpsError):
            status_code = HTTP_STATUS[mlflow_code(exc)]
        # Past `APIHandler.send_error`, which would give the workbench's status instead.
        super(APIHandler, self).send_error(status_code, **kwargs)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """`{"error_code": ..., "message": ...}` for every error."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MLOpsError):
            body = error_body(mlflow_code(exc), exc.message)
        elif isinstance(exc, web.HTTPError):
            body = error_body(code_for_status(status_code), exc.log_message or self._reason)
        else:
            body = error_body(
                code_for_status(status_code), "internal error; the server log has the details"
            )
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class Endpoint(MlflowHandler):
    """One MLflow operation: parse the request message, call the facade in a thread, answer."""

    operation: ClassVar[str]
    request_model: ClassVar[type[BaseModel]]
    service_key: ClassVar[ServiceKey[Any]] = MLFLOW_TRACKING

    async def _call(self, request: BaseModel) -> None:
        service = self.services.find(self.service_key)
        if service is None:  # the registry needs the serving capability
            raise MlflowError(
                f"{self.request.path} needs jupyter-mlops serving", ENDPOINT_NOT_FOUND
            )
        method = getattr(service, self.operation)
        self.reply_message(await self.run_blocking(method, request))


class PostEndpoint(Endpoint):
    """An operation with a JSON body."""

    @web.authenticated
    async def post(self) -> None:
        """Run the operation on the JSON body."""
        await self._call(self.parse_body(self.request_model))


class GetEndpoint(Endpoint):
    """An operation with query arguments."""

    @web.authenticated
    async def get(self) -> None:
        """Run the operation on the query arguments."""
        await self._call(self.parse_query(self.request_model))


class PatchEndpoint(Endpoint):
    """An operation with a JSON body sent as `PATCH`."""

    @web.authenticated
    async def patch(self) -> None:
        """Run the operation on the JSON body."""
        await self._call(self.parse_body(self.request_model))


class DeleteEndpoint(Endpoint):
    """An operation sent as `DELETE`: MLflow's client puts its fields in a JSON body; other
    clients may send them as query arguments."""

    @web.authenticated
    async def delete(self) -> None:
        """Run the operation on the JSON body (or the query arguments without one)."""
        if self.request.body:
            await self._call(self.parse_body(self.request_model))
        else:
            await self._call(self.parse_query(self.request_model))


def endpoint_route(
    path: str,
    verb: str,
    operation: str,
    request: type[BaseModel],
    response: type[BaseModel],
    summary: str,
    service: ServiceKey[Any] = MLFLOW_TRACKING,
) -> tuple[str, type[Endpoint]]:
    """The route of one MLflow operation: `path` under `mlflow/` and a handler class made for
    it (calling `operation` of the `service` in a thread), with its contract."""
    bases: dict[str, type[Endpoint]] = {
        "post": PostEndpoint,
        "get": GetEndpoint,
        "patch": PatchEndpoint,
        "delete": DeleteEndpoint,
    }
    base = bases[verb]
    where = "query" if verb == "get" else "body"
    name = "".join(part.title() for part in operation.split("_")) + "Handler"
    contract = {verb: Contract(summary, response=response, **{where: request})}  # type: ignore[arg-type]
    handler = type(
        name,
        (base,),
        {
            "operation": operation,
            "request_model": request,
            "service_key": service,
            "contract": contract,
            "__doc__": f"`{verb.upper()} {path}`: {summary}",
            "__module__": __name__,
        },
    )
    return f"{PREFIX}/api/2.0/mlflow/{path}", handler
