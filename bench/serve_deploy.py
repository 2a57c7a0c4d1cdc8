"""Endpoint cold start through the server's supervisor: deploy -> first 200, with and without
the warm spare, beside `jupyter-mlops serve` run by hand and `mlflow models serve`.

The model of bench/serve.py (a 50-tree RandomForestClassifier on 20 features), one worker each.
Four ways to an answering endpoint, interleaved `--repeat` times, medians printed:

- `serve --workers 1 (CLI)`: spawn -> first 200 from `/ping` (bench/serve.py's cold start);
- `deploy, cold`: `EndpointSupervisor.deploy` with `warm_spare=False` (what the server's
  supervisor did before the spare): the call -> first 200 from `/ping`;
- `deploy, warm spare`: the same with the spare waiting (its imports done; the wait for it is
  not timed, as on a server where deploys are seconds apart). Its CPU counts from the hand-over;
- `mlflow models serve --env-manager local`: spawn -> first 200 from `/ping`.

Each deploy's first prediction (`POST /invocations`, 1 row, with the endpoint's token) is timed
too. Before each measurement the spare (when one is starting) has finished importing, so that
no measurement shares the CPU with it. The supervisor runs here on this script's event loop,
as it does on the Jupyter server's.

    .venv/bin/python bench/serve_deploy.py --repeat 3 [--no-mlflow]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import serve as bench_serve  # noqa: E402

MODEL = "bench-rf/1"
NAMES = {"cli": "serve --workers 1 (CLI)", "cold": "deploy, cold",
         "spare": "deploy, warm spare", "mlflow": "mlflow models serve"}  # fmt: skip


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _get(url: str, token: str | None = None, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


async def _first_200(url: str, token: str | None = None, body: bytes | None = None) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if await asyncio.to_thread(_get, url, token, body) == 200:
                return
        except OSError:
            await asyncio.sleep(0.02)
    raise RuntimeError(f"{url}: no 200 in 180 s")


async def _spare_ready(supervisor: Any, data_dir: Path) -> int | None:
    """Wait until the spare (if one is starting) has printed that its imports are done."""
    from jupyter_mlops.serving.spare import READY_LINE
    from jupyter_mlops.serving.spare_pool import SPARE_LOG

    pid = await supervisor.spares.spare_pid()
    if pid is None:
        return None
    log = data_dir / "serving" / "endpoints" / SPARE_LOG
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if log.exists() and f"{READY_LINE} (pid {pid}," in log.read_text():
            return pid
        await asyncio.sleep(0.05)
    raise RuntimeError(f"spare {pid} not ready in 300 s")


async def _deploy(supervisor: Any, name: str, body: bytes) -> dict[str, float]:
    import psutil

    spare = supervisor.spares.spare
    cpu_before = 0.0
    if spare is not None and spare.returncode is None:
        times = psutil.Process(spare.pid).cpu_times()
        cpu_before = times.user + times.system
    started = time.perf_counter()
    endpoint = await supervisor.deploy(MODEL, name, workers=1)
    await _first_200(f"{endpoint.url}/ping")
    ping_s = time.perf_counter() - started
    cpu_s = bench_serve.tree_cpu_s(endpoint.pid) - (
        cpu_before if spare and spare.pid == endpoint.pid else 0.0
    )
    await _first_200(f"{endpoint.url}/invocations", supervisor.token(name), body)
    predict_s = time.perf_counter() - started
    await supervisor.stop(name)
    return {"cold_start_s": ping_s, "cold_start_cpu_s": cpu_s, "first_prediction_s": predict_s,
            "spare": bool(spare and spare.pid == endpoint.pid)}  # fmt: skip


def _say(name: str, result: dict[str, Any]) -> None:
    line = f"{name}: {result['cold_start_s']:.2f} s ({result['cold_start_cpu_s']:.2f} s CPU)"
    if "first_prediction_s" in result:
        line += f", first prediction {result['first_prediction_s']:.2f} s"
    print(line, flush=True)


def _spawned(name: str, command: list[str], env: dict[str, str], port: int) -> dict[str, Any]:
    args = argparse.Namespace(cold_only=1)
    return bench_serve.run_server(name, command, env, port, args)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from jupyter_mlops.serving.api import get_registry
    from jupyter_mlops.serving.supervisor import EndpointSupervisor

    model, X = bench_serve.train()
    scratch = Path(tempfile.mkdtemp(prefix="mlops-bench-deploy-"))
    data_dir = scratch / "data"
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = str(data_dir)
    os.environ.pop("JUPYTER_MLOPS_DB_URL", None)
    # mlflow starts `uvicorn` through the shell: the venv's bin must be on PATH.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = dict(os.environ)
    import jupyter_mlops as mlops

    mlops.register_model(model, "bench-rf", X=X)
    rows = X.iloc[:1].to_numpy().tolist()
    body = json.dumps({"dataframe_split": {"columns": bench_serve.COLUMNS, "data": rows}}).encode()
    registry = get_registry()
    cold = EndpointSupervisor(registry, data_dir, bench_serve.free_port(), warm_spare=False)
    warm = EndpointSupervisor(registry, data_dir, bench_serve.free_port(), warm_spare=True)
    mlflow_dir = None
    if not args.no_mlflow:
        import mlflow.sklearn

        mlflow_dir = scratch / "mlflow-model"
        mlflow.sklearn.save_model(model, str(mlflow_dir), serialization_format="cloudpickle")
    seen: dict[str, list[dict[str, Any]]] = {}
    try:
        await _deploy(warm, "prime", body)  # the first deploy starts cold and starts the spare
        for repetition in range(args.repeat):
            ways = ["cli", "cold", "spare", "mlflow"] if mlflow_dir else ["cli", "cold", "spare"]
            shift = repetition % len(ways)  # rotate the order: none always runs first
            for way in ways[shift:] + ways[:shift]:
                await _spare_ready(warm, data_dir)
                name = NAMES[way]
                if way in ("cold", "spare"):
                    supervisor = cold if way == "cold" else warm
                    result = await _deploy(supervisor, f"{way}-{repetition}", body)
                    assert result["spare"] == (way == "spare"), result
                else:
                    port = bench_serve.free_port()
                    command = (
                        bench_serve.serve_command(port, 1)
                        if way == "cli"
                        else bench_serve.mlflow_serve(mlflow_dir, port)  # type: ignore[arg-type]
                    )
                    result = await asyncio.to_thread(_spawned, name, command, env, port)
                    if "failed" in result:
                        print(f"{name}: failed: {result['failed']}", flush=True)
                        continue
                if way in ("cold", "spare"):  # run_server printed the others
                    _say(name, result)
                seen.setdefault(name, []).append(result)
    finally:
        await warm.close()
        await cold.close()
        shutil.rmtree(scratch, ignore_errors=True)
    summary: dict[str, Any] = {}
    for name, results in seen.items():
        summary[name] = {
            key: round(statistics.median(r[key] for r in results), 3)
            for key in ("cold_start_s", "cold_start_cpu_s", "first_prediction_s")
            if key in results[0]
        }
        summary[name]["n"] = len(results)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions")
    parser.add_argument("--no-mlflow", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the endpoints
    before = _loadavg()
    print(f"load average before: {before}", flush=True)
    summary = asyncio.run(run(args))
    after = _loadavg()
    for name, figures in summary.items():
        print(f"{name}: median {figures}", flush=True)
    print(f"load average after: {after}", flush=True)
    print(json.dumps({"deploy_cold_starts": summary, "loadavg_before": before,
                      "loadavg_after": after}))  # fmt: skip


if __name__ == "__main__":
    main()
