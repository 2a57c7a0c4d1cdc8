"""Experiment tracking throughput and latency, and MLflow's SQLite store on the same work.

    .venv/bin/python bench/tracking.py [--runs 10000] [--points 200000] [--mlflow-runs 1000]

Figures (each in a fresh temporary store):
- single `mlops.log_metric` calls/s as the caller sees them (buffered, written off-thread);
- points/s persisted: from the first `log_metric` call until `flush()` returns, and through
  the store's batch write;
- runs created/s: `mlops.start_run()` + `end_run()` (provenance and all), and the store's
  `create_run`;
- one page (50 runs) of the runs list over `--runs` runs: newest first, sorted by a metric,
  filtered and sorted, a deep page, and the column keys.

When `mlflow` is importable, the same work runs on MLflow's SQLite store (`MlflowClient`)
in the same process, with smaller counts where MLflow is slow, and the ratios are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PAGE = 50
FILTER = "params.lr = '0.1' and metrics.acc > 0.5 and tags.family = 'trees'"
ORDER = ["metrics.loss ASC", "params.depth DESC"]


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def _median_ms(action: Callable[[], object], repeat: int = 7) -> float:
    action()  # warm the caches and the statement cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _fresh_store(root: Path, name: str) -> None:
    from jupyter_mlops.core.store import reset_database
    from jupyter_mlops.tracking.client import close_client

    close_client()
    reset_database()
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(root / name)
    os.environ.pop("JUPYTER_MLOPS_DB_URL", None)


def bench_ours(root: Path, points: int, runs: int, search_runs: int) -> dict[str, float]:
    import jupyter_mlops as mlops
    from jupyter_mlops.tracking.client import get_client
    from jupyter_mlops.tracking.entities import Metric

    results: dict[str, float] = {}
    _fresh_store(root, "calls")
    with mlops.start_run(experiment="bench"):
        start = time.perf_counter()
        for step in range(points):
            mlops.log_metric("loss", 1.0 / (step + 1), step=step)
        calls_done = time.perf_counter()
        mlops.flush()
        flushed = time.perf_counter()
    results["log_metric calls/s (caller)"] = _rate(points, calls_done - start)
    results["points/s persisted (log_metric to flush)"] = _rate(points, flushed - start)

    _fresh_store(root, "batch")
    store = get_client().store
    experiment = store.get_or_create_experiment("bench")
    run_id = store.create_run(experiment.experiment_id).run_id
    now = int(time.time() * 1000)
    batch = [(run_id, "loss", random.random(), step, now) for step in range(points)]
    start = time.perf_counter()
    for offset in range(0, points, 10_000):
        store.log_metric_points(batch[offset : offset + 10_000])
    results["points/s persisted (store batch write)"] = _rate(points, time.perf_counter() - start)

    _fresh_store(root, "runs")
    count = min(runs, 2_000)
    start = time.perf_counter()
    for index in range(count):
        with mlops.start_run(experiment="bench", params={"i": index}):
            pass
    results["runs created/s (start_run + end_run)"] = _rate(count, time.perf_counter() - start)
    store = get_client().store
    experiment_id = store.get_or_create_experiment("bench").experiment_id
    start = time.perf_counter()
    for index in range(count):
        store.create_run(experiment_id, params={"i": index})
    results["runs created/s (store.create_run)"] = _rate(count, time.perf_counter() - start)

    for size in sorted({search_runs, runs}):
        _fresh_store(root, f"search{size}")
        store = get_client().store
        experiment_id = store.get_or_create_experiment("bench").experiment_id
        fill_start = time.perf_counter()
        for index in range(size):
            run = store.create_run(
                experiment_id,
                params={"lr": random.choice(["0.1", "0.01", "0.001"]), "depth": str(index % 9)},
                tags={"family": random.choice(["trees", "linear"])},
            )
            store.log_batch(
                run.run_id,
                metrics=[
                    Metric("acc", random.random(), 0, now),
                    Metric("loss", random.random(), 0, now),
                ],
            )
        print(
            f"  (filled {size} runs in {time.perf_counter() - fill_start:.1f} s)", file=sys.stderr
        )
        results.update(_our_search_latencies(store, [experiment_id], size))
    return results


def _our_search_latencies(store: Any, ids: list[str], size: int) -> dict[str, float]:
    return {
        f"page of {PAGE} over {size} runs, newest first (ms)": _median_ms(
            lambda: store.search_runs(ids, max_results=PAGE)
        ),
        f"page of {PAGE} over {size} runs, by metrics.acc DESC (ms)": _median_ms(
            lambda: store.search_runs(ids, None, ["metrics.acc DESC"], max_results=PAGE)
        ),
        f"page of {PAGE} over {size} runs, filtered + 2 sort keys (ms)": _median_ms(
            lambda: store.search_runs(ids, FILTER, ORDER, max_results=PAGE)
        ),
        f"last page over {size} runs, by params.depth (ms)": _median_ms(
            lambda: store.search_runs(
                ids, None, ["params.depth"], max_results=PAGE, offset=size - PAGE
            )
        ),
        f"column keys over {size} runs (ms)": _median_ms(lambda: store.keys_in_use(ids)),
    }


def bench_mlflow(root: Path, points: int, search_runs: int) -> dict[str, float]:
    import mlflow
    from mlflow.entities import Metric as MlflowMetric
    from mlflow.tracking import MlflowClient

    results: dict[str, float] = {}
    uri = f"sqlite:///{root / 'mlflow' / 'mlflow.db'}"
    (root / "mlflow").mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    experiment_id = client.create_experiment("bench", artifact_location=str(root / "mlflow" / "a"))

    single = 300
    run_id = client.create_run(experiment_id).info.run_id
    start = time.perf_counter()
    for step in range(single):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    results["log_metric calls/s (caller)"] = _rate(single, time.perf_counter() - start)
    results["points/s persisted (log_metric to flush)"] = results["log_metric calls/s (caller)"]

    batched = min(points, 20_000)
    now = int(time.time() * 1000)
    start = time.perf_counter()
    for offset in range(0, batched, 1_000):  # MLflow's log_batch takes at most 1,000 metrics
        client.log_batch(
            run_id,
            metrics=[
                MlflowMetric("loss2", random.random(), now, s)
                for s in range(offset, offset + 1_000)
            ],
        )
    results["points/s persisted (store batch write)"] = _rate(batched, time.perf_counter() - start)

    created = 100
    start = time.perf_counter()
    for index in range(created):
        with mlflow.start_run(experiment_id=experiment_id):
            mlflow.log_param("i", index)
    results["runs created/s (start_run + end_run)"] = _rate(created, time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(created):
        client.create_run(experiment_id)
    results["runs created/s (store.create_run)"] = _rate(created, time.perf_counter() - start)

    search_experiment = client.create_experiment("search")
    fill_start = time.perf_counter()
    for index in range(search_runs):
        run = client.create_run(search_experiment)
        client.log_batch(
            run.info.run_id,
            metrics=[
                MlflowMetric("acc", random.random(), now, 0),
                MlflowMetric("loss", random.random(), now, 0),
            ],
            params=[
                mlflow.entities.Param("lr", random.choice(["0.1", "0.01", "0.001"])),
                mlflow.entities.Param("depth", str(index % 9)),
            ],
            tags=[mlflow.entities.RunTag("family", random.choice(["trees", "linear"]))],
        )
    print(
        f"  (filled {search_runs} MLflow runs in {time.perf_counter() - fill_start:.1f} s)",
        file=sys.stderr,
    )
    ids = [search_experiment]
    size = search_runs
    results[f"page of {PAGE} over {size} runs, newest first (ms)"] = _median_ms(
        lambda: client.search_runs(ids, max_results=PAGE), repeat=3
    )
    results[f"page of {PAGE} over {size} runs, by metrics.acc DESC (ms)"] = _median_ms(
        lambda: client.search_runs(ids, order_by=["metrics.acc DESC"], max_results=PAGE), repeat=3
    )
    results[f"page of {PAGE} over {size} runs, filtered + 2 sort keys (ms)"] = _median_ms(
        lambda: client.search_runs(
            ids,
            FILTER,
            order_by=ORDER,
            max_results=PAGE,
        ),
        repeat=3,
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=10_000, help="runs in the list to page over")
    parser.add_argument("--mlflow-runs", type=int, default=1_000, help="runs for MLflow's search")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ours = bench_ours(root, args.points, args.runs, args.mlflow_runs)
        try:
            import mlflow
        except ImportError:
            mlflow = None
        peer = bench_mlflow(root, args.points, args.mlflow_runs) if mlflow is not None else {}
        from jupyter_mlops.tracking.client import close_client

        close_client()
    width = max(len(k) for k in ours)
    peer_name = f"MLflow {mlflow.__version__}" if mlflow is not None else "MLflow (not installed)"
    print(f"{'measure':<{width}}  {'jupyter-mlops':>14}  {peer_name:>14}  ratio")
    for key, value in ours.items():
        other = peer.get(key)
        if other is None:
            print(f"{key:<{width}}  {value:>14,.1f}  {'-':>14}")
            continue
        faster = other / value if key.endswith("(ms)") else value / other
        print(f"{key:<{width}}  {value:>14,.1f}  {other:>14,.1f}  {faster:,.1f}x")


if __name__ == "__main__":
    main()
