"""MLflow's `mlflow-artifacts` proxy routes: list, download and upload a run's artifact files
(resolved into the run's artifact folder by `artifact_proxy`)."""

from __future__ import annotations

import mimetypes
from typing import Any, ClassVar

from tornado import web
from tornado.iostream import StreamClosedError

from ...core.openapi import Contract
from .. import artifact_proxy
from .. import messages as m
from .base import PREFIX, MlflowHandler

DOWNLOAD_CHUNK_BYTES = 1 << 20


class ArtifactListHandler(MlflowHandler):
    """`GET mlflow-artifacts/artifacts?path=<experiment_id>/<run_id>/artifacts/...`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "List one artifact folder", response=m.ArtifactsAnswer, query=m.ListArtifacts
        )
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with the folder's entries."""
        query = self.parse_query(m.ListArtifacts)
        store = self.facade.store
        self.reply_message(await self.run_blocking(artifact_proxy.list_folder, store, query.path))


class ArtifactFileHandler(MlflowHandler):
    """`GET` (download) and `PUT` (upload) `mlflow-artifacts/artifacts/<path>`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Download one artifact file", binary=True),
        "put": Contract("Upload one artifact file (the body is the file)", response=m.Empty),
    }

    @web.authenticated
    async def get(self, path: str) -> None:
        """Stream the file."""
        store = self.facade.store
        target = await self.run_blocking(artifact_proxy.file_to_send, store, path)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.set_header("Content-Type", content_type)
        self.set_header("Content-Length", str(target.stat().st_size))
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Disposition", "attachment")
        with await self.run_blocking(target.open, "rb") as handle:
            while chunk := await self.run_blocking(handle.read, DOWNLOAD_CHUNK_BYTES):
                self.write(chunk)
                try:
                    await self.flush()
                except StreamClosedError:
                    return
        await self.finish()

    @web.authenticated
    async def put(self, path: str) -> None:
        """Store the request body as the artifact file."""
        store = self.facade.store
        await self.run_blocking(artifact_proxy.receive_file, store, path, self.request.body)
        self.reply_message(m.Empty())


ARTIFACT_ROUTES: list[tuple[str, Any]] = [
    (f"{PREFIX}/api/2.0/mlflow-artifacts/artifacts", ArtifactListHandler),
    (f"{PREFIX}/api/2.0/mlflow-artifacts/artifacts/(?P<path>.+)", ArtifactFileHandler),
]
