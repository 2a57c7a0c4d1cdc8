"""The Dask engine: one pass over the partitions, in one graph, in bounded memory.

Each partition is summarised once (`frame.summarize_frame` with bounded sketches) and the
summaries merge up a tree, all in one `dask.compute`: the data is read once, and no step
holds more than `FAN_IN` summaries. It runs on the current default Dask client when one is
attached (a `distributed` cluster), else on Dask's local threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from dask.base import compute
from dask.callbacks import Callback
from dask.delayed import delayed

from .entities import Profile
from .finalize import build_profile
from .frame import FrameSummary, Schema, merge_summaries, summarize_frame
from .sketches import SketchLimits

FAN_IN = 8
ProgressCallback = Callable[[float], None]  # the same as api.ProgressCallback


def current_client() -> Any | None:
    """The attached `distributed` client (the default one), or None."""
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


def profile_dask(
    frame: Any,
    *,
    source: str | None = None,
    sample: float | int | None = None,
    limits: SketchLimits | None = None,
    on_progress: ProgressCallback | None = None,
) -> Profile:
    """The profile of a Dask DataFrame, with approximate statistics flagged as such."""
    limits = limits or SketchLimits.bounded()
    schema = Schema.of(frame._meta)
    partitions = frame.to_delayed()
    summarize = delayed(summarize_frame, pure=True)
    merge = delayed(merge_summaries, pure=True)
    leaves = [summarize(part, schema, limits) for part in partitions]
    client = current_client()
    if not leaves:
        summary = summarize_frame(frame._meta, schema, limits)
    else:
        nodes = leaves
        while len(nodes) > 1:
            nodes = [merge(nodes[i : i + FAN_IN], limits) for i in range(0, len(nodes), FAN_IN)]
        if client is not None:
            summary = _compute_on_cluster(client, nodes[0], leaves, on_progress)
        else:
            summary = _compute_locally(nodes[0], on_progress)
    if on_progress is not None:
        on_progress(1.0)
    return build_profile(
        summary,
        schema,
        engine="dask",
        source=source,
        sample=sample,
        scheduler="distributed" if client is not None else "threads",
        n_partitions=len(partitions),
    )


class _TaskProgress(Callback):
    """Reports the share of finished tasks of one local computation."""

    def __init__(self, report: ProgressCallback) -> None:
        super().__init__()
        self._report = report
        self._lock = threading.Lock()
        self._last = 0.0

    def _posttask(self, key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
        total = sum(len(state[k]) for k in ("ready", "waiting", "running", "finished"))
        fraction = len(state["finished"]) / total if total else 1.0
        now = time.monotonic()
        with self._lock:
            if now - self._last < 0.1 and fraction < 1.0:
                return
            self._last = now
        self._report(min(fraction, 0.99))


def _compute_locally(final: Any, on_progress: ProgressCallback | None) -> FrameSummary:
    # The local schedulers take callbacks as tuples; passing them here keeps them to this run.
    callbacks = [_TaskProgress(on_progress)._callback] if on_progress is not None else []
    (summary,) = compute(final, callbacks=callbacks)
    return summary  # type: ignore[no-any-return]


def _compute_on_cluster(
    client: Any, final: Any, leaves: list[Any], on_progress: ProgressCallback | None
) -> FrameSummary:
    if on_progress is None:
        return client.compute(final).result()  # type: ignore[no-any-return]
    # The leaves share keys with the final graph, so tracking them costs no extra work; each
    # is released once seen finished, so their summaries are not kept.
    futures = client.compute([final, *leaves])
    result, pending = futures[0], list(futures[1:])
    total = len(pending)
    while not result.done():
        still = []
        for future in pending:
            if future.done():
                future.release()
            else:
                still.append(future)
        pending = still
        on_progress(min((total - len(pending)) / total, 0.99) if total else 0.0)
        time.sleep(0.25)
    for future in pending:
        future.release()
    return result.result()  # type: ignore[no-any-return]
