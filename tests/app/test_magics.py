"""`%load_ext jupyter_mlops` and the `%mlops` line magic, in a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from tests.support.ipython import ipython_shell


@pytest.fixture(scope="module")
def shell():
    return ipython_shell()


def test_status_prints_the_health(shell, capsys, mlops_store):
    shell.run_line_magic("mlops", "status")
    out = capsys.readouterr().out
    assert "jupyter-mlops" in out
    assert str(mlops_store / "mlops.db") in out
    assert "up to date" in out


def test_help_lists_the_subcommands(shell, capsys):
    shell.run_line_magic("mlops", "--help")
    out = capsys.readouterr().out
    assert "status" in out
    assert "usage: %mlops" in out


def test_wrong_subcommand_is_a_one_line_usage_error(shell):
    with pytest.raises(UsageError) as info:
        shell.run_line_magic("mlops", "frobnicate")
    message = str(info.value)
    assert "\n" not in message
    assert "invalid choice" in message


def test_unbalanced_quotes_are_a_usage_error(shell):
    with pytest.raises(UsageError):
        shell.run_line_magic("mlops", 'status "oops')


def test_mlops_error_renders_as_one_line():
    from jupyter_mlops.core.errors import MLOpsError

    error = MLOpsError("bad things", field="lr")
    assert error._render_traceback_() == ["MLOpsError (lr): bad things"]


def test_cli_and_magic_status_are_one_subcommand(shell, capsys, mlops_store):
    from jupyter_mlops import __version__
    from jupyter_mlops.cli import main
    from jupyter_mlops.health.commands import STATUS

    assert main(["status"]) == 0
    cli_out = capsys.readouterr().out
    shell.run_line_magic("mlops", "status")
    magic_out = capsys.readouterr().out
    assert cli_out == magic_out
    assert cli_out.startswith(f"jupyter-mlops {__version__}")
    assert STATUS.name == "status"
