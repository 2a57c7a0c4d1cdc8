"""Serving benchmark: `jupyter-mlops serve` beside `mlflow models serve` on the same model.

The model of issue 11: a RandomForestClassifier (50 trees) on 20 numeric features. Each server
runs as its own process on 127.0.0.1; a bounded loopback load generator (asyncio, keep-alive
HTTP/1.1 connections, `--concurrency` clients, `--requests` requests each) posts MLflow
`dataframe_split` payloads of 1 and of 100 rows to `/invocations`. Printed per server and row
count: requests/s, p50 and p99 latency, errors; and per server: cold start (process spawn to
the first 200 from `/ping`) and resident memory after the load (the process tree).

`mlflow models serve --env-manager local` runs when the `mlflow` command can serve models
here (mlflow or mlflow-skinny with its scoring server); otherwise it is skipped with a note.

    .venv/bin/python bench/serve.py
    .venv/bin/python bench/serve.py --concurrency 16 --requests 200 --no-mlflow
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

N_FEATURES = 20
COLUMNS = [f"f{i}" for i in range(N_FEATURES)]
ROUTE = "/invocations"  # bench/serve_profile.py may post to /predict


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def train() -> tuple[object, pd.DataFrame]:
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(5_000, N_FEATURES)), columns=COLUMNS)
    y = ((X["f0"] + X["f1"] * X["f2"] - X["f3"]) > 0).astype(int)
    return RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y), X


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 180) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} not ready in {timeout} s")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def tree_rss_mb(pid: int) -> float:
    import psutil

    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


async def _client(port: int, body: bytes, n: int, latencies: list[float], errors: list[int]):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {ROUTE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    try:
        for _ in range(n):
            started = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            chunked = False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "transfer-encoding" and "chunked" in value:
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if b" 200 " not in status_line:
                errors.append(1)
    finally:
        writer.close()


async def load(port: int, body: bytes, concurrency: int, requests: int) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[int] = []
    # warm-up, not counted
    await asyncio.gather(*(_client(port, body, 3, [], []) for _ in range(concurrency)))
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(port, body, requests, latencies, errors) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "errors": len(errors),
        "n": len(latencies),
    }


def run_server(name: str, command: list[str], env: dict[str, str], port: int, args) -> dict:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    result: dict = {"server": name}
    try:
        result["cold_start_s"] = wait_ready(url, process)
        # CPU of the process tree to the first 200: the work, less bent by a shared machine's
        # load than the wall time (spawned workers each import and load; forks share).
        result["cold_start_cpu_s"] = tree_cpu_s(process.pid)
        print(
            f"{name}: cold start {result['cold_start_s']:.2f} s "
            f"({result['cold_start_cpu_s']:.2f} s CPU)",
            flush=True,
        )
        if args.cold_only:
            return result
        X_rows = _rows()
        for rows in (1, 100):
            body = json.dumps(
                {"dataframe_split": {"columns": COLUMNS, "data": X_rows[:rows]}}
            ).encode()
            cpu = tree_cpu_s(process.pid)
            result[rows] = asyncio.run(load(port, body, args.concurrency, args.requests))
            r = result[rows]
            # warm-up requests included: 3 per client
            r["cpu_ms"] = (tree_cpu_s(process.pid) - cpu) * 1000 / (r["n"] + 3 * args.concurrency)
            print(
                f"{name}: {rows} row(s)/request: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms,"
                f" p99 {r['p99_ms']:.1f} ms, {r['errors']} errors, server CPU "
                f"{r['cpu_ms']:.2f} ms/request",
                flush=True,
            )
        result["rss_mb"] = tree_rss_mb(process.pid)
    except RuntimeError as exc:
        stderr = process.stderr.read().decode()[-1500:] if process.stderr else ""
        result["failed"] = f"{exc}: {stderr}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
    return result


_ROWS: list[list[float]] = []


def _rows() -> list[list[float]]:
    return _ROWS


def report(results: list[dict], args) -> None:
    print(
        f"\nRandomForest 50 trees, {N_FEATURES} features; concurrency {args.concurrency}, "
        f"{args.requests} requests per client; {os.cpu_count()} CPUs shared by clients and server"
    )
    print(
        f"{'server':<22}{'rows/req':>9}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'CPU ms/req':>12}"
    )
    for result in results:
        if "failed" in result:
            print(f"{result['server']:<22} failed: {result['failed']}")
            continue
        for rows in (1, 100):
            r = result[rows]
            print(
                f"{result['server']:<22}{rows:>9}{r['rps']:>10.0f}{r['p50_ms']:>9.1f}"
                f"{r['p99_ms']:>9.1f}{r['errors']:>8}{r['cpu_ms']:>12.2f}"
            )
        print(f"{'':<22}cold start {result['cold_start_s']:.2f} s, RSS {result['rss_mb']:.0f} MB")
    ok = [r for r in results if "failed" not in r]
    if len(ok) == 2:
        for rows in (1, 100):
            ratio = ok[0][rows]["rps"] / ok[1][rows]["rps"]
            print(f"{rows} row(s)/request: jupyter-mlops {ratio:.1f}x mlflow's requests/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=150, help="per client")
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=None, help="default: serve's own (one per core)"
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of rows")
    parser.add_argument(
        "--cold-only",
        type=int,
        default=0,
        metavar="K",
        help="only the cold start, K times per server, interleaved (no load; prints medians)",
    )
    args = parser.parse_args()
    # A timeout's SIGTERM still runs the `finally` blocks that stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    model, X = train()
    _ROWS.extend(X.iloc[:100].to_numpy().tolist())
    scratch = Path(tempfile.mkdtemp(prefix="mlops-bench-serve-"))
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(scratch / "data")}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    # mlflow starts `uvicorn` through the shell: the venv's bin must be on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    os.environ.update(JUPYTER_MLOPS_DATA_DIR=env["JUPYTER_MLOPS_DATA_DIR"])
    os.environ.pop("JUPYTER_MLOPS_DB_URL", None)
    import jupyter_mlops as mlops

    mlops.register_model(model, "bench-rf", X=X)
    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    if args.cold_only:
        cold_starts(model, scratch, env, args)
        print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
        shutil.rmtree(scratch, ignore_errors=True)
        return
    results = []
    port = free_port()
    command = serve_command(port, args.workers)
    results.append(run_server("jupyter-mlops serve", command, env, port, args))
    mlflow_cli = shutil.which("mlflow") or str(Path(sys.executable).parent / "mlflow")
    if args.no_mlflow:
        print("mlflow: skipped (--no-mlflow)")
    elif not Path(mlflow_cli).exists():
        print("mlflow: not installed, comparison skipped")
    else:
        try:
            import mlflow.sklearn

            model_dir = scratch / "mlflow-model"
            mlflow.sklearn.save_model(model, str(model_dir), serialization_format="cloudpickle")
        except Exception as exc:  # an mlflow without the sklearn flavour
            print(f"mlflow: cannot save the model ({exc}); comparison skipped")
        else:
            port = free_port()
            command = mlflow_serve(model_dir, port)
            results.append(run_server("mlflow models serve", command, env, port, args))
    report(results, args)
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    if args.json:
        print(json.dumps({"rows": table_rows(results)}))
    shutil.rmtree(scratch, ignore_errors=True)


def serve_command(port: int, workers: int | None) -> list[str]:
    """`jupyter-mlops serve` of the benchmark's model on `port`."""
    return [sys.executable, "-m", "jupyter_mlops.cli", "serve", "bench-rf/1", "--port", str(port),
            *(["--workers", str(workers)] if workers else []), "--no-request-log"]  # fmt: skip


