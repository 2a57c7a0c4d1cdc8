"""`%mlops cluster` in a real IPython shell with no Jupyter server: kernel-local clusters."""

from __future__ import annotations

import time

import pytest
from IPython.core.error import UsageError

from jupyter_mlops.clusters.gpus import list_gpus
from jupyter_mlops.core.errors import MLOpsError
from tests.support.ipython import ipython_shell


@pytest.fixture(scope="module")
def shell():
    return ipython_shell()


@pytest.fixture(autouse=True)
def no_server(monkeypatch):
    monkeypatch.delenv("JUPYTER_MLOPS_SERVER_URL", raising=False)
    monkeypatch.delenv("JUPYTER_MLOPS_SERVER_TOKEN", raising=False)


def _wait_for_workers(count: int) -> None:
    from jupyter_mlops.clusters.client import list_clusters

    deadline = time.monotonic() + 60
    while True:
        current = next(c for c in list_clusters().clusters if c.current)
        if len(current.workers) == count:
            return
        assert time.monotonic() < deadline, current
        time.sleep(0.3)


def test_start_scale_adapt_status_and_stop_without_a_server(shell, capsys):
    shell.run_line_magic(
        "mlops", "cluster start --workers 1 --threads 1 --memory 256MiB --no-processes --name nb"
    )
    captured = capsys.readouterr()
    assert "no Jupyter server started this process" in captured.err
    assert "Started on this process" in captured.out
    assert "nb  [running]  tls://127.0.0.1:" in captured.out
    assert "1 worker, 1 threads" in captured.out

    from jupyter_mlops import get_client

    client = get_client()
    assert client.submit(lambda x: x * 2, 21).result(timeout=30) == 42

    shell.run_line_magic("mlops", "cluster scale 2")
    assert "Scaled" in capsys.readouterr().out
    _wait_for_workers(2)
    shell.run_line_magic("mlops", "cluster scale --adapt 1 2")
    assert "adaptive 1-2" in capsys.readouterr().out

    report = shell.run_line_magic("mlops", "cluster")
    text = repr(report)
    assert "* " in text and "nb  [running]" in text
    assert "dashboard: http://127.0.0.1:" in text
    assert "worker  threads" in text
    assert "<table>" in report._repr_html_()

    shell.run_line_magic("mlops", "cluster stop")
    assert "Stopped" in capsys.readouterr().out
    assert "none: start one" in repr(shell.run_line_magic("mlops", "cluster status"))


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("cluster start --threads 0", "threads"),
        ("cluster start --workers -1", "workers"),
        ("cluster start --memory lots", "memory"),
        ("cluster start --adapt 3 1", "adapt.minimum"),
        ("cluster connect localhost:8786", "address"),
        ("cluster connect tcp://127.0.0.1:9", "address"),
        ("cluster connect http://127.0.0.1:8787", "address"),
        ("cluster connect tcp://127.0.0.1:9 --dashboard file:///etc", "dashboard"),
        ("cluster start --workers 100000", "workers"),
        ("cluster start --adapt 0 100000", "adapt.maximum"),
        ("cluster scale 2", "cluster"),
    ],
)
def test_bad_input_is_a_one_line_error_naming_the_field(shell, line, field):
    with pytest.raises(MLOpsError) as error:
        shell.run_line_magic("mlops", line)
    assert error.value.field == field
    assert "\n" not in error.value._render_traceback_()[0]


def test_gpus_without_a_gpu_says_none_were_found(shell):
    if list_gpus():
        pytest.skip("this machine has an NVIDIA GPU")
    with pytest.raises(MLOpsError) as error:
        shell.run_line_magic("mlops", "cluster start --gpus all")
    assert error.value.field == "gpus"
    assert "no NVIDIA GPU was found" in error.value.message


@pytest.mark.parametrize(
    "line",
    ["cluster start --gpus many", "cluster scale", "cluster scale 2 --adapt 1 2", "cluster frob"],
)
def test_malformed_lines_are_usage_errors(shell, line):
    with pytest.raises(UsageError) as error:
        shell.run_line_magic("mlops", line)
    assert "\n" not in str(error.value)


def test_stopping_clusters_in_the_order_they_started_leaves_dask_usable(shell):
    import dask
    import dask.array as da

    from jupyter_mlops.clusters.client import get_client, start_cluster, stop_cluster
    from jupyter_mlops.clusters.entities import ClusterInfo

    def small(name: str) -> ClusterInfo:
        return start_cluster(name=name, workers=1, threads=1, memory="256MiB", processes=False)

    first = small("first")
    get_client(first.id)
    second = small("second")
    get_client(second.id)
    stop_cluster(first.id)
    stop_cluster(second.id)
    assert dask.config.get("scheduler", None) is None
    assert int(da.ones(10, chunks=5).sum().compute()) == 10
