"""MLflow 3's logged-model routes (`log_model`, autologging) over `LoggedModels`."""

from __future__ import annotations

from typing import Any, ClassVar

from tornado import web

from ...core.openapi import Contract
from .. import logged_model_messages as lm
from .. import messages as m
from ..capability import MLFLOW_LOGGED_MODELS
from ..logged_models import LoggedModels
from .base import PREFIX, MlflowHandler


class LoggedModelsHandler(MlflowHandler):
    """Base of the logged-model handlers."""

    @property
    def models(self) -> LoggedModels:
        """The logged models built by `setup`."""
        return self.service(MLFLOW_LOGGED_MODELS)


class LoggedModelCreateHandler(LoggedModelsHandler):
    """`POST logged-models`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Create a logged model of a run",
            response=lm.LoggedModelAnswer,
            body=lm.CreateLoggedModel,
        )
    }

    @web.authenticated
    async def post(self) -> None:
        """Reply with the new model."""
        request = self.parse_body(lm.CreateLoggedModel)
        self.reply_message(await self.run_blocking(self.models.create, request))


class LoggedModelSearchHandler(LoggedModelsHandler):
    """`POST logged-models/search`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Search logged models", response=lm.LoggedModelsAnswer, body=lm.SearchLoggedModels
        )
    }

    @web.authenticated
    async def post(self) -> None:
        """Reply with a page of models."""
        request = self.parse_body(lm.SearchLoggedModels)
        self.reply_message(await self.run_blocking(self.models.search, request))


class LoggedModelHandler(LoggedModelsHandler):
    """`GET`, `PATCH` (finalize) and `DELETE` `logged-models/{model_id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("A logged model", response=lm.LoggedModelAnswer),
        "patch": Contract(
            "Set a logged model's status",
            response=lm.LoggedModelAnswer,
            body=lm.FinalizeLoggedModel,
        ),
        "delete": Contract("Forget a logged model (its files stay)", response=m.Empty),
    }

    @web.authenticated
    async def get(self, model_id: str) -> None:
        """Reply with the model."""
        self.reply_message(await self.run_blocking(self.models.get, model_id))

    @web.authenticated
    async def patch(self, model_id: str) -> None:
        """Set the status; reply with the model."""
        request = self.parse_body(lm.FinalizeLoggedModel)
        self.reply_message(await self.run_blocking(self.models.finalize, model_id, request))

    @web.authenticated
    async def delete(self, model_id: str) -> None:
        """Forget the model."""
        self.reply_message(await self.run_blocking(self.models.delete, model_id))


class LoggedModelTagsHandler(LoggedModelsHandler):
    """`PATCH logged-models/{model_id}/tags`."""

    contract: ClassVar[dict[str, Contract]] = {
        "patch": Contract("Set a logged model's tags", response=m.Empty, body=lm.LoggedModelTags)
    }

    @web.authenticated
    async def patch(self, model_id: str) -> None:
        """Set the tags."""
        request = self.parse_body(lm.LoggedModelTags)
        self.reply_message(await self.run_blocking(self.models.set_tags, model_id, request))


class LoggedModelTagHandler(LoggedModelsHandler):
    """`DELETE logged-models/{model_id}/tags/{tag_key}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "delete": Contract("Delete a logged model's tag", response=m.Empty)
    }

    @web.authenticated
    async def delete(self, model_id: str, tag_key: str) -> None:
        """Delete the tag."""
        self.reply_message(await self.run_blocking(self.models.delete_tag, model_id, tag_key))


class LoggedModelParamsHandler(LoggedModelsHandler):
    """`POST logged-models/{model_id}/params`."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract("Log a logged model's params", response=m.Empty, body=lm.LoggedModelParams)
    }

    @web.authenticated
    async def post(self, model_id: str) -> None:
        """Add the params."""
        request = self.parse_body(lm.LoggedModelParams)
        self.reply_message(await self.run_blocking(self.models.log_params, model_id, request))


_MODELS = f"{PREFIX}/api/2.0/mlflow/logged-models"

LOGGED_MODEL_ROUTES: list[tuple[str, Any]] = [
    (f"{_MODELS}", LoggedModelCreateHandler),
    (f"{_MODELS}/search", LoggedModelSearchHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)", LoggedModelHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)/tags", LoggedModelTagsHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)/tags/(?P<tag_key>.+)", LoggedModelTagHandler),
    (f"{_MODELS}/(?P<model_id>[^/]+)/params", LoggedModelParamsHandler),
]
