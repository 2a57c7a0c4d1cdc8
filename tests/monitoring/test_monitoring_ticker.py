"""The monitoring ticker (`monitoring/ticker.py`) on a real store and a real thread: it ticks
again and again, a failing follow-up is logged without stopping it, and stop joins the thread.
Waits are on conditions, never on time."""

from __future__ import annotations

import logging
import threading

from jupyter_mlops.monitoring.service import MonitorService
from jupyter_mlops.monitoring.ticker import Ticker

PATIENCE = 60.0


def test_the_ticker_ticks_survives_a_failing_follow_up_and_stops(mlops_store, caplog):
    service = MonitorService.of_this_process()
    follow_ups = 0
    changed = threading.Condition()

    def follow_up() -> None:
        nonlocal follow_ups
        with changed:
            follow_ups += 1
            changed.notify_all()
        if follow_ups == 1:
            raise RuntimeError("retraining lookup broke")

    logger = logging.getLogger("tests.monitoring.ticker")
    ticker = Ticker(service, None, 0.01, logger, follow_up)
    with caplog.at_level(logging.ERROR, logger="tests.monitoring.ticker"):
        ticker.start()
        try:
            with changed:
                assert changed.wait_for(lambda: follow_ups >= 3, PATIENCE)
        finally:
            ticker.stop()
    assert "mlops-monitor-ticker" not in {t.name for t in threading.enumerate()}
    failures = [r for r in caplog.records if r.getMessage() == "following up retrainings failed"]
    assert len(failures) == 1 and "retraining lookup broke" in str(failures[0].exc_info[1])
    assert not [r for r in caplog.records if r.getMessage() == "monitoring tick failed"]
