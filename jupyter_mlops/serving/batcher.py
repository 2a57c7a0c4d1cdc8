"""Adaptive micro-batching: concurrent requests gathered into one model call.

Requests queue up while a batch runs in the model thread; the next batch takes everything
waiting (up to `max_batch_rows`). When the last batch gathered more than one request (the
endpoint is busy) it also waits up to `max_wait_ms` for more, as Triton's and BentoML's
dynamic batchers do; an idle endpoint answers a lone request without waiting. Requests are
grouped by the model they were validated against, so a hot swap never mixes schemas. A batch
that fails is retried request by request, so one bad request fails alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model_call import forest_call, labels_and_proba
from .payloads import ModelInput

log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    """A model ready to call: the estimator, its version and what it can do."""

    estimator: Any
    version: int
    view: Any  # payloads.SchemaView
    needs_frame: bool
    has_proba: bool
    classes: list[Any] | None
    info: Any = None
    example: Any = None
    # `model_call.proba_decides`: labels are the argmax of predict_proba (then its classes_).
    proba_decides: bool = False
    classes_array: Any = None
    # `model_call.forest_call`: a forest summed over its trees without joblib (else None).
    forest: Any = None

    def __post_init__(self) -> None:
        if self.forest is None:
            self.forest = forest_call(self.estimator)


@dataclass
class Prediction:
    """What one request gets back."""

    predictions: list[Any]
    probabilities: list[list[float]] | None
    version: int


@dataclass
class _Item:
    model: LoadedModel
    data: ModelInput
    proba: bool
    arrived: float
    request_id: str
    future: asyncio.Future[Prediction] = field(repr=False)


BatchObserver = Callable[[LoadedModel, list[Any], Any, np.ndarray, list[float]], None]


class MicroBatcher:
    """Gathers requests into model calls in one worker thread (one model call at a time)."""

    def __init__(
        self,
        max_batch_rows: int = 512,
        max_wait_ms: float = 2.0,
        on_batch: Callable[[int], None] | None = None,
        observer: BatchObserver | None = None,
    ) -> None:
        self.max_batch_rows = max_batch_rows
        self.max_wait_s = max_wait_ms / 1000
        self.on_batch = on_batch
        self.observer = observer
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="mlops-model")
        self._task: asyncio.Task[None] | None = None
        self._busy = False

    def start(self) -> None:
        """Start the batching loop on the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        """Stop the loop and the model thread."""
        if self._task is not None:
            self._task.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def predict(
        self, model: LoadedModel, data: ModelInput, proba: bool, request_id: str
    ) -> Prediction:
        """Queue one request and wait for its share of a batch."""
        future: asyncio.Future[Prediction] = asyncio.get_running_loop().create_future()
        item = _Item(model, data, proba, time.perf_counter(), request_id, future)
        self._queue.put_nowait(item)
        return await item.future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            items = [await self._queue.get()]
            rows = items[0].data.n_rows
            deadline = loop.time() + (self.max_wait_s if self._busy else 0.0)
            while rows < self.max_batch_rows:
                try:
                    item = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        item = await asyncio.wait_for(self._queue.get(), remaining)
                    except TimeoutError:
                        break
                items.append(item)
                rows += item.data.n_rows
            self._busy = len(items) > 1
            groups: dict[int, list[_Item]] = {}
            for item in items:
                groups.setdefault(id(item.model), []).append(item)
            for group in groups.values():
                try:
                    await self._serve(loop, group)
                except Exception as exc:  # a bug here must fail these requests, not the loop
                    log.exception("jupyter-mlops endpoint: a batch failed")
                    for item in group:
                        if not item.future.done():
                            item.future.set_exception(exc)

    async def _serve(self, loop: asyncio.AbstractEventLoop, items: list[_Item]) -> None:
        model = items[0].model
        want_proba = any(item.proba for item in items)
        try:
            outputs = await loop.run_in_executor(
                self._executor, _call, model, [i.data for i in items], want_proba
            )
        except Exception as exc:
            if len(items) == 1:
                if not items[0].future.done():
                    items[0].future.set_exception(exc)
                return
            for item in items:  # one bad request must not fail the others
                await self._serve(loop, [item])
            return
        predictions, probabilities, features = outputs
        done = time.perf_counter()
        if self.on_batch is not None:
            self.on_batch(sum(i.data.n_rows for i in items))
        start = 0
        latencies: list[float] = []
        for item in items:
            stop = start + item.data.n_rows
            if not item.future.done():
                item.future.set_result(
                    Prediction(
                        predictions[start:stop].tolist(),
                        None
                        if probabilities is None or not item.proba
                        else probabilities[start:stop].tolist(),
                        model.version,
                    )
                )
            latencies.extend([(done - item.arrived) * 1000] * item.data.n_rows)
            start = stop
        if self.observer is not None:
            ids = [i.request_id for i in items for _ in range(i.data.n_rows)]
            try:
                self.observer(model, ids, features, predictions, latencies)
            except Exception:  # the request log must never stop the batcher
                log.exception("jupyter-mlops endpoint: could not queue a batch for the log")


def _call(
    model: LoadedModel, inputs: list[ModelInput], want_proba: bool
) -> tuple[np.ndarray, np.ndarray | None, Any]:
    if inputs[0].array is not None:
        arrays = [i.array for i in inputs if i.array is not None]
        features: Any = arrays[0] if len(arrays) == 1 else np.vstack(arrays)
        X = features
        if model.needs_frame:
            import pandas as pd

            X = pd.DataFrame(features, columns=model.view.names, copy=False)
    else:
        import pandas as pd

        frames = [i.frame for i in inputs]
        features = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        X = features
    predictions, probabilities = labels_and_proba(model, X, want_proba)
    return predictions, probabilities, features