def mlflow_serve(model_dir: Path, port: int) -> list[str]:
    """`mlflow models serve --env-manager local` of the saved model on `port`."""
    mlflow_cli = shutil.which("mlflow") or str(Path(sys.executable).parent / "mlflow")
    return [mlflow_cli, "models", "serve", "-m", str(model_dir), "--env-manager", "local",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]  # fmt: skip


def cold_starts(model: object, scratch: Path, env: dict[str, str], args) -> None:
    """`--cold-only K`: serve with 1 worker, with `--workers` (default: serve's own) and MLflow,
    interleaved K times; one line of medians (wall and CPU seconds) per server."""
    import statistics

    servers = {
        "serve --workers 1": lambda port: serve_command(port, 1),
        f"serve --workers {args.workers or 'default'}": (
            lambda port: serve_command(port, args.workers)
        ),
    }
    if not args.no_mlflow:
        import mlflow.sklearn

        model_dir = scratch / "mlflow-model"
        mlflow.sklearn.save_model(model, str(model_dir), serialization_format="cloudpickle")
        servers["mlflow models serve"] = lambda port: mlflow_serve(model_dir, port)
    seen: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
    for _ in range(args.cold_only):
        for name, command in servers.items():
            port = free_port()
            result = run_server(name, command(port), env, port, args)
            if "failed" in result:
                print(f"{name}: failed: {result['failed']}", flush=True)
                continue
            seen[name].append((result["cold_start_s"], result["cold_start_cpu_s"]))
    summary = {
        name: {"cold_start_s": statistics.median(w for w, _ in runs),
               "cold_start_cpu_s": statistics.median(c for _, c in runs), "n": len(runs)}
        for name, runs in seen.items() if runs
    }  # fmt: skip
    for name, figures in summary.items():
        print(f"{name}: median cold start {figures['cold_start_s']:.2f} s, "
              f"{figures['cold_start_cpu_s']:.2f} s CPU ({figures['n']} runs)")  # fmt: skip
    if args.json:
        print(json.dumps({"cold_starts": summary, "load_average": os.getloadavg()[0]}))


def table_rows(results: list[dict]) -> list[dict]:
    """`run_all.py`'s rows: cold start and requests/s at 1 and 100 rows, beside MLflow's."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_table import row

    ours = results[0]
    if "failed" in ours:
        return [row(f"endpoint: failed ({ours['failed'][:120]})", float("nan"), None, "",
                    "-", "-", False)]  # fmt: skip
    peer = results[1] if len(results) > 1 and "failed" not in results[1] else None
    name = "mlflow models serve --env-manager local" if peer else "MLflow (not run)"
    rows = [row("endpoint cold start (spawn -> first 200)", ours["cold_start_s"],
                peer["cold_start_s"] if peer else None, "s", name, "< 1.5 s",
                ours["cold_start_s"] < 1.5)]  # fmt: skip
    for count, goal, times in ((1, ">= 20x MLflow, p99 < 25 ms", 20),
                               (100, ">= 10x MLflow, p99 < 100 ms", 10)):  # fmt: skip
        mine, theirs = ours[count], peer[count] if peer else None
        rows.append(row(f"endpoint, {count} row(s)/request, req/s (p99 {mine['p99_ms']:.0f} ms)",
                        mine["rps"], theirs["rps"] if theirs else None, "req/s", name, goal,
                        bool(theirs) and mine["rps"] >= times * theirs["rps"]
                        and mine["p99_ms"] < (25 if count == 1 else 100)))  # fmt: skip
        rows.append(row(f"endpoint, {count} row(s)/request: server CPU per request",
                        mine["cpu_ms"], theirs["cpu_ms"] if theirs else None, "ms", name,
                        "-", True))  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
