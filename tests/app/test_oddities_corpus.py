"""The 5xx and silent oddities a second probe of a running server found (issue 17, section 4),
kept as a corpus next to `test_rest_corpus.py`: each input must be a 4xx naming what was wrong
(or, for the Python API, a clear error or a working answer), never a 5xx or a raw SQL text."""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.utils import url_path_join

from jupyter_mlops.tracking.capability import TRACKING

from ..support.tracking_rest import make_run

LONG = "z" * 300  # one segment past the 255 bytes file systems allow

# What the `call` fixture returns: a request's (status, JSON body or None), a pair the checker
# knows, so that `_bad_request(*await call(...), field)` is checked as three arguments.
Call = Callable[..., Awaitable[tuple[int, Any]]]


@pytest.fixture
def call(http_server_client: Any, jp_base_url: str, jp_serverapp: Any) -> Call:
    """`call(verb, "runs?x=y", body=...)` -> (status, JSON body or None), authenticated."""
    token = jp_serverapp.identity_provider.token

    async def fetch(verb: str, path: str, body: Any = None) -> tuple[int, Any]:
        raw = None if body is None else json.dumps(body).encode()
        if raw is None and verb in ("POST", "PATCH", "PUT"):
            raw = b"{}"
        response = await http_server_client.fetch(
            url_path_join(jp_base_url, "mlops/api", path), method=verb, body=raw,
            headers={"Authorization": f"token {token}"}, raise_error=False,
            allow_nonstandard_methods=True,
        )  # fmt: skip
        try:
            payload = json.loads(response.body) if response.body else None
        except ValueError:
            payload = None
        return response.code, payload

    return fetch


def _bad_request(status: int, body: Any, field: str) -> dict[str, Any]:
    assert status == 400, (status, body)
    assert body["error"] == "bad_request", body
    assert body["field"] == field, body
    return dict(body)


# --- a path segment longer than the file system allows (ENAMETOOLONG) ----------------------


@pytest.fixture
def run_with_artifacts(mlops_app: Any) -> str:
    """A run whose artifact folder exists: the walk reaches the long segment (a run without
    artifacts fails earlier, on its missing folder, with a harmless ENOENT)."""
    store = mlops_app.services.get(TRACKING)
    run_id = make_run(store, "oddities", "with-files")
    store.write_artifact(run_id, "model/weights.txt", b"0.5\n")
    return run_id


@pytest.mark.parametrize(
    "path", [LONG, f"model/{LONG}", f"model/{LONG}/x.txt", "\u00e9" * 200], ids=str.__len__
)
async def test_an_overlong_segment_in_the_artifact_routes_is_a_400_naming_the_path(
    call: Call, run_with_artifacts: str, path: str
) -> None:
    listing = await call("GET", f"runs/{run_with_artifacts}/artifacts?path={path}")
    body = _bad_request(*listing, "path")
    assert path[:20] in body["message"]
    download = await call("GET", f"runs/{run_with_artifacts}/artifacts/{path}")
    _bad_request(*download, "path")
    # The run's real files still answer.
    status, body = await call("GET", f"runs/{run_with_artifacts}/artifacts?path=model")
    assert status == 200 and [f["path"] for f in body["files"]] == ["model/weights.txt"]


async def test_an_overlong_segment_in_the_other_file_routes_is_a_400_too(
    call: Call, jp_root_dir: Path
) -> None:
    """Jobs and profiling resolve paths under the server's root: the same segment, below a
    folder that exists, is a 400 naming the field there as well."""
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir / "sub" / "data.csv").write_text("a\n1\n")
    _bad_request(*await call("POST", "profiles", {"path": f"sub/{LONG}.csv"}), "path")
    _bad_request(*await call("GET", f"job-parameters?path=sub/{LONG}.ipynb"), "path")
    job = {"notebook_path": f"sub/{LONG}.ipynb"}
    _bad_request(*await call("POST", "jobs", job), "notebook_path")


def test_an_overlong_segment_is_refused_when_writing_artifacts_too(mlops_app):
    from jupyter_mlops.core.errors import MLOpsError

    store = mlops_app.services.get(TRACKING)
    run_id = make_run(store, "oddities", "writes")
    with pytest.raises(MLOpsError, match="at most 255 bytes") as error:
        store.write_artifact(run_id, f"a/{LONG}.txt", b"x")
    assert error.value.field == "path"


# --- clusters: a memory size that overflows ------------------------------------------------


