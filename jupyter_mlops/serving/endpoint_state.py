"""The state of one endpoint worker: its loaded model, batcher, request log and metrics.

The model is loaded once per worker at start. A worker that follows the store (an endpoint
record, or `NAME@ALIAS`) checks every `poll_s` which version it should serve; when that changes
it loads the new version in a thread and swaps it in: requests in flight finish on the old one,
none fails (Promote and Rollback). With `--model-dir` (a Docker image) there is no store: the
folder's model is served, its sha256 checked against `endpoint.json`. A token file is re-read
every `poll_s` (rotation).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .endpoint_auth import EndpointAuth
from .endpoint_config import EndpointConfig
from .endpoint_metrics import Metrics
from .model_source import ModelSource

log = logging.getLogger("jupyter_mlops.serving.endpoint")


class EndpointState:
    """The state of one worker: the loaded model, the batcher, the request log, metrics."""

    def __init__(self, config: EndpointConfig, auth: EndpointAuth, preloaded: Any = None) -> None:
        self.config = config
        self.preloaded = preloaded  # the pre-fork parent's `LoadedModel` (`prefork`)
        self.auth = auth
        self.source: ModelSource | None = None
        self.model: Any = None
        self.batcher: Any = None
        self.request_log: Any = None
        self.metrics = Metrics(lambda: self.request_log)
        self._watcher: asyncio.Task[None] | None = None
        self._token_watcher: asyncio.Task[None] | None = None
        self._mirror: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Load the model and start the batcher, the request log and the version watcher."""
        from .batcher import MicroBatcher
        from .request_log import RequestLog, requests_location

        self.source = await asyncio.to_thread(ModelSource, self.config)
        version = await asyncio.to_thread(self.source.target_version)
        if self.preloaded is not None and self.preloaded.version == version:
            self.model = self.preloaded
        else:  # one worker, or the target changed since the parent loaded (a promotion)
            self.model = await asyncio.to_thread(self.source.load, version)
        self.preloaded = None
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
        if self.metrics.mirror is not None and self.request_log is not None:
            self._mirror = asyncio.get_running_loop().create_task(self._mirror_log_counts())

    async def stop(self) -> None:
        """Stop the watcher and the batcher; write the request log's queue."""
        for task in (self._watcher, self._token_watcher, self._mirror):
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

    async def _mirror_log_counts(self) -> None:
        from .endpoint_metrics import MIRROR_S

        while True:  # several workers: the one answering /metrics reads this worker's counts
            await asyncio.sleep(MIRROR_S)
            self.metrics.sync()

    async def _watch_token(self) -> None:
        while True:  # a rotated token replaces the old one within poll_s
            await asyncio.sleep(self.config.poll_s)
            await asyncio.to_thread(self.auth.refresh)
