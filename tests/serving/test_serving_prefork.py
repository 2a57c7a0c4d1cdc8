"""`serve --workers N`: the parent loads the model once and forks the workers
(`serving/prefork.py`); a worker that dies is replaced by a new fork that needs no model file,
and a model refused at load ends `serve` with uvicorn's startup-failure code before any worker
exists."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import psutil
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from tests.support.ports import free_port
from tests.support.serving import endpoint_process

STARTUP_FAILURE = 3


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    return pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])


def _workers(pid: int, count: int, timeout: float = 120) -> set[int]:
    """The endpoint's `count` workers (forks of serve, its only children), once all are up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = {child.pid for child in psutil.Process(pid).children()}
        if len(children) == count:
            return children
        time.sleep(0.1)
    raise AssertionError(f"serve {pid} did not have {count} workers: {children}")


def _answer_from(url: str, pid: int, tries: int = 400) -> None:
    """Ask (each time on a new connection) until worker `pid` has answered `/version`."""
    for _ in range(tries):
        try:
            if httpx.get(f"{url}/version", timeout=10).json()["pid"] == pid:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"worker {pid} never answered")


def test_a_replacement_worker_serves_the_parents_model_without_reading_its_files(
    mlops_store: Path,
):
    X = _frame()
    model = LogisticRegression().fit(X, X["a"] > 0)
    version = mlops.register_model(model, "forked", X=X)
    args = ["forked/1", "--workers", "2", "--no-request-log"]
    with endpoint_process(args, mlops_store) as (url, process):
        before = _workers(process.pid, 2)
        # With the model loaded once in the parent, the files are no longer needed: a worker
        # that loaded the model itself (spawned) could not start after this.
        shutil.rmtree(str(version.storage_location).removeprefix("file://"))
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        replacement = _workers_after(process.pid, before - {victim}, victim) - before
        assert len(replacement) == 1, replacement
        _answer_from(url, replacement.pop())
        answer = httpx.post(f"{url}/predict", json=X.iloc[:5].to_dict("records"))
        assert answer.status_code == 200, answer.text
        assert answer.json()["predictions"] == model.predict(X.iloc[:5]).tolist()
        assert process.poll() is None


def _workers_after(pid: int, survivors: set[int], killed: int, timeout: float = 120) -> set[int]:
    """The workers once the killed one is replaced (two again, the survivor among them)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = {c.pid for c in psutil.Process(pid).children() if c.status() != "zombie"}
        if len(children) == 2 and survivors <= children and killed not in children:
            return children
        time.sleep(0.1)
    raise AssertionError(f"serve {pid} did not replace its killed worker")


def test_a_refused_model_ends_serve_with_the_startup_failure_code_before_any_fork(
    mlops_store: Path,
):
    X = _frame()
    version = mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "refused", X=X)
    folder = Path(str(version.storage_location).removeprefix("file://"))
    model_file = next(p for p in folder.iterdir() if p.suffix == ".skops")
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    command = [sys.executable, "-m", "jupyter_mlops.cli", "serve", "refused/1", "--workers", "2"]
    process = subprocess.Popen(
        [*command, "--port", str(free_port()), "--no-request-log"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    forked: set[int] = set()
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        try:  # serve must end by itself; record any worker it forks meanwhile
            forked |= {child.pid for child in psutil.Process(process.pid).children()}
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
    output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == STARTUP_FAILURE, output
    assert "sha256" in output and "cannot start" in output, output
    assert forked == set()  # the model was refused in the parent: no worker ever started


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of Prometheus text (0 when absent)."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def test_metrics_sum_every_worker_and_outlive_a_killed_one(mlops_store: Path, tmp_path: Path):
    X = _frame()
    model = LogisticRegression().fit(X, X["a"] > 0)
    mlops.register_model(model, "summed", X=X)
    temp = tmp_path / "temp"
    temp.mkdir()
    args = ["summed/1", "--workers", "2"]
    with endpoint_process(args, mlops_store, {"TMPDIR": str(temp)}) as (url, process):
        workers = _workers(process.pid, 2)
        (folder,) = temp.glob("mlops-endpoint-metrics-*")  # the workers' shared metrics
        assert folder.stat().st_mode & 0o777 == 0o700  # other local users: no way in
        answered: set[int] = set()
        requests = 0
        while answered != workers and requests < 400:  # each on a new connection
            answer = httpx.post(f"{url}/predict", json=X.iloc[:3].to_dict("records"))
            assert answer.status_code == 200, answer.text
            answered.add(httpx.get(f"{url}/version").json()["pid"])
            requests += 1
        assert answered == workers  # both workers served some of the requests

        def scrape() -> str:
            return httpx.get(f"{url}/metrics").text

        text = scrape()  # whichever worker answers counts every worker's requests
        assert _sample(text, "mlops_endpoint_requests_total", route="predict",
                       status="200") == requests  # fmt: skip
        assert _sample(text, "mlops_endpoint_rows_total") == 3 * requests
        assert _sample(text, "mlops_endpoint_model_version") == 1
        for _ in range(200):  # each worker copies its request log's counts every second
            if _sample(scrape(), "mlops_endpoint_request_log_rows_total") == 3 * requests:
                break
            time.sleep(0.1)
        assert _sample(scrape(), "mlops_endpoint_request_log_rows_total") == 3 * requests

        os.kill(min(workers), signal.SIGKILL)  # a dead worker's counts still count
        _workers_after(process.pid, workers - {min(workers)}, min(workers))
        text = scrape()
        assert _sample(text, "mlops_endpoint_requests_total", route="predict",
                       status="200") == requests  # fmt: skip
        assert _sample(text, "mlops_endpoint_model_version") == 1
    assert not folder.exists()  # serve removed its workers' metrics when it ended
