"""The monitoring ticker: every `interval_s`, claim the monitors' ended windows (their
evaluations go to the jobs runner) and follow up the drift loop's retrainings.

A `core.periodic.Periodic` named `mlops-monitor-ticker`; the Jupyter server starts one at
setup (unless `MLOpsApp.monitoring_ticker` is off) and stops it at teardown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.periodic import Periodic
from .service import MonitorService


class Ticker:
    """Ticks the monitors every `interval_s` seconds in a daemon thread until stopped."""

    def __init__(
        self,
        service: MonitorService,
        runner: Any,
        interval_s: float,
        log: Any,
        follow_up: Callable[[], object] | None = None,
    ) -> None:
        self.service, self.runner, self.interval_s, self.log = service, runner, interval_s, log
        # The drift loop's next step (retraining ended -> gates), once per tick.
        self.follow_up = follow_up
        self._periodic = Periodic("mlops-monitor-ticker", self.tick, interval_s, logger=log)

    def start(self) -> None:
        """Start ticking."""
        self._periodic.start()

    def tick(self) -> None:
        """One tick: evaluate the ended windows, then follow up retrainings (each survives the
        other's failure, logged)."""
        try:
            self.service.tick(self.runner)
        except Exception:  # one bad tick must not stop the follow-up
            self.log.exception("monitoring tick failed")
        if self.follow_up is not None:
            try:
                self.follow_up()
            except Exception:
                self.log.exception("following up retrainings failed")

    def stop(self) -> None:
        """Stop ticking (waits for a tick in progress)."""
        self._periodic.stop()