@pytest.mark.parametrize("memory", ["1e400", "inf", "-inf", "1e400GB", "nan"])
async def test_a_memory_size_that_overflows_is_a_400_naming_memory(call: Call, memory: str) -> None:
    body = _bad_request(*await call("POST", "clusters", {"memory": memory}), "memory")
    assert memory in body["message"]
    assert (await call("GET", "clusters"))[1]["clusters"] == []


# --- drift: values near the float limit, duplicate column names ----------------------------


def _frame(values: Any, name: str = "x") -> Any:
    import pandas as pd

    return pd.DataFrame({name: values})


@pytest.mark.parametrize("test", ["ks", "wasserstein", "psi"])
def test_drift_on_values_near_the_float_limit_equals_drift_on_the_same_values_scaled(test):
    import numpy as np

    from jupyter_mlops.monitoring.drift import DriftReport, drift

    rng = np.random.default_rng(0)
    reference, current = rng.normal(0, 1, 800), rng.normal(0.3, 1.2, 800)
    scale = 2.0**1020  # a power of two: the scaled values are exact, ~ +-1e307 and beyond
    # No overflow anywhere, not even a warning.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        small = drift(_frame(reference), _frame(current), tests=test)
        huge = drift(_frame(reference * scale), _frame(current * scale), tests=test)
    assert huge["x"].statistic == pytest.approx(small["x"].statistic, rel=1e-12)
    assert huge["x"].drifted == small["x"].drifted
    edges = huge["x"].plot["edges"]
    assert all(np.isfinite(edges)) and edges == sorted(edges)
    assert DriftReport.from_json(huge.to_json()).summary() == huge.summary()


def test_drift_across_the_whole_float_range_is_a_report_not_an_error():
    import numpy as np

    from jupyter_mlops.monitoring.drift import drift

    edge = np.finfo(np.float64).max
    reference = _frame([edge, -edge, 0.0, 5.0] * 10)
    current = _frame([edge * 0.9, -edge * 0.9, 1.0, 2.0] * 10)
    wide, half = _frame(np.linspace(-1, 1, 3000) * edge), _frame(np.linspace(-1, 0, 3000) * edge)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        report = drift(reference, current)
        spread = drift(wide, half)
    json.loads(report.to_json())  # strict JSON: no inf or NaN in statistics or chart bins
    statistic = spread["x"].statistic
    assert spread["x"].test == "wasserstein" and statistic is not None and np.isfinite(statistic)
    assert spread.dataset_drifted
    json.loads(spread.to_json())


@pytest.mark.parametrize("columns", [["a", "a"], [1, "1"]], ids=["same", "same-as-text"])
def test_drift_refuses_duplicate_column_names_with_a_value_error(columns):
    import pandas as pd

    from jupyter_mlops.monitoring.drift import drift

    duplicated = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=columns)
    plain = pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, 4.0]})
    with pytest.raises(ValueError, match=r"duplicate column names: '(a|1)'"):
        drift(duplicated, plain)
    with pytest.raises(ValueError, match="current has duplicate"):
        drift(plain, duplicated)


@pytest.mark.parametrize("trained_on", ["usual", "huge"])
def test_a_monitor_window_of_values_near_the_float_limit_is_evaluated(mlops_store, trained_on):
    """The monitor path: a training profile as the reference, the request log as the window."""
    import time

    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    import jupyter_mlops as mlops
    from jupyter_mlops.core.config import resolve_data_dir
    from jupyter_mlops.core.store import get_database
    from jupyter_mlops.monitoring.entities import MonitorSpec
    from jupyter_mlops.monitoring.service import MonitorService
    from jupyter_mlops.serving.api import get_registry
    from jupyter_mlops.serving.model_uri import ModelRef
    from jupyter_mlops.serving.request_log import requests_folder

    rng = np.random.default_rng(0)
    scale = 1e307 if trained_on == "huge" else 1.0
    X = pd.DataFrame(rng.normal(size=(500, 2)), columns=["a", "b"]) * scale
    mlops.register_model(LogisticRegression().fit(X / scale, X["a"] > 0), "huge", X=X)
    get_registry().create_endpoint("huge", ModelRef("huge", version=1), "127.0.0.1", 1)
    now = int(time.time() * 1000)
    start = now - 2 * 3_600_000
    rows = pd.DataFrame({"a": rng.uniform(-1, 1, 300) * 1.7e308, "b": rng.normal(size=300) * scale})
    rows["_mlops_request_id"] = [f"r{i}" for i in range(len(rows))]
    rows["_mlops_ts_ms"] = np.full(len(rows), start + 1000, dtype=np.int64)
    rows["_mlops_model_version"] = np.ones(len(rows), dtype=np.int64)
    rows["_mlops_latency_ms"] = np.full(len(rows), 2.0)
    rows["_mlops_prediction"] = np.ones(len(rows), dtype=np.int64)
    rows["_mlops_status"] = np.full(len(rows), 200, dtype=np.int64)
    folder = requests_folder("huge", mlops_store)
    folder.mkdir(parents=True, exist_ok=True)
    rows.to_parquet(folder / f"{start:013d}-{start:013d}-1-000001.parquet", index=False)

    service = MonitorService(get_database(), resolve_data_dir())
    service.create(MonitorSpec("huge", window_seconds=3600, min_rows=50), start_ms=start)
    (window,) = service.tick(runner=None, now=start + 3_600_000 + 5)
    assert window.status == "done", window.error
    report = service.store.get_window(window.window_id).report
    assert report is not None
    json.dumps(report, allow_nan=False)
    verdict = {c["column"]: c["drifted"] for c in report["columns"]}
    assert verdict["a"] is True and verdict["b"] is False


