"""Server start and `%load_ext jupyter_mlops` times, and the heavy libraries each imports.

    .venv/bin/python bench/startup.py [--repeat 5] [--source /path/to/other/checkout]

Server start: from spawning `jupyter server` to `GET /mlops/api/health` answering 200.
`%load_ext`: the magic alone, in a fresh interpreter with IPython already imported. Both report
the median of `--repeat` cold runs and which of dask, pandas, scikit-learn, plotly, scipy, pyarrow
or skops the step imported. `--source` measures another checkout of the package (put first on
`PYTHONPATH`), e.g. a `git worktree` of an older commit, for before/after figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.import_probe import run_probe
from tests.support.lab import free_port


def server_start_seconds(workdir: Path, source: Path | None) -> float:
    """Spawn `jupyter server` and time until `/mlops/api/health` answers 200."""
    port, token = free_port(), "bench-token"
    env = dict(os.environ)
    env.update(
        JUPYTER_MLOPS_DATA_DIR=str(workdir / "mlops"),
        JUPYTER_CONFIG_DIR=str(workdir / "config"),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
    )
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    args = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={workdir}",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}/mlops/api/health?token={token}"
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = started + 120
    try:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"jupyter server exited before answering:\n{tail}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("jupyter server did not answer within 120 s")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", type=Path, help="another checkout to measure")
    args = parser.parse_args()
    label = f" ({args.source})" if args.source else ""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        serve = [server_start_seconds(root / f"s{i}", args.source) for i in range(args.repeat)]
        probes = [run_probe("load_ext", root / f"l{i}", args.source) for i in range(args.repeat)]
        servers = [run_probe("server", root / f"p{i}", args.source) for i in range(args.repeat)]

    def median(results: list[dict[str, object]], key: str) -> float:
        return statistics.median(float(str(result[key])) for result in results)

    print(f"server start to /mlops/api/health{label}: median {statistics.median(serve):.2f} s")
    print(
        f"  ServerApp.initialize with the extension: median {median(servers, 'seconds'):.2f} s "
        f"wall, {median(servers, 'cpu_seconds'):.2f} s CPU"
    )
    print(f"  heavy libraries imported by the server start: {servers[0]['heavy'] or 'none'}")
    print(
        f"%load_ext jupyter_mlops{label}: median {median(probes, 'seconds') * 1000:.0f} ms wall, "
        f"{median(probes, 'cpu_seconds') * 1000:.0f} ms CPU"
    )
    print(f"  heavy libraries imported by %load_ext: {probes[0]['heavy'] or 'none'}")


if __name__ == "__main__":
    main()
