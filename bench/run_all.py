"""Every benchmark of issue 20 in one run, beside its peer, as one markdown table.

    .venv/bin/python bench/run_all.py --quick [--out table.md]

Each part runs in its own process (so peaks and imports do not mix) and prints one JSON line of
rows; ours and the peer are measured in the same part, interleaved where the part allows it, so
the ratio is what to compare on a loaded machine. `--quick` uses sizes that finish the whole
run in under 10 minutes on an idle 2-core machine; without it, the issue's sizes. The load
average is printed before and after. The endpoint rows come from `bench/serve.py --json`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_table import load_average, median_wall_cpu_ms, row  # noqa: E402

PARTS = ("notebook", "profile", "tracking", "drift", "endpoint")


def _module(name: str) -> ModuleType:
    # By path: bench/profile.py would shadow the standard library's `profile` on sys.path.
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def part_notebook(quick: bool) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, str(HERE / "notebook_run.py"), "--json",
         "--repeat", "2" if quick else "3"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])["rows"]  # type: ignore[no-any-return]


def part_profile(quick: bool) -> list[dict[str, Any]]:
    profile = _module("profile")

    def measure(task: str, n: int) -> dict[str, Any]:
        # Forked: spawn would look the target up by a module name only this process has.
        import multiprocessing

        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        process = context.Process(target=profile._measure, args=(task, n, queue))
        process.start()
        result: dict[str, Any] = queue.get()
        process.join()
        return result

    n_rows = 200_000 if quick else 1_000_000
    repeat = 1 if quick else 2
    describe = min((measure("describe", n_rows) for _ in range(repeat)),
                   key=lambda r: r["seconds"])  # fmt: skip
    ours = min((measure("profile", n_rows) for _ in range(repeat)),
               key=lambda r: r["seconds"])  # fmt: skip
    peak = ours["peak"] / 2**20
    return [
        row(f"profile {n_rows:,} x 20 mixed (s)", ours["seconds"], describe["seconds"], "s",
            "describe(include='all')", "<= 3x", ours["seconds"] <= 3 * describe["seconds"]),
        row(f"profile {n_rows:,} x 20: peak RSS (MB)", peak, describe["peak"] / 2**20, "MB",
            "describe(include='all')", "< 1,024 MB at 1M rows", peak < 1024),
    ]  # fmt: skip


def part_tracking(quick: bool) -> list[dict[str, Any]]:
    """Runs created/s and search latencies, ours and MLflow's SQLite store, in one process."""
    tracking = _module("tracking")
    size = 1_000
    created = 300 if quick else 2_000
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        server = tracking.Server(Path(folder), None)
        import jupyter_mlops as mlops

        tracking._fresh_store(server, "runs")
        params = {f"p{i}": i for i in range(10)}
        for _ in range(20):  # warm: the first run's one-time work (imports, provenance, git)
            with mlops.start_run(experiment="bench", params=params):
                pass
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(created):
            with mlops.start_run(experiment="bench", params=params):
                pass
        ours_rate = created / (time.perf_counter() - wall)
        ours_cpu_rate = created / (time.process_time() - cpu)

        import mlflow
        from mlflow.tracking import MlflowClient

        uri = server.fresh_url("mlflow")
        mlflow.set_tracking_uri(uri)
        client = MlflowClient(uri)
        experiment = client.create_experiment("bench", artifact_location=f"{folder}/mlflow-a")
        peer_count = 50 if quick else 100
        for _ in range(5):  # warm, as ours
            with mlflow.start_run(experiment_id=experiment):
                mlflow.log_params(params)
        start = time.perf_counter()
        for _ in range(peer_count):
            with mlflow.start_run(experiment_id=experiment):
                mlflow.log_params(params)
        peer_rate = peer_count / (time.perf_counter() - start)
        rows.append(row("runs created/s (start + 10 params + end), wall", ours_rate, peer_rate,
                        "runs/s", "MLflow SQLite", ">= 1,000/s", ours_rate >= 1000))  # fmt: skip
        rows.append(row("runs created/s (start + 10 params + end), per CPU second",
                        ours_cpu_rate, None, "runs/s", "-", ">= 1,000/s",
                        ours_cpu_rate >= 1000))  # fmt: skip

        store, ids = tracking.search_store(server, "search", size)
        param_wall, param_cpu = median_wall_cpu_ms(
            lambda: store.search_runs(ids, "params.lr = '0.1'", max_results=50)
        )
        all_wall, all_cpu = median_wall_cpu_ms(lambda: store.search_runs(ids, max_results=size))
        peer_ids = [client.create_experiment("search")]
        for index in range(200 if quick else size):
            run_id = client.create_run(peer_ids[0]).info.run_id
            client.log_batch(run_id, params=[
                mlflow.entities.Param("lr", random.choice(["0.1", "0.01", "0.001"])),
                mlflow.entities.Param("depth", str(index % 9))])  # fmt: skip
        peer_param, _ = median_wall_cpu_ms(
            lambda: client.search_runs(peer_ids, "params.lr = '0.1'", max_results=50), repeat=3
        )
        peer_all, _ = median_wall_cpu_ms(
            lambda: client.search_runs(peer_ids, max_results=1000), repeat=3
        )
        peer_runs = 200 if quick else size
        rows += [
            row(f"search {size:,} runs: param filter, page of 50 (ms, wall)", param_wall,
                peer_param, "ms", f"MLflow SQLite ({peer_runs} runs)", "< 5 ms", param_wall < 5),
            row(f"search {size:,} runs: param filter (ms, CPU)", param_cpu, None, "ms", "-",
                "< 5 ms", param_cpu < 5),
            row(f"search {size:,} runs: all (ms, wall)", all_wall, peer_all, "ms",
                f"MLflow SQLite ({peer_runs} runs)", "< 50 ms", all_wall < 50),
            row(f"search {size:,} runs: all (ms, CPU)", all_cpu, None, "ms", "-", "< 50 ms",
                all_cpu < 50),
        ]  # fmt: skip
    return rows