# --- cron: a step beyond its field's range ---------------------------------------------------

HUGE_STEP = "*/1000000000 * * * *"


@pytest.mark.parametrize(
    "schedule",
    [HUGE_STEP, "0 */25 * * *", "0-30/61 * * * *", "0 0 */32 * *", "0 0 1 */13 *", "0 0 * * */8"],
)
def test_a_cron_step_beyond_its_fields_range_is_refused(schedule):
    from jupyter_mlops.core.errors import MLOpsError
    from jupyter_mlops.jobs.schedule import check_cron, describe

    with pytest.raises(MLOpsError, match="beyond its range") as error:
        check_cron(schedule)
    assert error.value.field == "schedule"
    with pytest.raises(MLOpsError):
        describe(schedule)


def test_a_step_that_restarts_within_its_field_is_not_described_as_every_n():
    from jupyter_mlops.jobs.schedule import describe, next_times

    # */7 fires at :49, :56, then :00: the gap is not 7 minutes, so it is shown as cron.
    assert describe("*/7 * * * *") == "cron '*/7 * * * *' (UTC)"
    times = next_times("*/7 * * * *", "UTC", 1_767_225_000_000, 10)
    assert {b - a for a, b in itertools.pairwise(times)} != {7 * 60_000}
    # Steps within range still read in words; */60 fires once an hour, as it says.
    assert describe("*/15 * * * *") == "every 15 minutes (UTC)"
    assert describe("*/60 * * * *") == "every 60 minutes (UTC)"
    assert describe("0 */6 * * *") == "every 6 hours at minute 0 (UTC)"


async def test_a_cron_step_beyond_its_range_is_a_400_over_rest(
    call: Call, jp_root_dir: Path
) -> None:
    from ..support.jobs import write_notebook

    write_notebook(jp_root_dir / "nightly.ipynb", "rows = 1", "print(rows)")
    body = {"notebook_path": "nightly.ipynb", "schedule": HUGE_STEP}
    answer = _bad_request(*await call("POST", "jobs", body), "schedule")
    assert "minute field's step /1000000000" in answer["message"]
    _bad_request(*await call("GET", f"job-schedule?schedule={HUGE_STEP.replace(' ', '%20')}"),
                 "schedule")  # fmt: skip
    assert (await call("GET", "jobs"))[1]["jobs"] == []


