"""The server start and `%load_ext jupyter_mlops` import no heavy library (dask, pandas,
scikit-learn, plotly, scipy, pyarrow, skops) until a feature needs it. Each check runs in a
fresh interpreter (`tests/support/import_probe.py`), so what other tests imported does not count.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jupyter_mlops.capabilities import installed_capabilities

from ..support.import_probe import HEAVY, run_probe


def _culprits() -> list[str]:
    """Which capability's handlers module pulls which heavy library (for the failure message)."""
    found = []
    for capability in installed_capabilities():
        code = (
            "import importlib, importlib.util, sys\n"
            f"name = {capability.module!r}\n"
            "if importlib.util.find_spec(name) is not None: importlib.import_module(name)\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        heavy = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
        if heavy != "[]":
            found.append(f"{capability.module}: {heavy}")
    return found


def test_server_start_imports_no_heavy_library(tmp_path: Path) -> None:
    result = run_probe("server", tmp_path)
    assert result["heavy"] == [], f"server start imported {result['heavy']}: {_culprits()}"


def test_load_ext_imports_no_heavy_library(tmp_path: Path) -> None:
    result = run_probe("load_ext", tmp_path)
    assert result["heavy"] == [], f"%load_ext jupyter_mlops imported {result['heavy']}"
