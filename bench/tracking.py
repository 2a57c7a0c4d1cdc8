"""Experiment tracking throughput and latency, and MLflow's store on the same work.

    .venv/bin/python bench/tracking.py [--runs 10000] [--points 200000] [--mlflow-runs 1000]
        [--url postgresql+psycopg://user@host/db | --postgres-temp]
    .venv/bin/python bench/tracking.py --cpu [--url ... | --postgres-temp]

`--cpu` measures only ours, as issue 20's rows do, and prints one JSON line with the load
average before and after: CPU (user + system of this process) and wall time per run created
(start + 10 params + end, 300 runs after 20 warm-up runs), and per search over 1,000 runs (a
page of 50 filtered on a param, and all 1,000), medians of 7. CPU time is what a shared
machine disturbs least; compare it interleaved with the code before a change.

The store is SQLite in a temporary folder by default. `--url` measures a PostgreSQL server
instead: each phase gets its own database `<db>_bench_<phase>` created on that server (the
user needs CREATEDB) and dropped at the end; `--postgres-temp` starts a throwaway local
PostgreSQL for the run (Debian's binaries, as the tests do) and measures on it.

Figures (each in a fresh temporary store):
- single `mlops.log_metric` calls/s as the caller sees them (buffered, written off-thread);
- points/s persisted: from the first `log_metric` call until `flush()` returns, and through
  the store's batch write;
- runs created/s: `mlops.start_run()` + `end_run()` (provenance and all), and the store's
  `create_run`;
- one page (50 runs) of the runs list over `--runs` runs: newest first, sorted by a metric,
  filtered and sorted, a deep page, and the column keys.

When `mlflow` is importable, the same work runs on MLflow's store (`MlflowClient`) on the
same database server, in the same process, with smaller counts where MLflow is slow, and the
ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_table import median_wall_cpu_ms

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


class Server:
    """Where each phase's fresh store lives: SQLite files under `root`, or new databases on
    the PostgreSQL server of `url`."""

    def __init__(self, root: Path, url: str | None) -> None:
        self.root = root
        self.url = url
        self.created: list[str] = []

    @property
    def name(self) -> str:
        return "SQLite" if self.url is None else "PostgreSQL"

    def fresh_url(self, phase: str) -> str:
        """A URL of an empty store for `phase`."""
        if self.url is None:
            (self.root / phase).mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{self.root / phase / 'mlops.db'}"
        from sqlalchemy.engine import make_url

        base = make_url(self.url)
        database = f"{base.database or 'mlops'}_bench_{phase}"
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        return base.set(database=database).render_as_string(hide_password=False)

    def _admin(self) -> Any:
        import psycopg
        from sqlalchemy.engine import make_url

        assert self.url is not None
        # The maintenance database: CREATE/DROP DATABASE cannot run inside the target.
        admin_url = make_url(self.url).set(drivername="postgresql", database="postgres")
        dsn = admin_url.render_as_string(hide_password=False)
        return psycopg.connect(dsn, autocommit=True)

    def analyze(self, url: str) -> None:
        """Refresh the planner's statistics and the visibility map after a bulk fill, as
        autovacuum would a minute later (index-only scans skip the heap only then); SQLite
        plans from its indexes alone."""
        if self.url is None:
            return
        import psycopg
        from sqlalchemy.engine import make_url

        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")

    def drop_created(self) -> None:
        if not self.created:
            return
        with self._admin() as admin:
            for database in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _fresh_store(server: Server, name: str) -> None:
    from jupyter_mlops.core.store import reset_database
    from jupyter_mlops.tracking.process_client import close_client

    close_client()
    reset_database()
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(server.root / name)
    os.environ["JUPYTER_MLOPS_DB_URL"] = server.fresh_url(name)


def bench_ours(server: Server, points: int, runs: int, search_runs: int) -> dict[str, float]:
    import jupyter_mlops as mlops
    from jupyter_mlops.tracking.entities import Metric
    from jupyter_mlops.tracking.process_client import get_client

    results: dict[str, float] = {}
    _fresh_store(server, "calls")
    with mlops.start_run(experiment="bench"):
        start = time.perf_counter()
        for step in range(points):
            mlops.log_metric("loss", 1.0 / (step + 1), step=step)
        calls_done = time.perf_counter()
        mlops.flush()
        flushed = time.perf_counter()
    results["log_metric calls/s (caller)"] = _rate(points, calls_done - start)
    results["points/s persisted (log_metric to flush)"] = _rate(points, flushed - start)

    _fresh_store(server, "batch")
    store = get_client().store
    experiment = store.get_or_create_experiment("bench")
    run_id = store.create_run(experiment.experiment_id).run_id
    now = int(time.time() * 1000)
    batch = [(run_id, "loss", random.random(), step, now) for step in range(points)]
    start = time.perf_counter()
    for offset in range(0, points, 10_000):
        store.log_metric_points(batch[offset : offset + 10_000])
    results["points/s persisted (store batch write)"] = _rate(points, time.perf_counter() - start)

    _fresh_store(server, "runs")
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
        _fresh_store(server, f"search{size}")
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
        server.analyze(os.environ["JUPYTER_MLOPS_DB_URL"])
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
                ids, None, ["params.depth"], max_results=PAGE, offset=max(0, size - PAGE)
            )
        ),
        f"column keys over {size} runs (ms)": _median_ms(lambda: store.keys_in_use(ids)),
    }


def bench_mlflow(server: Server, points: int, search_runs: int) -> dict[str, float]:
    import mlflow
    from mlflow.entities import Metric as MlflowMetric
    from mlflow.tracking import MlflowClient

    results: dict[str, float] = {}
    root = server.root
    uri = server.fresh_url("mlflow")
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
    server.analyze(uri)
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


def search_store(server: Server, name: str, size: int) -> tuple[Any, list[str]]:
    """A fresh store `name` holding `size` runs to search (an `lr` and a `depth` param, a
    `family` tag, two metrics each): the store and the ids of the experiment that holds them."""
    from jupyter_mlops.tracking.entities import Metric
    from jupyter_mlops.tracking.process_client import get_client

    _fresh_store(server, name)
    store = get_client().store
    experiment_id = store.get_or_create_experiment("bench").experiment_id
    now = int(time.time() * 1000)
    for index in range(size):
        run = store.create_run(
            experiment_id,
            params={"lr": random.choice(["0.1", "0.01", "0.001"]), "depth": str(index % 9)},
            tags={"family": random.choice(["trees", "linear"])},
        )
        metrics = [Metric("acc", random.random(), 0, now), Metric("loss", random.random(), 0, now)]
        store.log_batch(run.run_id, metrics=metrics)
    return store, [experiment_id]


def bench_cpu(server: Server, runs: int = 300, size: int = 1_000) -> dict[str, Any]:
    """Issue 20's tracking rows, ours only: CPU and wall ms per run created and per search."""
    import jupyter_mlops as mlops

    load_before = os.getloadavg()
    _fresh_store(server, "cpu_runs")
    params = {f"p{i}": i for i in range(10)}
    for _ in range(20):  # the first runs' one-time work (imports, provenance, git)
        with mlops.start_run(experiment="bench", params=params):
            pass
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(runs):
        with mlops.start_run(experiment="bench", params=params):
            pass
    run_cpu = (time.process_time() - cpu) / runs * 1000
    run_wall = (time.perf_counter() - wall) / runs * 1000

    store, ids = search_store(server, "cpu_search", size)
    server.analyze(os.environ["JUPYTER_MLOPS_DB_URL"])
    param_wall, param_cpu = median_wall_cpu_ms(
        lambda: store.search_runs(ids, "params.lr = '0.1'", max_results=50)
    )
    filtered_wall, filtered_cpu = median_wall_cpu_ms(
        lambda: store.search_runs(ids, FILTER, ORDER, max_results=PAGE)
    )
    all_wall, all_cpu = median_wall_cpu_ms(lambda: store.search_runs(ids, max_results=size))
    return {
        "store": server.name,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "run_cpu_ms": round(run_cpu, 3),
        "run_wall_ms": round(run_wall, 3),
        "param_page_cpu_ms": round(param_cpu, 2),
        "param_page_wall_ms": round(param_wall, 2),
        "filtered_page_cpu_ms": round(filtered_cpu, 2),
        "filtered_page_wall_ms": round(filtered_wall, 2),
        "all_cpu_ms": round(all_cpu, 2),
        "all_wall_ms": round(all_wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=10_000, help="runs in the list to page over")
    parser.add_argument("--mlflow-runs", type=int, default=1_000, help="runs for MLflow's search")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="a PostgreSQL server to measure (SQLAlchemy URL)")
    where.add_argument(
        "--postgres-temp", action="store_true", help="start a throwaway local PostgreSQL"
    )
    parser.add_argument("--cpu", action="store_true", help="issue 20's rows, ours only, as JSON")
    args = parser.parse_args()
    temp_server = None
    url = args.url
    if args.postgres_temp:
        sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH
        from tests.support.postgres import PostgresServer

        temp_server = PostgresServer().start()
        url = temp_server.url("mlops")
    try:
        with tempfile.TemporaryDirectory() as folder:
            server = Server(Path(folder), url)
            if args.cpu:
                try:
                    print(json.dumps(bench_cpu(server)))
                finally:
                    _close_store()
                    server.drop_created()
                return
            try:
                ours, peer, mlflow_version = _bench_both(server, args)
            finally:
                server.drop_created()
    finally:
        if temp_server is not None:
            temp_server.stop()
    _print_table(server.name, ours, peer, mlflow_version)


def _close_store() -> None:
    from jupyter_mlops.core.store import reset_database
    from jupyter_mlops.tracking.process_client import close_client

    close_client()
    reset_database()


def _bench_both(
    server: Server, args: argparse.Namespace
) -> tuple[dict[str, float], dict[str, float], str | None]:
    from jupyter_mlops.core.store import reset_database
    from jupyter_mlops.tracking.process_client import close_client

    try:
        ours = bench_ours(server, args.points, args.runs, args.mlflow_runs)
        try:
            import mlflow
        except ImportError:
            mlflow = None
        peer = bench_mlflow(server, args.points, args.mlflow_runs) if mlflow is not None else {}
    finally:
        close_client()
        reset_database()
    return ours, peer, None if mlflow is None else mlflow.__version__


def _print_table(
    store: str, ours: dict[str, float], peer: dict[str, float], mlflow_version: str | None
) -> None:
    width = max(len(k) for k in ours)
    peer_name = f"MLflow {mlflow_version}" if mlflow_version else "MLflow (not installed)"
    print(f"store: {store}")
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