def test_a_cron_step_beyond_its_range_is_refused_by_the_cli_and_the_magic(
    tmp_path, mlops_store, monkeypatch
):
    import os
    import subprocess
    import sys

    from jupyter_mlops.core.errors import MLOpsError
    from jupyter_mlops.core.server_link import SERVER_URL_ENV

    from ..support.ipython import ipython_shell
    from ..support.jobs import write_notebook

    write_notebook(tmp_path / "nightly.ipynb", "rows = 1", "print(rows)")
    env = {**os.environ, "JUPYTER_MLOPS_DATA_DIR": str(mlops_store)}
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", "jobs", "create", "nightly.ipynb",
         "--cron", HUGE_STEP],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 1 and "beyond its range" in done.stderr, done.stderr
    monkeypatch.delenv(SERVER_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    shell = ipython_shell()
    with pytest.raises(MLOpsError, match="beyond its range") as error:
        shell.run_line_magic("mlops", f'schedule nightly.ipynb --cron "{HUGE_STEP}"')
    assert error.value.field == "schedule"


# --- labels: duplicate request ids; no raw SQL in any error ----------------------------------


@pytest.fixture
def monitored(mlops_store: Any) -> str:
    """A registered model, an endpoint record serving it and a monitor watching it."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    import jupyter_mlops as mlops
    from jupyter_mlops.serving.api import get_registry
    from jupyter_mlops.serving.model_uri import ModelRef

    X = pd.DataFrame(np.random.default_rng(0).normal(size=(100, 2)), columns=["a", "b"])
    mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "labelled", X=X)
    get_registry().create_endpoint("labelled", ModelRef("labelled", version=1), "127.0.0.1", 1)
    return str(mlops.create_monitor("labelled").monitor_id)


RAW_SQL = ("UNIQUE constraint", "monitoring_l", "INSERT", "[SQL", "DETAIL", "Key (")


async def test_duplicate_request_ids_in_one_labels_batch_are_a_400_naming_them(
    call: Call, monitored: str
) -> None:
    body = {"request_ids": ["r1", "r2", "r1", "r3", "r2"], "labels": [1, 0, 1, 0, 0]}
    answer = _bad_request(*await call("POST", f"monitors/{monitored}/labels", body), "request_ids")
    assert "'r1'" in answer["message"] and "'r2'" in answer["message"]
    assert "'r3'" not in answer["message"]
    assert not any(marker in answer["message"] for marker in RAW_SQL), answer
    # Unique ids in one batch, and the same ids again in a later batch (a correction), are fine.
    for labels in ([1, 0, 1], [0, 0, 1]):
        body = {"request_ids": ["r1", "r2", "r3"], "labels": labels}
        assert await call("POST", f"monitors/{monitored}/labels", body) == (200, {"saved": 3})


def test_a_refused_constraint_or_statement_never_shows_its_sql(db_url):
    """The store's errors name the kind of conflict, on SQLite and PostgreSQL; the statement,
    its table and its values stay in the server log."""
    from sqlalchemy import insert, text

    from jupyter_mlops.core.errors import ErrorCode, MLOpsError
    from jupyter_mlops.core.store import get_database
    from jupyter_mlops.monitoring.tables import LabelRow, MonitorRow

    database = get_database()  # the store at db_url, migrated to the code's heads
    row = {"endpoint_name": "e", "request_id": "secret-id", "label": "1", "created_time": 1}
    with database.session(write=True) as session:
        session.execute(insert(LabelRow), [row])
    refused = {
        "duplicate": lambda s: s.execute(insert(LabelRow), [row]),
        "missing": lambda s: s.execute(insert(MonitorRow), [{"monitor_id": "m"}]),
        "bad statement": lambda s: s.execute(text("SELECT * FROM monitoring_labels WHERE x = :x")),
    }
    codes = {}
    for name, statement in refused.items():
        with pytest.raises(MLOpsError) as error, database.session(write=True) as session:
            statement(session)
        codes[name] = error.value.code
        message = error.value.message
        assert not any(marker in message for marker in (*RAW_SQL, "secret-id", "SELECT")), (
            name,
            message,
        )
    assert codes["duplicate"] is ErrorCode.CONFLICT


# --- found by the nightly-sized fuzz walk: digits that int() refuses ------------------------

SUPERSCRIPT_ONE = "%C2%B9"  # "¹": str.isdigit() says yes, int() says no


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"monitors/m/windows/{SUPERSCRIPT_ONE}", "window_id"),
        (f"evaluation/models/m/versions/{SUPERSCRIPT_ONE}/constraints", "version"),
        (f"approvals/{SUPERSCRIPT_ONE}", "approval_id"),
        (f"models/m/versions/{SUPERSCRIPT_ONE}", "version"),
    ],
)
async def test_a_number_in_non_ascii_digits_is_a_400_naming_it(
    call: Call, path: str, field: str
) -> None:
    _bad_request(*await call("GET", path), field)


def test_a_model_reference_in_non_ascii_digits_is_refused_naming_the_field():
    from jupyter_mlops.core.errors import MLOpsError
    from jupyter_mlops.serving.model_uri import parse_ref

    with pytest.raises(MLOpsError) as error:
        parse_ref("churn/\u00b9")
    assert error.value.field == "model"
