"""No lost metric points: bad steps and timestamps refused at the call, one bad point never
drops the others, SIGTERM flushes, killed processes leave no run RUNNING."""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking import fluent, heartbeat
from jupyter_mlops.tracking.entities import Metric
from jupyter_mlops.tracking.metric_writer import MetricWriter
from jupyter_mlops.tracking.process_client import get_client
from jupyter_mlops.tracking.store import TrackingStore


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"step": 2**70}, "metrics.loss.step"),
        ({"step": -(2**63) - 1}, "metrics.loss.step"),
        ({"step": 1.5}, "metrics.loss.step"),
        ({"step": math.nan}, "metrics.loss.step"),
        ({"step": "3"}, "metrics.loss.step"),
        ({"step": True}, "metrics.loss.step"),
        ({"timestamp": -1}, "metrics.loss.timestamp"),
        ({"timestamp": 2**63}, "metrics.loss.timestamp"),
        ({"timestamp": math.inf}, "metrics.loss.timestamp"),
        ({"timestamp": "now"}, "metrics.loss.timestamp"),
    ],
)
def test_bad_steps_and_timestamps_are_refused_at_the_call(kwargs, field):
    with mlops.start_run() as run:
        with pytest.raises(MLOpsError) as error:
            mlops.log_metric("loss", 1.0, **kwargs)
        assert error.value.field == field
        with pytest.raises(MLOpsError) as error:
            get_client().store.log_batch(run.run_id, metrics=[Metric("loss", 1.0, **_full(kwargs))])
        assert error.value.field == field
        mlops.log_metric("loss", 0.5, step=3)
    assert [(p.step, p.value) for p in fluent.metric_history(run.run_id, "loss")] == [(3, 0.5)]


def _full(kwargs):
    return {"step": 0, "timestamp": 1, **kwargs}


def test_whole_numbers_of_other_types_are_accepted():
    import numpy as np

    with mlops.start_run() as run:
        # Whole numbers of other types are taken too: a numpy integer step (a SupportsIndex, as
        # annotated) and a whole float timestamp, outside the annotation on purpose.
        step, timestamp = np.int64(2**62), np.float64(1_000.0)
        mlops.log_metric("x", 1.0, step=step, timestamp=timestamp)  # type: ignore[arg-type]
        mlops.log_metric("x", 2.0, step=-5, timestamp=0)
    history = fluent.metric_history(run.run_id, "x")
    assert [(p.step, p.timestamp) for p in history] == [(-5, 0), (2**62, 1000)]


def test_one_bad_point_never_drops_the_others(db_url, mlops_store):
    store = TrackingStore(get_database(), mlops_store)
    experiment = store.get_or_create_experiment("e").experiment_id
    first = store.create_run(experiment).run_id
    second = store.create_run(experiment).run_id
    writer = MetricWriter(store, interval=60)  # nothing is written before flush()
    try:
        # Points that skipped the checks (a bug, or a driver limit): the store refuses them.
        writer.add_many([(first, "loss", float(s), s, 1) for s in range(1000)])
        writer.add((first, "loss", -1.0, 2**70, 1))
        writer.add_many([(first, "loss", float(s), s, 1) for s in range(1000, 2000)])
        writer.add_many([(second, "acc", float(s), s, 1) for s in range(500)])
        writer.add(("0" * 32, "acc", 1.0, 0, 1))  # a run that does not exist
        with pytest.raises(MLOpsError) as error:
            writer.flush(60)
    finally:
        writer.close()
    message = error.value.message
    assert f"metric point 'loss' (step {2**70}" in message and first in message
    assert "0" * 32 in message
    assert [p.step for p in store.metric_history(first, "loss")] == list(range(2000))
    assert len(store.metric_history(second, "acc")) == 500
    assert store.get_run(first).metrics == {"loss": 1999.0}


# --- SIGTERM, SIGKILL and the heartbeat ---------------------------------------------------------

BUFFERING_SCRIPT = textwrap.dedent(
    """
    import signal, sys, time
    import jupyter_mlops as mlops
    from jupyter_mlops.tracking.process_client import get_client

    if sys.argv[1] == "chained":
        def mine(signum, frame):
            with open(sys.argv[2], "w") as out:
                out.write("mine ran")
            sys.exit(3)
        signal.signal(signal.SIGTERM, mine)
    run = mlops.start_run(experiment="signals")
    writer = get_client().writer
    writer.interval = 3600
    time.sleep(0.6)  # the writer's current 0.25 s wait ends; its next one lasts an hour
    for step in range(5000):
        mlops.log_metric("loss", float(step), step=step)
    print(run.run_id, writer.pending, flush=True)
    time.sleep(300)
    """
)


