"""The clusters in real kernels (papermill): the example notebook, and a kernel of the server."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.app.test_notebooks import _outputs, _run
from tests.support.clusters import SMALL, api

pytestmark = pytest.mark.capabilities("clusters")


def test_the_dask_cluster_example_runs_on_the_cpu(tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTER_MLOPS_SERVER_URL", raising=False)
    notebook = _run(
        "03_dask_cluster.ipynb", tmp_path, workers=1, threads=1, memory="512MiB",
        processes="--no-processes",
    )  # fmt: skip
    text = _outputs(notebook)
    assert "clusters run in this process" in text
    assert "mean of x + x.T: 1.000" in text
    assert "[running]" in text
    assert "GPU" in text  # either the GPU run or the note that there is none
    assert "Traceback" not in text


def _kernel_notebook(path: Path) -> None:
    cells = [
        new_code_cell("%load_ext jupyter_mlops"),
        new_code_cell("from jupyter_mlops import get_client"),
        new_code_cell("print('panel cluster:', get_client().scheduler.address)"),
        new_code_cell("%mlops cluster start --workers 1 --threads 1 --no-processes --name from-nb"),
    ]
    nbformat.write(new_notebook(cells=cells), path)


async def test_a_kernel_of_the_server_uses_and_adds_to_the_servers_clusters(jp_fetch, tmp_path):
    panel = await api(jp_fetch, method="POST", body=SMALL)  # as the Cluster panel does
    source = tmp_path / "kernel.ipynb"
    _kernel_notebook(source)
    # papermill (its own process) starts a kernel that inherits the environment the server
    # exported; the server answers the kernel's REST calls on this test's loop meanwhile.
    output = tmp_path / "out.ipynb"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "papermill", str(source), str(output), "--kernel", "python3",
        "--cwd", str(tmp_path), "--no-progress-bar", stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ),
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode == 0, err.decode()[-3000:]
    text = _outputs(nbformat.read(output, as_version=4))
    assert f"panel cluster: {panel['scheduler_address']}" in text
    assert "Started on the Jupyter server" in text
    listing = await api(jp_fetch)
    names = {c["name"]: c for c in listing["clusters"]}
    assert names["from-nb"]["status"] == "running"  # the notebook's cluster is the server's
    assert listing["current"] == names["from-nb"]["id"]
    for cluster in listing["clusters"]:
        await api(jp_fetch, cluster["id"], method="DELETE")
