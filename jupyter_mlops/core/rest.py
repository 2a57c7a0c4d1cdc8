"""The base of every REST handler: Jupyter auth, pydantic in and out, coded errors, no blocking.

Every route under `/mlops/api/` subclasses `APIHandler`. Each verb is decorated with
`@tornado.web.authenticated`, and `prepare` refuses any request without a user as a second
line of defence, so a verb that forgot its decorator is still closed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler as JupyterAPIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from jupyter_server.log import _scrub_uri
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.dataclasses import is_pydantic_dataclass
from tornado import web
from tornado.log import app_log, gen_log

from .capability import ServiceKey, Services, ServiceT
from .db import Database
from .errors import ErrorCode, MLOpsError, validation_error
from .query import check_json, check_text
from .team import identity

ModelT = TypeVar("ModelT", bound=BaseModel)
ResultT = TypeVar("ResultT")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(shape: type[Any]) -> TypeAdapter[Any]:
    """One serializer per pydantic dataclass answered (building one costs a schema walk)."""
    if shape not in _ADAPTERS:
        _ADAPTERS[shape] = TypeAdapter(shape)
    return _ADAPTERS[shape]


_STATUS_CODES = {400: ErrorCode.BAD_REQUEST, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND}


class APIHandler(ExtensionHandlerMixin, JupyterAPIHandler):
    """JSON API handler bound to the `jupyter_mlops` extension's settings."""

    async def prepare(self) -> None:  # type: ignore[override]
        """Authenticate (Jupyter's identity provider) and refuse anonymous requests.

        A verb Jupyter marks as open to anonymous callers (its CORS preflight `OPTIONS`) is
        answered as on Jupyter's own routes.
        """
        await super().prepare()
        verb = getattr(self, (self.request.method or "").lower(), None)
        if self.current_user is None and not getattr(verb, "__allow_unauthenticated", False):
            raise web.HTTPError(403, "authentication required")
        if self.current_user is not None:
            # Every service this request calls (threads copy the context) acts as this user.
            source = identity.request_source(
                self.request.path, self.request.headers.get("Authorization")
            )
            identity.set_actor(identity.Actor(identity.request_user(self.current_user), source))

    @property
    def database(self) -> Database:
        """The store the server opened at start."""
        database: Database = self.settings["mlops_database"]
        return database

    @property
    def data_dir(self) -> Path:
        """The data folder (artifacts, default SQLite store)."""
        data_dir: Path = self.settings["mlops_data_dir"]
        return data_dir

    @property
    def services(self) -> Services:
        """The services the server's capabilities built (see `core.capability`)."""
        services: Services = self.settings["mlops_services"]
        return services

    @property
    def capability_names(self) -> list[str]:
        """The names of the capabilities this server runs (`MLOpsApp.capabilities` and what
        they require), in setup order."""
        names: list[str] = self.settings["mlops_capabilities"]
        return names

    @property
    def front_handlers(self) -> list[tuple[str, type]]:
        """The routes mounted ahead of every extension's (`MLOpsApp.front_handlers`, with the
        base URL): not in this extension's own rule, so listed for the OpenAPI document."""
        front: list[tuple[str, type]] = self.settings.get("mlops_front_handlers", [])
        return front

    def service(self, key: ServiceKey[ServiceT]) -> ServiceT:
        """The service of `key`; a 404 naming it when no enabled capability provides it."""
        return self.services.get(key)

    async def run_blocking(
        self, func: Callable[..., ResultT], *args: Any, **kwargs: Any
    ) -> ResultT:
        """Run blocking work (DB, pandas, files) in a thread, off the event loop."""
        return await asyncio.to_thread(func, *args, **kwargs)

    def parse_body(self, model: type[ModelT]) -> ModelT:
        """The JSON body validated as `model`; bad JSON or a bad field is a 400 naming it."""
        try:
            data = check_json(json.loads(self.request.body or b"{}"))
        except RecursionError:
            raise MLOpsError("the request body is nested too deeply", field="body") from None
        except ValueError as exc:
            raise MLOpsError("the request body is not valid JSON", field="body") from exc
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise validation_error(exc) from exc

    def parse_query(self, model: type[ModelT]) -> ModelT:
        """Query arguments validated as `model`; a repeated argument arrives as a list.

        A value that is not UTF-8 or holds a NUL character is a 400 naming its argument.
        """
        args: dict[str, Any] = {}
        for key, values in self.request.query_arguments.items():
            check_text(key, "query")
            try:
                decoded = [check_text(value.decode(), key) for value in values]
            except UnicodeDecodeError:
                raise MLOpsError(f"{key}: not valid UTF-8", field=key) from None
            args[key] = decoded if len(decoded) > 1 else decoded[0]
        try:
            return model.model_validate(args)
        except ValidationError as exc:
            raise validation_error(exc) from exc

    def reply(self, payload: Any, status: int = 200) -> None:
        """Send `payload` (a pydantic model or dataclass, a list of them, or JSON data) as JSON."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        if isinstance(payload, BaseModel):
            self.finish(payload.model_dump_json())
        elif is_pydantic_dataclass(type(payload)):
            self.finish(_adapter(type(payload)).dump_json(payload))
        else:
            self.finish(TypeAdapter(Any).dump_json(payload))

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        """Map `MLOpsError` to its status; everything else keeps tornado's."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MLOpsError):
            status_code = exc.http_status
        super().send_error(status_code, **kwargs)

    def _request_summary(self) -> str:
        # Tornado's summary holds the whole URI: never log a `?token=` (or other secret).
        # `_scrub_uri` is private on purpose: the scrubber of Jupyter's own access log, so our
        # lines hide the same keys (token, _xsrf, ... and `extra_log_scrub_param_keys`); there
        # is no public one. tests/app/test_private_apis.py fails when jupyter_server drops it.
        uri = _scrub_uri(self.request.uri or "", self.settings.get("extra_log_scrub_param_keys"))
        return f"{self.request.method} {uri} ({self.request.remote_ip})"

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Bad input is the caller's mistake: log it in one line, not with a traceback.

        Nothing logged holds the request's query string unredacted (tornado's own version logs
        the request's repr, token included).
        """
        if isinstance(value, MLOpsError) and value.http_status < 500:
            self.log.info("%s %s: %s", self.request.method, self.request.path, value.message)
        elif isinstance(value, web.HTTPError):
            if value.log_message:
                summary = self._request_summary()
                message = value.log_message % value.args if value.args else value.log_message
                gen_log.warning("%d %s: %s", value.status_code, summary, message)
        else:
            app_log.error(
                "Uncaught exception %s", self._request_summary(), exc_info=(typ, value, tb)
            )

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error body is `{"error": code, "message": ..., "field": ...}`."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, MLOpsError):
            body = exc.to_dict()
        elif isinstance(exc, web.HTTPError):
            code = _STATUS_CODES.get(status_code, ErrorCode.INTERNAL)
            message = exc.log_message or self._reason
            body = {"error": code.value, "message": message, "field": None}
        else:
            body = {
                "error": ErrorCode.INTERNAL.value,
                "message": "internal error; the server log has the details",
                "field": None,
            }
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


EVERY_VERB = ("get", "post", "put", "patch", "delete")


class RefusingHandler(APIHandler):
    """A catch-all route that answers every verb (once Jupyter's auth let it through) with the
    error `refusal()` builds: a JSON error instead of another extension's page or Tornado's."""

    def refusal(self) -> Exception:
        """The error every verb raises (subclasses say why the path is refused)."""
        raise NotImplementedError

    @web.authenticated
    async def get(self, *args: str, **kwargs: str) -> None:
        """Refuse."""
        raise self.refusal()

    @web.authenticated
    async def post(self, *args: str, **kwargs: str) -> None:
        """Refuse."""
        raise self.refusal()

    @web.authenticated
    async def put(self, *args: str, **kwargs: str) -> None:
        """Refuse."""
        raise self.refusal()

    @web.authenticated
    async def patch(self, *args: str, **kwargs: str) -> None:
        """Refuse."""
        raise self.refusal()

    @web.authenticated
    async def delete(self, *args: str, **kwargs: str) -> None:
        """Refuse."""
        raise self.refusal()
