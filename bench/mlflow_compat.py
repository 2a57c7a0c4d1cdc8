"""MLflow's own client against the workbench's MLflow facade and against `mlflow server`.

    .venv/bin/python bench/mlflow_compat.py [--runs 300] [--batches 30] [--batch-size 1000]
        [--mlflow-bin PATH/TO/mlflow]

Both servers run on this machine in the same invocation, each on a fresh SQLite store: the
facade in `jupyter server` with jupyter-mlops, MLflow in `mlflow server --workers 1` (the full
`mlflow` package, which has Flask; `mlflow-skinny` cannot serve). Without `--mlflow-bin`, the
`mlflow` next to this Python is used when it can serve, else MLflow's column is skipped.

Figures (the client is `MlflowClient(tracking_uri)`, one process, sequential calls):
- `log_batch` of `--batch-size` metric points: median ms per call and points/s;
- creating `--runs` runs with 10 params, 10 metrics and 3 tags each (create + log_batch + end);
- `search_runs`, median ms: the newest 100 runs; a filter on a param and a metric, ordered by a
  metric (100 runs); a page deep in the list (page_token of the 3rd page).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.lab import free_port
from tests.support.mlflow_lab import MLOpsServer

FILTER = "params.lr = '0.1' and metrics.acc > 0.5"


def _median_ms(action: Callable[[], object], repeat: int = 9) -> float:
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class MlflowServer:
    """`mlflow server` on a free port with a SQLite store, stopped by PID."""

    def __init__(self, binary: str, root: Path) -> None:
        self.binary = binary
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def tracking_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> MlflowServer:
        args = [
            self.binary, "server", "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", "1", "--backend-store-uri", f"sqlite:///{self.root / 'mlflow.db'}",
            "--artifacts-destination", str(self.root / "artifacts"),
        ]  # fmt: skip
        log = (self.root / "mlflow-server.log").open("wb")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.root / "mlflow-server.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{self.tracking_uri}/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("mlflow server did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def measure(tracking_uri: str, args: argparse.Namespace) -> dict[str, float]:
    """Every figure of one server."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    client = MlflowClient(tracking_uri=tracking_uri)
    experiment_id = client.create_experiment(f"bench-{time.time_ns()}")
    figures: dict[str, float] = {}

    run = client.create_run(experiment_id)
    now = int(time.time() * 1000)
    step = iter(range(10**9))

    def one_batch() -> None:
        s = next(step)
        points = [
            Metric(f"m{i % 10}", random.random(), now + s, s * args.batch_size + i)
            for i in range(args.batch_size)
        ]
        client.log_batch(run.info.run_id, metrics=points)

    per_call = _median_ms(one_batch, repeat=args.batches)
    figures["log_batch ms/call"] = per_call
    figures["log_batch points/s"] = args.batch_size / (per_call / 1000)
    client.set_terminated(run.info.run_id)

    start = time.perf_counter()
    for index in range(args.runs):
        created = client.create_run(experiment_id, run_name=f"run-{index}")
        client.log_batch(
            created.info.run_id,
            metrics=[Metric(f"metric{k}", random.random(), now, 0) for k in range(9)]
            + [Metric("acc", random.random(), now, 0)],
            params=[Param("lr", random.choice(["0.1", "0.01", "0.001"]))]
            + [Param(f"param{k}", str(random.randint(0, 9))) for k in range(9)],
            tags=[RunTag(f"tag{k}", f"value{index % 7}") for k in range(3)],
        )
        client.set_terminated(created.info.run_id)
    figures["runs created/s"] = args.runs / (time.perf_counter() - start)

    figures["search newest 100 ms"] = _median_ms(
        lambda: client.search_runs([experiment_id], max_results=100)
    )
    figures["search filtered+sorted ms"] = _median_ms(
        lambda: client.search_runs(
            [experiment_id], FILTER, order_by=["metrics.acc DESC"], max_results=100
        )
    )
    first = client.search_runs([experiment_id], max_results=100)
    second = client.search_runs([experiment_id], max_results=100, page_token=first.token)
    figures["search 3rd page ms"] = _median_ms(
        lambda: client.search_runs([experiment_id], max_results=100, page_token=second.token)
    )
    return figures


def _mlflow_binary(given: str | None) -> str | None:
    if given:
        return given
    candidate = Path(sys.executable).parent / "mlflow"
    try:
        import flask  # noqa: F401
    except ImportError:
        return None
    return str(candidate) if candidate.exists() else shutil.which("mlflow")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--mlflow-bin", help="`mlflow` of an environment with full mlflow")
    args = parser.parse_args()
    import mlflow

    root = Path(tempfile.mkdtemp(prefix="bench-mlflow-"))
    results: dict[str, dict[str, float]] = {}
    facade = MLOpsServer(root / "facade").start()
    os.environ["MLFLOW_TRACKING_TOKEN"] = facade.token
    try:
        results["jupyter-mlops facade"] = measure(facade.tracking_uri, args)
    finally:
        facade.stop()
    binary = _mlflow_binary(args.mlflow_bin)
    if binary is None:
        print("mlflow server: not measured (needs the full mlflow package; pass --mlflow-bin)")
    else:
        (root / "mlflow").mkdir()
        server = MlflowServer(binary, root / "mlflow").start()
        try:
            results[f"mlflow server {mlflow.__version__}"] = measure(server.tracking_uri, args)
        finally:
            server.stop()
    shutil.rmtree(root, ignore_errors=True)
    names = list(results)
    print(f"MLflow client {mlflow.__version__}; runs={args.runs}, batch={args.batch_size} points")
    print(f"{'figure':32}" + "".join(f"{name:>26}" for name in names))
    for figure in results[names[0]]:
        row = "".join(f"{results[name][figure]:>26,.1f}" for name in names)
        print(f"{figure:32}{row}")


if __name__ == "__main__":
    main()
