"""`Scheduler`: fires due job schedules exactly once, whatever the number of schedulers.

Each `tick(now)` looks, for every unpaused job with a cron schedule, at the firing times after
the later of its `schedule_since` and its last claimed firing, up to `now`. A firing is claimed
by inserting `(job_id, scheduled_time)` into `jobs_firings` (the claim and its run in one
transaction): the one insert that wins runs it; every other scheduler skips it.

Between checks the loop sleeps `interval_s`, or only until the next firing when that is
sooner. Missed firings (no scheduler ran at their time, older than `grace_s`) follow the job's
policy: `skip` records them as skipped and waits for the next one, `catch_up` runs the latest
missed firing once. The clock is injectable (`clock`, epoch seconds) for tests.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

from ..core.periodic import Periodic
from .entities import Job, JobRun
from .runner import JobRunner
from .schedule import due_firings, firings

log = logging.getLogger(__name__)

GRACE_S = 60.0
RECOVER_EVERY_S = 60.0


class Scheduler:
    """Polls the store every `interval_s` and hands claimed firings to `runner`."""

    def __init__(
        self,
        runner: JobRunner,
        *,
        interval_s: float = 5.0,
        grace_s: float = GRACE_S,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
    ) -> None:
        self.runner = runner
        self.store = runner.store
        self.interval_s = interval_s
        self.grace_s = grace_s
        self.clock = clock
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._periodic: Periodic | None = None
        self._last_recovery = time.monotonic()

    def tick(self, now_s: float | None = None) -> list[JobRun]:
        """Claim and start the firings due at `now_s` (default: the clock); returns their runs."""
        now = int((self.clock() if now_s is None else now_s) * 1000)
        started: list[JobRun] = []
        for job in self.store.schedulable_jobs():
            try:
                run = self._fire(job, now)
            except Exception:
                log.exception("scheduling job %s failed", job.job_id)
                continue
            if run is not None:
                started.append(run)
        return started

    def _fire(self, job: Job, now: int) -> JobRun | None:
        assert job.schedule is not None
        last = self.store.last_firing(job.job_id)
        since = max(job.schedule_since, last if last is not None else 0)
        due = due_firings(job.schedule, job.timezone, since, now)
        if not due:
            return None
        latest = due[-1]
        on_time = latest >= now - self.grace_s * 1000
        run_latest = on_time or job.missed_policy == "catch_up"
        # Older missed firings are recorded as skipped, so no scheduler considers them again.
        for moment in due[:-1]:
            self.store.claim_firing(job, moment, self.name, run=False)
        run = self.store.claim_firing(job, latest, self.name, run=run_latest)
        if run is not None:
            log.info("job %s fires for %s (run %s)", job.name, latest, run.run_id)
            self.runner.enqueue(run)
        return run

    def start(self) -> None:
        """Recover dead runs, then tick every `interval_s` (or sooner, see `_sleep_time`) in a
        daemon thread (`core.periodic`)."""
        self.runner.recover()
        self._last_recovery = time.monotonic()
        self._periodic = Periodic(
            "mlops-scheduler",
            self._pass,
            self._sleep_time,
            immediately=True,
            logger=log,
            join_timeout_s=10,
            fallback_s=self.interval_s,
        ).start()

    def _pass(self) -> None:
        self.tick()
        # Runs of another machine whose heartbeat stopped are only seen as time passes.
        if time.monotonic() - self._last_recovery > RECOVER_EVERY_S:
            self._last_recovery = time.monotonic()
            self.runner.recover()

    def _sleep_time(self) -> float:
        """Until the next check: `interval_s`, or less when a firing is due sooner (so a job
        starts at its time, not up to an interval later; jobs created meanwhile wait at most
        one interval)."""
        now = self.clock()
        soonest = self.interval_s
        try:
            for job in self.store.schedulable_jobs():
                assert job.schedule is not None
                upcoming = next(firings(job.schedule, job.timezone, int(now * 1000)))
                soonest = min(soonest, upcoming / 1000 - now + 0.01)
        except Exception:  # the store is briefly unavailable: check again after the interval
            log.debug("could not read the next firing times", exc_info=True)
        return max(0.05, soonest)

    def stop(self) -> None:
        """Stop ticking (runs already started go on in the runner)."""
        if self._periodic is not None:
            self._periodic.stop()
