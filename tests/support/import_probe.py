"""Which heavy libraries a fresh process has imported after a server start or `%load_ext`.

Each probe runs in a subprocess (a clean `sys.modules`) and prints a JSON object: the seconds the
step took (wall clock and CPU, the latter steadier on a busy machine) and the heavy top-level
packages it pulled in. Used by the lazy-import test and by
`bench/startup.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("dask", "distributed", "pandas", "sklearn", "plotly", "scipy", "pyarrow", "skops")

_SERVER = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
from jupyter_server.serverapp import ServerApp
app = ServerApp()
app.initialize(argv=[
    "--ServerApp.port=0", "--ServerApp.open_browser=False", "--ServerApp.root_dir=" + sys.argv[1],
    "--ServerApp.jpserver_extensions={'jupyter_mlops': True}", "--allow-root",
])
assert app.web_app.settings.get("mlops_database") is not None, "extension not loaded"
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "heavy": heavy}))
"""

_LOAD_EXT = """
import json, sys, time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
started, cpu = time.perf_counter(), time.process_time()
shell.run_line_magic("load_ext", "jupyter_mlops")
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
assert "mlops" in shell.magics_manager.magics["line"]
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "heavy": heavy}))
"""


def run_probe(kind: str, workdir: Path, source: Path | None = None) -> dict[str, object]:
    """Run the `server` or `load_ext` probe in a fresh interpreter; `source`: another checkout."""
    code = f"HEAVY = {HEAVY!r}\n" + (_SERVER if kind == "server" else _LOAD_EXT)
    env = dict(os.environ)
    env.update(
        JUPYTER_MLOPS_DATA_DIR=str(workdir / "mlops"),
        JUPYTER_CONFIG_DIR=str(workdir / "config"),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
        IPYTHONDIR=str(workdir / "ipython"),
    )
    env.pop("JUPYTER_MLOPS_DB_URL", None)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    workdir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", code, str(workdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=workdir,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} probe failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
