"""`%%track`, `%mlops runs` and `%mlops compare` in a real IPython shell."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from IPython.core.error import UsageError

import jupyter_mlops as mlops
from jupyter_mlops.tracking.magics import TrackedCellFailed
from tests.support.ipython import ipython_shell

TRAINING_CELL = """
import jupyter_mlops as mlops
for step in range(5):
    mlops.log_metric("loss", LOSS / (step + 1), step=step)
mlops.log_metric("acc", ACC)
"""


@pytest.fixture(scope="module")
def shell():
    return ipython_shell()


@pytest.fixture(autouse=True)
def no_active_runs():
    yield
    while mlops.active_run() is not None:
        mlops.end_run()


def _track(shell, line, loss=1.0, acc=0.9):
    shell.user_ns.update(LOSS=loss, ACC=acc)
    shell.run_cell_magic("track", line, TRAINING_CELL)


def test_track_runs_the_cell_in_a_new_run_with_its_provenance(shell, capsys):
    _track(shell, "-e magic -n first -p lr=0.1 depth=3 -t team=a -p opt=adam")
    out = capsys.readouterr().out
    assert "run first (" in out and "FINISHED" in out and "experiment magic" in out
    runs = mlops.search_runs("magic", output_format="list")
    assert len(runs) == 1
    run = runs[0]
    assert run.status == "FINISHED" and run.name == "first"
    assert run.params == {"depth": "3", "lr": "0.1", "opt": "adam"}
    assert run.tags == {"mlops.source": "%%track", "team": "a"}
    assert run.metrics["acc"] == 0.9 and run.metrics["loss"] == 0.2
    assert run.cell_source is not None
    assert run.cell_source.startswith("%%track -e magic -n first")
    assert 'mlops.log_metric("acc", ACC)' in run.cell_source
    assert run.environment["kernel"] == "ipython"
    assert run.git_commit is None or len(run.git_commit) == 40


def test_rerunning_the_cell_makes_a_new_run(shell):
    _track(shell, "-e again")
    _track(shell, "-e again")
    assert len(mlops.search_runs("again")) == 2


def test_a_failing_cell_fails_its_run_and_the_cell(shell):
    with pytest.raises(TrackedCellFailed) as error:
        shell.run_cell_magic("track", "-e failing", "x = 1\nraise ValueError('bad data')")
    assert "FAILED" in str(error.value) and "bad data" in str(error.value)
    run = mlops.search_runs("failing", output_format="list")[0]
    assert run.status == "FAILED"
    assert run.error is not None and "ValueError: bad data" in run.error


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("-p lr", "not key=value"),
        ("-p =1", "not key=value"),
        ("--bogus", "unrecognized arguments"),
        ("-e", "expected one argument"),
        ('-n "unclosed', "No closing quotation"),
        ("-t 'bad\nkey=1'", "invalid tag key"),
    ],
)
def test_bad_arguments_are_one_line_and_do_not_run_the_cell(shell, line, says):
    shell.user_ns["ran"] = False
    with pytest.raises(UsageError) as error:
        shell.run_cell_magic("track", line, "ran = True")
    assert says in str(error.value)
    assert "\n" not in str(error.value)
    assert shell.user_ns["ran"] is False
    assert mlops.search_runs().empty


def test_autolog_is_on_in_track_cells_unless_disabled(shell):
    cell = (
        "from sklearn.linear_model import LinearRegression\n"
        "LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])\n"
    )
    shell.run_cell_magic("track", "-e auto", cell)
    shell.run_cell_magic("track", "-e manual --no-autolog", cell)
    logged = mlops.search_runs("auto", output_format="list")[0]
    assert logged.tags.get("mlops.autolog") == "sklearn"
    assert logged.metrics["training_score"] == pytest.approx(1.0)
    plain = mlops.search_runs("manual", output_format="list")[0]
    assert "mlops.autolog" not in plain.tags and plain.metrics == {}
    # Outside %%track, autologging stays off.
    shell.run_cell(cell)
    assert len(mlops.search_runs()) == 2


def test_mlops_runs_shows_a_table(shell, capsys):
    _track(shell, "-e table -n low", acc=0.5)
    _track(shell, "-e table -n high", acc=0.95)
    table = shell.run_line_magic("mlops", "runs -e table -o 'metrics.acc DESC'")
    assert isinstance(table, pd.DataFrame)
    assert table["run_name"].tolist() == ["high", "low"]
    assert {"status", "duration_s", "metrics.acc"} <= set(table.columns)
    filtered = shell.run_line_magic("mlops", "runs -e table --filter 'metrics.acc > 0.9'")
    assert filtered["run_name"].tolist() == ["high"]
    assert shell.run_line_magic("mlops", "runs --filter 'metrics.acc > 2'") is None
    assert "no runs" in capsys.readouterr().out


def test_mlops_runs_bad_filter_is_one_line(shell):
    from jupyter_mlops.core.errors import MLOpsError

    with pytest.raises(MLOpsError) as error:
        shell.run_line_magic("mlops", "runs --filter 'metrics.acc >> 1'")
    assert error.value._render_traceback_()[0].startswith("MLOpsError (filter)")
    with pytest.raises(UsageError):
        shell.run_line_magic("mlops", "runs --max zero")


def test_mlops_compare_charts_the_runs_metrics(shell):
    _track(shell, "-e cmp -n a", loss=1.0, acc=0.8)
    _track(shell, "-e cmp -n b", loss=2.0, acc=0.9)
    ids = mlops.search_runs("cmp")["run_id"].tolist()
    figure = shell.run_line_magic("mlops", "compare " + " ".join(i[:8] for i in ids))
    assert isinstance(figure, go.Figure)
    titles = [a.text for a in figure.layout.annotations]
    assert titles == ["loss", "final values"]
    lines = [t for t in figure.data if t.type == "scatter"]
    assert sorted(len(t.y) for t in lines) == [5, 5]
    bars = [t for t in figure.data if t.type == "bar"]
    assert sorted(b.y[0] for b in bars) == [0.8, 0.9]
    with pytest.raises(UsageError):
        shell.run_line_magic("mlops", "compare")
    from jupyter_mlops.core.errors import MLOpsError

    with pytest.raises(MLOpsError):
        shell.run_line_magic("mlops", "compare deadbeef")


def test_no_autolog_wins_over_a_global_autolog(shell):
    cell = (
        "from sklearn.linear_model import LinearRegression\n"
        "LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])\n"
    )
    mlops.autolog()
    try:
        shell.run_cell_magic("track", "-e quiet --no-autolog", cell)
    finally:
        mlops.autolog(disable=True)
    runs = mlops.search_runs(output_format="list")
    assert [r.name for r in runs if "mlops.autolog" in r.tags] == []
    assert len(runs) == 1


def test_track_help_does_not_run_the_cell(shell, capsys):
    shell.user_ns["ran"] = False
    shell.run_cell_magic("track", "--help", "ran = True")
    assert "usage: %%track" in capsys.readouterr().out
    assert shell.user_ns["ran"] is False
