"""`%mlops schedule` and `%mlops run` in IPython (no server: the store directly)."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.server_link import SERVER_URL_ENV
from jupyter_mlops.core.store import get_database
from jupyter_mlops.jobs.store import JobStore
from tests.support.ipython import ipython_shell
from tests.support.jobs import outputs_text, write_notebook


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.delenv(SERVER_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "daily.ipynb", "day = '2026-01-01'\nboost: float = 1.0",
                   "print('day', day, boost * 2)")  # fmt: skip
    return ipython_shell()


def test_schedule_makes_a_job_with_typed_parameters(shell, capsys):
    job = shell.run_line_magic(
        "mlops", 'schedule daily.ipynb --cron "0 6 * * *" --timezone Europe/Paris -p boost=2.5'
    )
    assert "daily" in capsys.readouterr().out
    stored = JobStore(get_database()).get_job(job.job_id)
    assert stored.schedule == "0 6 * * *" and stored.timezone == "Europe/Paris"
    assert stored.parameters == {"boost": 2.5}
    with pytest.raises(MLOpsError) as error:
        shell.run_line_magic("mlops", "schedule daily.ipynb -p day=someday")
    assert error.value.field == "parameters.day"
    with pytest.raises(UsageError):
        shell.run_line_magic("mlops", "schedule")


def test_run_executes_a_notebook_now(shell, capsys):
    run = shell.run_line_magic("mlops", "run daily.ipynb -p day=2026-05-06 -p boost=4")
    assert "succeeded" in capsys.readouterr().out
    assert "day 2026-05-06 8.0" in outputs_text(run.outputs["ipynb"])
