"""Latency of the tracking REST API over an experiment of 10,000 runs (the Experiments panel's
calls), through a real `jupyter server` on 127.0.0.1.

    .venv/bin/python bench/tracking_rest.py [--runs 10000] [--repeat 20]

Prints the median and 95th percentile of each call. When `mlflow` is importable, it also logs
the same runs into MLflow's SQLite store and times `MlflowClient.search_runs` on the same page
(MLflow's server answers its REST search with that same call).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mlops_server import start_server


def populate(data_dir: Path, runs: int) -> str:
    """Log `runs` finished runs (3 params, 2 metrics of 10 steps, 1 tag) into one experiment."""
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(data_dir)
    from jupyter_mlops.core.store import get_database
    from jupyter_mlops.tracking.entities import Metric
    from jupyter_mlops.tracking.store import TrackingStore

    store = TrackingStore(get_database(), data_dir)
    experiment = store.get_or_create_experiment("bench").experiment_id
    started = time.perf_counter()
    for index in range(runs):
        run = store.create_run(
            experiment,
            f"run-{index}",
            params={"lr": 10 ** -(index % 4), "max_depth": index % 9, "model": "rf"},
            tags={"batch": str(index // 1000)},
        )
        acc = (index * 7919 % 1000) / 1000
        points = [Metric("acc", acc * (s + 1) / 10, s, 1_700_000_000_000 + s) for s in range(10)]
        points += [Metric("loss", 1 - acc, 9, 1_700_000_000_000)]
        store.log_batch(run.run_id, metrics=points)
        store.update_run(run.run_id, status="FINISHED")
    print(f"logged {runs:,} runs in {time.perf_counter() - started:.1f} s")
    return experiment


def timed(url: str, token: str, repeat: int) -> tuple[float, float, object]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    body: object = None
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            body = json.loads(response.read())
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], body


def mlflow_search(runs: int, repeat: int) -> None:
    try:
        import mlflow
        from mlflow.tracking import MlflowClient
    except ImportError:
        print("mlflow is not importable here: no peer timing")
        return
    with tempfile.TemporaryDirectory() as folder:
        mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
        client = MlflowClient()
        experiment = client.create_experiment("bench")
        for index in range(runs):
            run = client.create_run(experiment)
            acc = (index * 7919 % 1000) / 1000
            client.log_batch(
                run.info.run_id,
                params=[mlflow.entities.Param(k, str(v)) for k, v in (("lr", index % 4),)],
                metrics=[mlflow.entities.Metric("acc", acc, 0, 9)],
            )
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.search_runs([experiment], order_by=["metrics.acc DESC"], max_results=50)
            samples.append((time.perf_counter() - started) * 1000)
        median = statistics.median(samples)
        print(f"mlflow search_runs, page of 50 by metrics.acc DESC: {median:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir, root = Path(folder) / "mlops", Path(folder)
        experiment = populate(data_dir, args.runs)
        token = "bench-token"
        process, base = start_server(data_dir, root, token)
        try:
            api = f"{base}/mlops/api"
            calls = {
                "experiments list": f"{api}/experiments",
                "experiment detail (columns)": f"{api}/experiments/{experiment}",
                "runs page, newest first": f"{api}/runs?experiment_id={experiment}",
                "runs page, metrics.acc DESC": f"{api}/runs?"
                + urlencode({"experiment_id": experiment, "order_by": "metrics.acc DESC"}),
                "runs page, params.lr ASC": f"{api}/runs?"
                + urlencode({"experiment_id": experiment, "order_by": "params.lr ASC"}),
                "runs page, filter + sort": f"{api}/runs?"
                + urlencode(
                    {
                        "experiment_id": experiment,
                        "filter": "params.max_depth = '3' and metrics.acc > 0.5",
                        "order_by": "metrics.acc DESC",
                    }
                ),
                "runs last page (offset 9,950)": f"{api}/runs?"
                + urlencode(
                    {
                        "experiment_id": experiment,
                        "order_by": "metrics.acc DESC",
                        "offset": max(0, args.runs - 50),
                    }
                ),
            }
            print(f"REST latency over {args.runs:,} runs, {args.repeat} calls each (ms):")
            for name, url in calls.items():
                median, p95, body = timed(url, token, args.repeat)
                size = len(body["runs"]) if isinstance(body, dict) and "runs" in body else ""
                print(f"  {name:34s} median {median:7.1f}   p95 {p95:7.1f}   {size}")
            page = timed(calls["runs page, newest first"], token, 1)[2]
            run_id = page["runs"][0]["run_id"]  # type: ignore[index]
            for name, url in {
                "run detail": f"{api}/runs/{run_id}",
                "metric history": f"{api}/runs/{run_id}/metrics?key=acc",
            }.items():
                median, p95, _ = timed(url, token, args.repeat)
                print(f"  {name:34s} median {median:7.1f}   p95 {p95:7.1f}")
        finally:
            process.terminate()
            process.wait(timeout=15)
    mlflow_search(args.runs, args.repeat)


if __name__ == "__main__":
    main()