def _start_buffering(mlops_store, *args):
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    process = subprocess.Popen(
        [sys.executable, "-c", BUFFERING_SCRIPT, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().split()
    assert len(line) == 2, process.communicate(timeout=60)
    run_id, pending = line
    assert pending == "5000"  # every point is still in the process's queue
    return process, run_id


def _wait(process):
    try:
        return process.wait(timeout=120)
    finally:
        process.stdout.close()
        process.stderr.close()


@pytest.mark.parametrize("handler", ["default", "chained"])
def test_sigterm_flushes_buffered_points_and_ends_the_run_killed(mlops_store, tmp_path, handler):
    marker = tmp_path / "previous-handler"
    process, run_id = _start_buffering(mlops_store, handler, str(marker))
    process.send_signal(signal.SIGTERM)
    code = _wait(process)
    if handler == "chained":  # the handler the script had installed still ran, and decided
        assert (code, marker.read_text()) == (3, "mine ran")
    else:  # the process still dies of SIGTERM
        assert code == -signal.SIGTERM
    store = TrackingStore(get_database(), mlops_store)
    assert [p.step for p in store.metric_history(run_id, "loss")] == list(range(5000))
    run = store.get_run(run_id)
    assert run.status == "KILLED" and run.error is not None and "SIGTERM" in run.error


def test_a_sigkilled_run_is_marked_killed_when_a_writer_starts(db_url, mlops_store):
    process, run_id = _start_buffering(mlops_store, "default")
    process.kill()  # SIGKILL: nothing runs; the last interval's points are lost (documented)
    assert _wait(process) == -signal.SIGKILL
    store = TrackingStore(get_database(), mlops_store)
    assert store.get_run(run_id).status == "RUNNING"
    writer = MetricWriter(store)  # another process's writer starting, as a kernel's would
    try:
        run = _until_status(store, run_id, "KILLED")
    finally:
        writer.close()
    assert f"process {process.pid} on {socket.gethostname()} ended" in run.error
    assert run.end_time is not None


@pytest.fixture
def sigkilled_run(mlops_store):
    """(pid, run_id) of a run whose process was SIGKILLed (before any server starts)."""
    process, run_id = _start_buffering(mlops_store, "default")
    process.kill()
    _wait(process)
    return process.pid, run_id


async def test_the_server_marks_a_sigkilled_run_killed_and_says_why(sigkilled_run, jp_fetch):
    pid, run_id = sigkilled_run
    deadline = time.monotonic() + 60
    while True:
        detail = json.loads((await jp_fetch("mlops", "api", "runs", run_id)).body)
        if detail["status"] == "KILLED" or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert detail["status"] == "KILLED"
    assert f"process {pid}" in detail["failure"]


def _until_status(store, run_id, status, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        run = store.get_run(run_id)
        if run.status == status or time.monotonic() > deadline:
            assert run.status == status
            return run
        time.sleep(0.05)


def test_processes_that_are_gone_are_told_apart_from_live_ones():
    here = heartbeat.this_process()
    now = here.start + 10_000_000

    def row(**fields):
        values = {"run_id": "r", "pid": here.pid, "host": here.host, "process_start": here.start}
        return heartbeat.RunProcessRow(**{**values, "last_beat": now, "last_flush": None, **fields})

    assert heartbeat.gone_reason(row(), here, now) is None  # this very process
    parent = os.getppid()
    parent_start = heartbeat.process_start_ms(parent)
    assert parent_start is not None
    assert heartbeat.gone_reason(row(pid=parent, process_start=parent_start), here, now) is None
    reused = heartbeat.gone_reason(row(pid=parent, process_start=parent_start - 60_000), here, now)
    assert reused is not None and "the pid is now another process's" in reused
    other = {"host": "elsewhere", "pid": 1}
    assert heartbeat.gone_reason(row(**other), here, now) is None  # it beat just now
    stale = now - int(heartbeat.STALE_AFTER_S * 1000) - 1
    stale_reason = heartbeat.gone_reason(row(**other, last_beat=stale), here, now)
    assert stale_reason is not None
    assert "no heartbeat from process 1 on elsewhere" in stale_reason


def test_the_heartbeat_records_the_beat_and_the_last_flush(db_url, mlops_store):
    with mlops.start_run() as run:
        writer = get_client().writer
        mlops.log_metric("x", 1.0)
        mlops.flush()
        writer.heartbeat.interval = 0
        writer.heartbeat.tick()
        with get_database().session() as session:
            beat = session.get(heartbeat.RunProcessRow, run.run_id)
            assert beat is not None
            assert (beat.pid, beat.host) == (os.getpid(), socket.gethostname())
            assert beat.last_flush is not None and beat.last_beat >= beat.last_flush
    with get_database().session() as session:
        assert session.get(heartbeat.RunProcessRow, run.run_id) is None  # ended: forgotten


def test_numpy_scalars_are_stored_as_numbers(db_url, mlops_store):
    import numpy as np

    store = TrackingStore(get_database(), mlops_store)
    run_id = store.create_run(store.get_or_create_experiment("e").experiment_id).run_id
    # numpy integers on purpose where Metric's step and timestamp are annotated int
    metric = Metric("x", np.float64(0.1), np.int64(2), np.int64(5))  # type: ignore[arg-type]
    store.log_batch(run_id, metrics=[metric])
    assert [(p.value, p.step, p.timestamp) for p in store.metric_history(run_id, "x")] == [
        (0.1, 2, 5)
    ]
    assert type(store.metric_history(run_id, "x")[0].step) is int
