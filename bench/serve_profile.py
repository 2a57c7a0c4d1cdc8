"""Where an endpoint worker's time goes under load: py-spy samples `jupyter-mlops serve` (one
worker, `bench/serve.py`'s RandomForest) while 16 clients post 100-row (or `--rows`) requests,
and prints the share of samples by function (self and inclusive) for the worker's threads.

    .venv/bin/python bench/serve_profile.py [--rows 100] [--route invocations|predict]

Needs `py-spy` on PATH or in the venv (`pip install py-spy`); it attaches to a child of this
process, so no extra privilege is needed where ptrace of children is allowed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import serve as bench_serve  # noqa: E402


def summarise(raw: Path, top: int) -> list[str]:
    """Self and inclusive shares of samples per function, from py-spy's `--format raw`."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
                  for f in stack.split(";")[1:]]  # fmt: skip
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [f"{total} samples (active threads only)", "self:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    lines.append("inclusive:")
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top * 2)]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--route", default="invocations", choices=("invocations", "predict"))
    parser.add_argument("--requests", type=int, default=80, help="per client")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    model, X = bench_serve.train()
    scratch = Path(tempfile.mkdtemp(prefix="mlops-bench-serve-profile-"))
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(scratch / "data")}
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    os.environ.update(JUPYTER_MLOPS_DATA_DIR=env["JUPYTER_MLOPS_DATA_DIR"])
    import jupyter_mlops as mlops

    mlops.register_model(model, "bench-rf", X=X)
    port = bench_serve.free_port()
    command = [sys.executable, "-m", "jupyter_mlops.cli", "serve", "bench-rf/1", "--port",
               str(port), "--workers", "1", "--no-request-log"]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        bench_serve.wait_ready(f"http://127.0.0.1:{port}", server)
        rows = X.iloc[: args.rows].to_numpy().tolist()
        if args.route == "invocations":
            body = {"dataframe_split": {"columns": bench_serve.COLUMNS, "data": rows}}
        else:
            body = {"columns": bench_serve.COLUMNS, "data": rows}
        raw = scratch / "profile.txt"
        spy = subprocess.Popen([py_spy, "record", "--pid", str(server.pid), "--format", "raw",
                                "--rate", "200", "--output", str(raw), "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        time.sleep(1.0)  # py-spy attached
        bench_serve.ROUTE = f"/{args.route}"
        result = asyncio.run(
            bench_serve.load(port, json.dumps(body).encode(), args.concurrency, args.requests)
        )
        spy.send_signal(2)
        spy.wait(60)
        print(f"{args.rows} rows/request to /{args.route}: {result['rps']:.0f} req/s, "
              f"p99 {result['p99_ms']:.0f} ms, {result['errors']} errors")  # fmt: skip
        print("\n".join(summarise(raw, args.top)))
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
