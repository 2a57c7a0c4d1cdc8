"""The worker class for thread workers, which live inside the Jupyter server's process."""

from __future__ import annotations

from typing import Any

from distributed import Worker


class InProcessWorker(Worker):
    """A thread worker in the server's process.

    Dask's memory monitor measures the RSS of the worker's process, which for a thread worker
    is the Jupyter server's (and every other in-process worker's). Pausing, or spilling, on
    that would stop a cluster because the server grew, so this worker does neither; its
    `memory_limit` stays the budget reported to the panel and used for managed-memory spilling.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memory_manager.memory_pause_fraction = False
        self.memory_manager.memory_spill_fraction = False
