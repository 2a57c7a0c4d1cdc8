"""The scheduler on a real store and real kernels: firings at the right times by an injected
clock, exactly once under two schedulers, the missed-firing policies, and runs whose process
died marked failed (and retried) when a scheduler starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from jupyter_mlops.core.db import Database
from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.entities import JobSpec, RunStatus
from jupyter_mlops.jobs.runner import JobRunner
from jupyter_mlops.jobs.scheduler import Scheduler
from jupyter_mlops.jobs.service import JobService
from jupyter_mlops.jobs.store import JobStore
from tests.support.jobs import write_notebook


def at(text: str) -> float:
    """Epoch seconds of an ISO time in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_notebook(tmp_path / "quick.ipynb", "tag = 'none'", "print(tag)")
    return tmp_path


def make_runner(root: Path, database: Database | None = None) -> JobRunner:
    return JobRunner(
        database or get_database(), output_root=root / "out", root_dir=root, concurrency=2
    )


def new_job(runner: JobRunner, root: Path, since: str, **fields) -> str:
    service = JobService(runner.store, root)
    job = service.create(JobSpec(notebook_path="quick.ipynb", **fields))
    runner.store.update_job(job.job_id, schedule_since=int(at(since) * 1000))
    return job.job_id


def finish(runner: JobRunner, runs) -> list:
    return [runner.wait(run.run_id, timeout=120) for run in runs]


def test_a_schedule_fires_at_its_times_by_the_injected_clock(root):
    runner = make_runner(root)
    now = {"t": at("2026-03-01T08:58:00")}
    scheduler = Scheduler(runner, clock=lambda: now["t"])
    try:
        job_id = new_job(runner, root, "2026-03-01T08:58:00", schedule="0 9 * * *",
                         timezone="Europe/Berlin")  # fmt: skip
        # 09:00 in Berlin is 08:00 UTC (winter): the first firing is the next day.
        now["t"] = at("2026-03-01T09:30:00")
        assert scheduler.tick() == []
        now["t"] = at("2026-03-02T08:00:05")
        fired = scheduler.tick()
        assert [r.scheduled_time for r in fired] == [int(at("2026-03-02T08:00:00") * 1000)]
        assert scheduler.tick() == []  # the same firing never twice
        # After the change to summer time, 09:00 Berlin is 07:00 UTC.
        now["t"] = at("2026-04-01T07:00:30")
        assert [r.scheduled_time for r in scheduler.tick()] == [
            int(at("2026-04-01T07:00:00") * 1000)
        ]
        (first,) = finish(runner, fired)
        assert first.status is RunStatus.SUCCEEDED and first.trigger == "schedule"
        assert first.job_id == job_id
    finally:
        runner.close(wait=True)


def test_two_schedulers_on_one_store_fire_each_firing_once(root, db_url):
    # Two schedulers, each with its own engine and runner, tick at the same moments
    # (SQLite and PostgreSQL).
    url = get_database().url  # created and upgraded
    assert url == db_url
    runners = [make_runner(root, Database(url)) for _ in range(2)]
    schedulers = [Scheduler(r, name=f"s{i}") for i, r in enumerate(runners)]
    job_id = new_job(runners[0], root, "2026-05-01T00:00:00", schedule="*/10 * * * *",
                     parameters={"tag": "x"})  # fmt: skip
    fired: list = []
    try:
        for minute in (10, 20, 30, 40):
            moment = at(f"2026-05-01T00:{minute:02d}:01")
            barrier = threading.Barrier(2)

            def tick(s: Scheduler, moment: float = moment, barrier=barrier) -> None:
                barrier.wait()
                fired.extend(s.tick(moment))

            threads = [threading.Thread(target=tick, args=(s,)) for s in schedulers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        times = sorted(run.scheduled_time for run in fired)
        assert times == [int(at(f"2026-05-01T00:{m}:00") * 1000) for m in (10, 20, 30, 40)]
        store = JobStore(get_database())
        assert len(store.list_runs(job_id=job_id)) == 4
        assert {claimed for _, claimed in store.firings(job_id)} == {r.run_id for r in fired}
    finally:
        for runner in runners:
            runner.close(wait=True)
    runs = JobStore(get_database()).list_runs(job_id=job_id)
    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}


def test_missed_firings_are_skipped_or_caught_up_once_by_policy(root):
    runner = make_runner(root)
    try:
        skip = new_job(runner, root, "2026-06-01T00:00:00", schedule="0 * * * *")
        catch = new_job(runner, root, "2026-06-01T00:00:00", schedule="0 * * * *",
                        missed_policy="catch_up")  # fmt: skip
        scheduler = Scheduler(runner)
        # Nobody ran for five hours.
        fired = scheduler.tick(at("2026-06-01T05:20:00"))
        assert [(r.job_id, r.scheduled_time) for r in fired] == [
            (catch, int(at("2026-06-01T05:00:00") * 1000))
        ]
        assert scheduler.tick(at("2026-06-01T05:21:00")) == []
        store = runner.store
        assert [run_id for _, run_id in store.firings(skip)] == [None] * 5
        assert len(store.firings(catch)) == 5 and store.list_runs(job_id=skip) == []
        # A firing on time runs for both.
        on_time = scheduler.tick(at("2026-06-01T06:00:10"))
        assert {r.job_id for r in on_time} == {skip, catch}
        finish(runner, fired + on_time)
    finally:
        runner.close(wait=True)


def test_a_paused_job_does_not_fire_and_resuming_does_not_replay_the_pause(root):
    runner = make_runner(root)
    try:
        job_id = new_job(runner, root, "2026-06-01T00:00:00", schedule="* * * * *")
        service = JobService(runner.store, root)
        service.update(job_id, {"paused": True})
        scheduler = Scheduler(runner)
        assert scheduler.tick(at("2026-06-01T00:05:00")) == []
        job = service.update(job_id, {"paused": False})
        assert job.schedule_since > int(at("2026-06-01T00:05:00") * 1000)
    finally:
        runner.close(wait=True)


def test_a_run_whose_process_was_killed_is_failed_then_retried_when_a_scheduler_starts(
    tmp_path, mlops_store
):
    # The first attempt hangs; a retry (marker present) finishes at once.
    write_notebook(
        tmp_path / "hang.ipynb",
        "pause = 120",
        "import pathlib, time\nmarker = pathlib.Path('marker')\nfirst = not marker.exists()\n"
        "marker.touch()\ntime.sleep(pause if first else 0)",
    )
    runner = make_runner(tmp_path)
    service = JobService(runner.store, tmp_path)
    job = service.create(JobSpec(notebook_path="hang.ipynb", retries=1))
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlops.cli", "jobs", "run", job.job_id],
        cwd=tmp_path, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "marker").exists():
            assert time.monotonic() < deadline, "the job never started"
            assert process.poll() is None
            time.sleep(0.2)
        (running,) = runner.store.list_runs(job_id=job.job_id)
        assert running.status is RunStatus.RUNNING and running.pid == process.pid
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    try:
        dead = runner.recover()
        assert dead == [running.run_id]
        failed = runner.store.get_run(running.run_id)
        assert failed.status is RunStatus.FAILED
        assert f"pid {process.pid}" in (failed.error or "")
        runs = runner.store.list_runs(job_id=job.job_id)
        retry = next(r for r in runs if r.run_id != running.run_id)
        assert retry.trigger == "retry" and retry.attempt == 2
        assert runner.wait(retry.run_id, timeout=120).status is RunStatus.SUCCEEDED
        assert runner.recover() == []
    finally:
        runner.close(wait=True)
