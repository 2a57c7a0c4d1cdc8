"""`Periodic`: call a function every N seconds in a named daemon thread, until stopped.

The one way the package writes "do this every interval" (the monitoring ticker, the run reaper,
the job scheduler and heartbeat, the notification dispatcher, an endpoint's self-registration).
It works wherever a thread does: the Jupyter server, a kernel, a job, an endpoint process.

- A pass that raises is logged (with its traceback, on the given logger) and the next pass
  runs as planned: one bad pass never ends the loop.
- `stop()` wakes a waiting thread at once and joins it (waiting for a pass in progress up to
  `join_timeout_s`); called from within a pass, it ends the loop after that pass.
- `wake()` runs the next pass now instead of at the end of the wait.
- `interval` is seconds, or a function that answers the next wait (a scheduler sleeping until
  its next firing); a function that raises is logged and `fallback_s` is waited instead.

Not for queue workers (the metric writer, the request log): those wait for work, not time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Interval = float | Callable[[], float]


class Periodic:
    """Calls `task()` every `interval` seconds in a daemon thread named `name`."""

    def __init__(
        self,
        name: str,
        task: Callable[[], object],
        interval: Interval,
        *,
        immediately: bool = False,
        logger: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None,
        join_timeout_s: float = 30.0,
        fallback_s: float = 1.0,
    ) -> None:
        """`immediately`: the first pass runs at start (else after the first interval)."""
        self.name = name
        self.task = task
        self.interval = interval
        self.immediately = immediately
        self.log = logger if logger is not None else log
        self.join_timeout_s = join_timeout_s
        self.fallback_s = fallback_s
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> Periodic:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        """Whether the thread is alive (started and not yet ended)."""
        return self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        """Whether `stop` was called."""
        return self._stopping.is_set()

    def wake(self) -> None:
        """Run the next pass now (after a pass in progress) rather than after the wait."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop the loop and join the thread (at most `timeout`, default `join_timeout_s`)."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(self.join_timeout_s if timeout is None else timeout)
            if self._thread.is_alive():
                self.log.warning(
                    "%s: a pass was still running when the wait to stop ended", self.name
                )

    def run_once(self) -> None:
        """One pass now, in the caller's thread, logging what it raises."""
        try:
            self.task()
        except Exception:  # one bad pass must not end the loop
            self.log.exception("%s: a periodic pass failed", self.name)

    def _loop(self) -> None:
        if not self.immediately and self._sleep():
            return
        while not self._stopping.is_set():
            self.run_once()
            if self._sleep():
                return

    def _sleep(self) -> bool:
        """Wait one interval (or until woken); True when the loop must end."""
        if self._stopping.is_set():
            return True
        self._wake.wait(self._next_wait())
        self._wake.clear()
        return self._stopping.is_set()

    def _next_wait(self) -> float:
        if not callable(self.interval):
            return max(0.0, self.interval)
        try:
            return max(0.0, self.interval())
        except Exception:
            self.log.exception("%s: the next wait could not be computed", self.name)
            return self.fallback_s
