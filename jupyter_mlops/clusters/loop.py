"""A private event loop in a daemon thread, where clusters, their schedulers and comms live.

Clusters run here rather than on the Jupyter server's loop: a scheduler busy with a large
graph, or a slow cluster start, never delays a request to the server. Coroutines are sent in
with `run` (awaitable from any other loop) or `run_sync` (from plain threads).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

ResultT = TypeVar("ResultT")


class LoopThread:
    """One asyncio loop running forever in a daemon thread, until `stop`."""

    def __init__(self, name: str = "jupyter-mlops-clusters") -> None:
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()
        self._ready.wait()

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop the clusters run on."""
        assert self._loop is not None
        return self._loop

    @property
    def running(self) -> bool:
        """Whether the thread still runs its loop."""
        return self._thread.is_alive() and not self.loop.is_closed()

    def on_loop(self) -> bool:
        """Whether the caller runs on this loop's thread."""
        return threading.current_thread() is self._thread

    async def run(self, coro: Coroutine[Any, Any, ResultT]) -> ResultT:
        """Run `coro` on this loop and await its result from whatever loop the caller is on."""
        if self.on_loop():
            return await coro
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return await asyncio.wrap_future(future)

    def run_sync(self, coro: Coroutine[Any, Any, ResultT], timeout: float | None = None) -> ResultT:
        """Run `coro` on this loop and block the calling thread (never this loop's) for it."""
        if self.on_loop():
            coro.close()
            raise RuntimeError("run_sync called from the cluster loop itself")
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        """Stop the loop and wait for the thread to end."""
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            if not self.on_loop():
                self._thread.join(timeout=10)
