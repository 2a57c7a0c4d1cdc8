"""`core.periodic.Periodic` on real threads: it repeats, survives a failing pass (logged),
runs at once when asked or woken, stops promptly from a long wait, waits for a pass in
progress, and can be stopped from within a pass. Every wait is on a condition, never a time."""

from __future__ import annotations

import logging
import threading

import pytest

from jupyter_mlops.core.periodic import Periodic

FOREVER = 3600.0  # a wait no test may sit through: only a wake or a stop ends it
PATIENCE = 60.0  # how long a test waits for a condition before failing


class Calls:
    """Counts passes and lets a test wait for the n-th one."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, n: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= n, PATIENCE)


@pytest.fixture
def loops():
    started: list[Periodic] = []
    yield started
    for loop in started:
        loop.stop()


def test_calls_the_task_again_and_again_in_a_named_daemon_thread(loops):
    calls = Calls()
    loop = Periodic("mlops-test-repeat", calls, 0.01)
    loops.append(loop.start())
    assert calls.wait_for(3)
    thread = next(t for t in threading.enumerate() if t.name == "mlops-test-repeat")
    assert thread.daemon


def test_a_failing_pass_is_logged_and_the_loop_goes_on(loops, caplog):
    calls = Calls()

    def task() -> None:
        calls()
        if calls.count == 1:
            raise RuntimeError("first pass breaks")

    with caplog.at_level(logging.ERROR, logger="jupyter_mlops.core.periodic"):
        loops.append(Periodic("mlops-test-fails", task, 0.01).start())
        assert calls.wait_for(2)
    failures = [
        r for r in caplog.records if r.exc_info and "first pass breaks" in str(r.exc_info[1])
    ]
    assert len(failures) == 1
    assert "mlops-test-fails" in failures[0].getMessage()


def test_logs_on_the_logger_it_is_given(loops):
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("tests.periodic.own")
    logger.addHandler(Keep())
    calls = Calls()

    def task() -> None:
        calls()
        raise ValueError("every pass breaks")

    loops.append(Periodic("mlops-test-logger", task, 0.01, logger=logger).start())
    assert calls.wait_for(2)
    assert any("every pass breaks" in str(r.exc_info[1]) for r in records if r.exc_info)


def test_immediately_runs_the_first_pass_at_start(loops):
    calls = Calls()
    loops.append(Periodic("mlops-test-now", calls, FOREVER, immediately=True).start())
    assert calls.wait_for(1)


def test_wake_runs_a_pass_without_waiting_the_interval(loops):
    calls = Calls()
    loop = Periodic("mlops-test-wake", calls, FOREVER)
    loops.append(loop.start())
    loop.wake()
    assert calls.wait_for(1)
    loop.wake()
    assert calls.wait_for(2)


def test_stop_ends_a_long_wait_and_joins_the_thread():
    calls = Calls()
    loop = Periodic("mlops-test-stop", calls, FOREVER).start()
    assert loop.running
    loop.stop()
    assert not loop.running  # joined: the hour-long wait did not hold it
    assert calls.count == 0
    assert "mlops-test-stop" not in {t.name for t in threading.enumerate()}


def test_stop_waits_for_the_pass_in_progress():
    entered, release = threading.Event(), threading.Event()
    finished: list[bool] = []

    def slow_pass() -> None:
        entered.set()
        release.wait(PATIENCE)
        finished.append(True)

    loop = Periodic("mlops-test-busy", slow_pass, FOREVER, immediately=True).start()
    assert entered.wait(PATIENCE)
    seen_when_stopped: list[bool] = []

    def stop() -> None:
        loop.stop()
        seen_when_stopped.append(bool(finished))

    stopper = threading.Thread(target=stop)
    stopper.start()
    release.set()
    stopper.join(PATIENCE)
    assert seen_when_stopped == [True]  # stop returned only once the pass had finished
    assert not loop.running and finished == [True]


def test_a_pass_can_stop_its_own_loop():
    calls = Calls()
    loop: Periodic

    def task() -> None:
        calls()
        if calls.count == 2:
            loop.stop()  # from the loop's own thread: ends after this pass, no self-join

    loop = Periodic("mlops-test-self-stop", task, 0.01).start()
    assert calls.wait_for(2)
    loop._thread.join(PATIENCE)
    assert not loop.running and loop.stopping and calls.count == 2


def test_an_interval_function_sets_each_wait_and_a_failing_one_falls_back(loops, caplog):
    calls = Calls()
    waits: list[int] = []

    def next_wait() -> float:
        waits.append(1)
        if len(waits) == 2:
            raise RuntimeError("no next firing")
        return 0.01

    with caplog.at_level(logging.ERROR, logger="jupyter_mlops.core.periodic"):
        loops.append(Periodic("mlops-test-interval", calls, next_wait, fallback_s=0.01).start())
        assert calls.wait_for(3)
    assert len(waits) >= 3
    assert any("no next firing" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
