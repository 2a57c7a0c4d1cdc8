"""Cost of an S3 artifact root beside the local folder, for artifact-heavy work.

Two measurements, each with the artifact root on the local data folder and on S3 (moto's
standalone server on a loopback port, started here, or `--endpoint-url` of a real one with
`AWS_*` keys in the environment):

- log 1,000 small artifacts (`mlops.log_text`, 200 bytes each) in one run;
- register a ~50 MB model (a LinearRegression with 655,360 targets x 10 features: `coef_` is
  52 MB) from its run, then load it from the registry in a fresh data folder (so an S3 load
  downloads, checks the hash and deserialises).

Each case runs in its own process, one after the other, SQLite store. Wall seconds, median of
`--repeat`. moto on loopback has no network latency or bandwidth limit: a real bucket adds
per-request latency (tens of ms) to every small artifact.

    .venv/bin/python bench/artifacts_s3.py
    .venv/bin/python bench/artifacts_s3.py --repeat 3 --small 1000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _case(kind: str, small: int) -> dict[str, float]:
    """Run in a child process: the environment names the store and the artifact root."""
    import numpy as np
    from sklearn.linear_model import LinearRegression

    import jupyter_mlops as mlops
    from jupyter_mlops.core.store import reset_database

    if kind == "small":
        started = time.perf_counter()
        with mlops.start_run(experiment="bench-small"):
            for i in range(small):
                mlops.log_text("x" * 200, f"files/{i:04d}.txt")
        return {"log_small_s": time.perf_counter() - started}
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 10))
    model = LinearRegression().fit(X, rng.normal(size=(12, 655_360)))
    import pandas as pd

    frame = pd.DataFrame(X[:2], columns=[f"f{i}" for i in range(X.shape[1])])
    started = time.perf_counter()
    with mlops.start_run(experiment="bench-model") as run:
        mlops.log_model(model, "model", input_example=frame)
    logged = time.perf_counter()
    mlops.register_model(f"runs:/{run.run_id}/model", "bench-50mb")
    registered = time.perf_counter()
    # Load as another machine would: an empty data folder (no cache), same store and root.
    os.environ["JUPYTER_MLOPS_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-load-")
    reset_database()
    mlops.load_model("models:/bench-50mb/1")
    loaded = time.perf_counter()
    return {
        "log_model_s": logged - started,
        "register_s": registered - logged,
        "load_s": loaded - registered,
    }


def _run(kind: str, root: str | None, env: dict[str, str], small: int) -> dict[str, float]:
    data = tempfile.mkdtemp(prefix="bench-art-")
    child_env = {**os.environ, **env, "JUPYTER_MLOPS_DATA_DIR": data}
    child_env["JUPYTER_MLOPS_DB_URL"] = f"sqlite:///{data}/mlops.db"
    child_env.pop("JUPYTER_MLOPS_ARTIFACT_ROOT", None)
    if root:
        child_env["JUPYTER_MLOPS_ARTIFACT_ROOT"] = root
    code = (
        f"import sys, json; sys.path.insert(0, {str(ROOT)!r}); "
        f"from bench.artifacts_s3 import _case; print(json.dumps(_case({kind!r}, {small})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=child_env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Measure and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--endpoint-url", help="A real S3-compatible server (default: moto).")
    parser.add_argument("--bucket", help="An existing bucket on --endpoint-url.")
    args = parser.parse_args()
    server = None
    if args.endpoint_url:
        env = {"AWS_ENDPOINT_URL": args.endpoint_url}
        bucket = args.bucket
    else:
        from tests.support.s3 import MotoServer

        server = MotoServer().start()
        env = server.environment()
        bucket = None
    try:
        results: dict[str, dict[str, list[float]]] = {"local": {}, "s3": {}}
        for _ in range(args.repeat):
            for where in ("local", "s3"):
                if where == "s3" and server is not None:
                    bucket = server.create_bucket()
                root = f"s3://{bucket}/bench" if where == "s3" else None
                for kind in ("small", "model"):
                    for key, value in _run(kind, root, env if root else {}, args.small).items():
                        results[where].setdefault(key, []).append(value)
    finally:
        if server is not None:
            server.stop()
    load = os.getloadavg()[0]
    print(f"load average {load:.1f}, {os.cpu_count()} cores, repeat {args.repeat}\n")
    print("| step | local folder (s) | S3, moto on loopback (s) | ratio |")
    print("|---|---:|---:|---:|")
    labels = {
        "log_small_s": f"log {args.small} small artifacts",
        "log_model_s": "log_model, 50 MB",
        "register_s": "register from the run",
        "load_s": "load in a fresh data folder",
    }
    for key, label in labels.items():
        local = statistics.median(results["local"][key])
        remote = statistics.median(results["s3"][key])
        print(f"| {label} | {local:.2f} | {remote:.2f} | {remote / local:.1f}x |")


if __name__ == "__main__":
    main()
