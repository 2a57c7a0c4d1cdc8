"""One definition per command: `%mlops` and `jupyter-mlops` accept the same arguments, and bad
input is one line in both (a `UsageError` in the notebook; stderr and exit status 2 in a shell).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from jupyter_mlops.cli import build_parser, main
from jupyter_mlops.core.server_link import SERVER_URL_ENV
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.subcommands import SubcommandRegistry
from jupyter_mlops.jobs import magics as jobs_magics
from jupyter_mlops.jobs.store import JobStore
from tests.support.ipython import ipython_shell
from tests.support.jobs import write_notebook


def _subparser(parser: argparse.ArgumentParser, *path: str) -> argparse.ArgumentParser:
    for name in path:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def _arguments(parser: argparse.ArgumentParser) -> dict[str, tuple[object, ...]]:
    """Each argument's spelling and meaning (help text aside)."""
    return {
        "/".join(a.option_strings) or a.dest: (a.dest, a.choices, a.default, a.nargs, a.type)
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction)
    }


@pytest.fixture
def magic_parser() -> argparse.ArgumentParser:
    registry = SubcommandRegistry()
    jobs_magics.register(registry, None)
    return registry.parser()


def test_schedule_and_jobs_create_take_the_same_arguments(magic_parser):
    schedule = _arguments(_subparser(magic_parser, "schedule"))
    create = _arguments(_subparser(build_parser(), "jobs", "create"))
    assert schedule == create
    assert "--missed" in schedule


def test_run_takes_the_same_arguments_in_both(magic_parser):
    assert _arguments(_subparser(magic_parser, "run")) == _arguments(
        _subparser(build_parser(), "run")
    )


@pytest.fixture
def notebook_dir(tmp_path, monkeypatch, mlops_store):
    monkeypatch.delenv(SERVER_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "daily.ipynb", "boost: float = 1.0", "print(boost)")
    return tmp_path


def test_the_magic_accepts_missed(notebook_dir, capsys):
    shell = ipython_shell()
    job = shell.run_line_magic("mlops", 'schedule daily.ipynb --cron "0 6 * * *" --missed catch_up')
    assert "daily" in capsys.readouterr().out
    assert JobStore(get_database()).get_job(job.job_id).missed_policy == "catch_up"


def test_the_cli_accepts_missed(notebook_dir, capsys):
    assert main(["jobs", "create", "daily.ipynb", "--missed", "catch_up"]) == 0
    job_id = capsys.readouterr().out.strip()
    assert JobStore(get_database()).get_job(job_id).missed_policy == "catch_up"


BAD = [
    (["schedule", "daily.ipynb", "--missed", "never"], ["jobs", "create", "daily.ipynb",
     "--missed", "never"], "invalid choice: 'never'"),
    (["run", "daily.ipynb", "--frobnicate"], ["run", "daily.ipynb", "--frobnicate"],
     "unrecognized arguments: --frobnicate"),
    (["schedule", "daily.ipynb", "--retries", "many"], ["jobs", "create", "daily.ipynb",
     "--retries", "many"], "invalid int value: 'many'"),
]  # fmt: skip


@pytest.mark.parametrize(("magic", "cli", "says"), BAD)
def test_bad_arguments_are_one_line_in_the_magic(notebook_dir, magic, cli, says):
    shell = ipython_shell()
    with pytest.raises(UsageError) as info:
        shell.run_line_magic("mlops", " ".join(magic))
    assert "\n" not in str(info.value) and says in str(info.value)
    assert str(info.value).startswith("%mlops")


@pytest.mark.parametrize(("magic", "cli", "says"), BAD)
def test_bad_arguments_are_one_line_and_status_2_on_the_cli(notebook_dir, capsys, magic, cli, says):
    with pytest.raises(SystemExit) as info:
        main(cli)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err
    assert err.startswith("jupyter-mlops")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["serve"], "jupyter-mlops serve: give one of MODEL or --model-dir"),
        (["serve", "m", "--request-log-rows", "1"], "--request-log-rows: must be at least 2"),
        (["export", "m"], "jupyter-mlops export: give --docker DIR and/or --kubernetes DIR"),
        (["monitors"], "the following arguments are required: ACTION"),
        (["db", "upgrade", "--nope"], "unrecognized arguments: --nope"),
    ],
)
def test_checks_beyond_argparse_are_usage_errors_too(
    mlops_store: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    status: int | str | None  # SystemExit.code
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and says in err
