"""When the supervisor restarts an endpoint that died, how long it waits, and when it gives up.

A death is *quick* when the process had served for less than `quick_s` since it last answered
`/health` (or never answered). Only quick deaths in the last `window_s` seconds count: the
endpoint is given up (`failed`) when more than `max_quick` of them are in the window, so a
crash loop stops while an endpoint killed now and then, after serving, is always restarted. The
wait before a restart doubles with each quick death in the window (0.5 s, 1 s, 2 s ... at most
`max_delay_s`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

QUICK_S = 3.0
WINDOW_S = 600.0
MAX_DELAY_S = 30.0


@dataclass(frozen=True)
class Decision:
    """What to do about one death: give up, or restart after `delay_s`."""

    give_up: bool
    delay_s: float
    quick_deaths: int


class RestartPolicy:
    """The death history of one endpoint (times from `time.monotonic()`)."""

    def __init__(
        self,
        max_quick: int = 5,
        quick_s: float = QUICK_S,
        window_s: float = WINDOW_S,
        max_delay_s: float = MAX_DELAY_S,
    ) -> None:
        self.max_quick = max_quick
        self.quick_s = quick_s
        self.window_s = window_s
        self.max_delay_s = max_delay_s
        self._quick: deque[float] = deque()
        self._healthy_since: float | None = None

    def healthy(self, now: float) -> None:
        """The process answered `/health` at `now`."""
        self._healthy_since = now

    def died(self, now: float) -> Decision:
        """The process died (or failed to start) at `now`: restart it, or give up."""
        served = now - self._healthy_since if self._healthy_since is not None else 0.0
        self._healthy_since = None
        while self._quick and now - self._quick[0] > self.window_s:
            self._quick.popleft()
        if served < self.quick_s:
            self._quick.append(now)
        count = len(self._quick)
        delay = min(0.5 * 2 ** max(count - 1, 0), self.max_delay_s)
        return Decision(count > self.max_quick, delay, count)

    def reset(self) -> None:
        """Forget every death (the endpoint was started again by hand)."""
        self._quick.clear()
        self._healthy_since = None
