"""`mlops.schedule` in a kernel of a Lab goes through the server's REST API (the exported
server link), so the job lands in the server's store, under its root, and errors come back
naming the field."""

from __future__ import annotations

import pytest

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.server_link import SERVER_TOKEN_ENV, SERVER_URL_ENV, ServerLink
from tests.support.jobs import write_notebook
from tests.support.lab import LabServer


def test_schedule_from_a_kernel_goes_through_the_server(tmp_path, monkeypatch):
    root = tmp_path / "root"
    notebook = write_notebook(root / "reports" / "daily.ipynb", "limit: int = 1", "print(limit)")
    outside = write_notebook(tmp_path / "elsewhere.ipynb", "limit: int = 1", "print(limit)")
    (tmp_path / "home").mkdir()
    lab = LabServer(root, tmp_path / "home", ui=False).start()
    try:
        monkeypatch.setenv(SERVER_URL_ENV, lab.url + "/")
        monkeypatch.setenv(SERVER_TOKEN_ENV, lab.token)
        job = mlops.schedule(notebook, "0 4 * * *", {"limit": 5}, name="daily report")
        assert isinstance(job, dict)  # the REST API's answer, not a store `Job`
        assert job["notebook_path"] == "reports/daily.ipynb"
        assert job["schedule_description"] == "every day at 04:00 (UTC)"
        link = ServerLink.from_environment()
        assert link is not None
        listed = link.request("GET", "jobs")["jobs"]
        assert [(j["name"], j["parameters"]) for j in listed] == [("daily report", {"limit": 5})]
        with pytest.raises(MLOpsError) as bad_value:
            mlops.schedule(notebook, "0 4 * * *", {"limit": "five"})
        assert bad_value.value.field == "parameters.limit"
        with pytest.raises(MLOpsError) as escaped:
            mlops.schedule(outside, "0 4 * * *")
        assert escaped.value.field == "notebook_path" and escaped.value.code.value == "forbidden"
    finally:
        lab.stop()