def part_drift(quick: bool) -> list[dict[str, Any]]:
    drift = _module("drift")
    n_rows = 200_000 if quick else 1_000_000
    ours = drift.measure("jupyter-mlops", n_rows)
    if ours.get("error"):
        raise RuntimeError(str(ours["error"]))
    evidently = importlib.util.find_spec("evidently") is not None
    peer = drift.measure("evidently", n_rows) if evidently and not quick else None
    seconds = float(ours["seconds"])  # type: ignore[arg-type]
    peer_seconds = float(peer["seconds"]) if peer else None  # type: ignore[arg-type]
    return [
        row(f"drift {n_rows:,} vs {n_rows:,} rows, 20 columns (s)", seconds, peer_seconds, "s",
            "Evidently" if peer else "Evidently (not run: not installed, or --quick)",
            "<= 1/50 of Evidently", bool(peer_seconds and seconds * 50 <= peer_seconds)),
    ]  # fmt: skip


def part_endpoint(quick: bool) -> list[dict[str, Any]]:
    """`bench/serve.py`: ours and `mlflow models serve --env-manager local`, one after the
    other on the same model and load (16 clients)."""
    done = subprocess.run(
        [sys.executable, str(HERE / "serve.py"), "--json", "--concurrency", "16",
         "--requests", "20" if quick else "150"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])["rows"]
    return rows + _deploy_rows(quick)


def _deploy_rows(quick: bool) -> list[dict[str, Any]]:
    """`bench/serve_deploy.py`: deploy -> first 200 through the server's supervisor from its
    warm spare and cold, beside `mlflow models serve`'s start, interleaved, medians."""
    done = subprocess.run(
        [sys.executable, str(HERE / "serve_deploy.py"), "--repeat", "2" if quick else "3"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    starts = json.loads(done.stdout.strip().splitlines()[-1])["deploy_cold_starts"]
    deploy = _module("serve_deploy").NAMES
    mlflow = starts.get(deploy["mlflow"])
    peer = mlflow["cold_start_s"] if mlflow else None
    peer_name = "mlflow models serve --env-manager local" if mlflow else "MLflow (not installed)"
    return [
        row(f"endpoint {label} -> first 200", starts[deploy[way]]["cold_start_s"], peer, "s",
            peer_name, "< 1.5 s", starts[deploy[way]]["cold_start_s"] < 1.5)
        for way, label in (("spare", "deploy from the warm spare"), ("cold", "deploy, cold"))
    ]  # fmt: skip


def run_part(name: str, quick: bool) -> list[dict[str, Any]]:
    """One part in a fresh process; a part that fails gives one row saying so."""
    command = [sys.executable, __file__, "--part", name] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:160]
        return [row(f"{name}: failed ({reason})", float("nan"), None, "", "-", "-", False)]
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def markdown(rows: list[dict[str, Any]]) -> str:
    """The table."""
    lines = ["| work | ours | peer | ours / peer | goal | met? |", "|---|---|---|---|---|---|"]
    for item in rows:
        peer = "-" if item["peer"] is None else f"{item['peer']:,.2f} {item['unit']}"
        ratio = "-" if item["ratio"] is None else f"{item['ratio']:.2f}x"
        lines.append(
            f"| {item['work']} | {item['ours']:,.2f} {item['unit']} | {peer} "
            f"({item['peer_name']}) | {ratio} | {item['goal']} | "
            f"{'yes' if item['met'] else 'no'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=PARTS, default=list(PARTS))
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args()
    if args.part:
        print(json.dumps(globals()[f"part_{args.part}"](args.quick)))
        return
    before, started = load_average(), time.perf_counter()
    rows: list[dict[str, Any]] = []
    for name in args.only:
        rows += run_part(name, args.quick)
    after = load_average()
    text = (
        f"{markdown(rows)}\n\nMachine: {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average before: {before}, after: {after}; "
        f"{time.perf_counter() - started:.0f} s in all{' (--quick)' if args.quick else ''}.\n"
    )
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
