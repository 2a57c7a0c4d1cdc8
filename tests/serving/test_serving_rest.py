"""The registry and endpoints REST API through a real Jupyter server and real endpoint
processes: register from a run, deploy, promote and roll back under load with no failed
request, a killed endpoint restarted, stop."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

import jupyter_mlops as mlops
from tests.support.rest import call
from tests.support.tracking_rest import api_error

COLUMNS = ["a", "b", "c"]


@pytest.fixture
def data() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=COLUMNS)
    return X, (X["a"] - X["b"] > 0).astype(int)


async def test_register_from_a_run_and_read_it_back(jp_fetch, mlops_store: Path, data) -> None:
    X, y = data
    with mlops.start_run() as run:
        mlops.log_model(LogisticRegression().fit(X, y), "model", X=X)
    version = await call(jp_fetch, "POST", "models", body={"source": run.run_id, "name": "lr"})
    assert (version["version"], version["run_id"]) == (1, run.run_id)
    assert version["training_profile"] == "model:lr/v1:training"
    await call(jp_fetch, "PUT", "models", "lr", "aliases", "staging", body={"version": 1})
    detail = await call(jp_fetch, "GET", "models", "lr")
    assert detail["aliases"] == {"staging": 1}
    assert [v["version"] for v in detail["versions"]] == [1]
    assert detail["versions"][0]["aliases"] == ["staging"]
    patched = await call(
        jp_fetch, "PATCH", "models", "lr", "versions", "1", body={"description": "baseline"}
    )
    assert patched["description"] == "baseline"
    models = await call(jp_fetch, "GET", "models")
    assert [m["name"] for m in models["models"]] == ["lr"]

    with mlops.start_run() as second:
        mlops.log_model(LogisticRegression(C=0.1).fit(X, y), "model", X=X)
    v2 = await call(
        jp_fetch, "POST", "models", body={"source": f"runs:/{second.run_id}/model", "name": "lr"}
    )
    assert v2["version"] == 2
    moved = await call(jp_fetch, "PUT", "models", "lr", "aliases", "staging", body={"version": 2})
    assert (moved["version"], moved["previous_version"]) == (2, 1)
    back = await call(jp_fetch, "POST", "models", "lr", "aliases", "staging", "rollback")
    assert (back["version"], back["previous_version"]) == (1, 2)
    await call(jp_fetch, "DELETE", "models", "lr", "aliases", "staging")
    assert (await call(jp_fetch, "GET", "models", "lr"))["aliases"] == {}
    renamed = await call(jp_fetch, "PATCH", "models", "lr", body={"tags": {"team": "risk"}})
    assert renamed["tags"] == {"team": "risk"}
    await call(jp_fetch, "DELETE", "models", "lr")
    assert (await call(jp_fetch, "GET", "models"))["models"] == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("POST", ("models",), {"source": "0" * 32, "name": "x"}, 404, "run_id"),
        ("POST", ("models",), {"source": "nope", "name": "x"}, 400, "source"),
        ("POST", ("models",), {"name": "x"}, 400, "source"),
        ("GET", ("models", "missing"), None, 404, "name"),
        ("GET", ("models", "missing", "versions", "zero"), None, 400, "version"),
        ("GET", ("models", "missing", "versions", "9" * 20), None, 400, "version"),
        ("PUT", ("models", "m", "aliases", "prod"), {"version": 2**40}, 400, "version"),
        ("PUT", ("models", "missing", "aliases", "prod"), {"version": 1}, 404, "version"),
        ("POST", ("endpoints",), {"model": "missing@prod"}, 404, "name"),
        ("POST", ("endpoints",), {"model": "bad name!"}, 400, "model"),
        ("GET", ("endpoints", "missing"), None, 404, "endpoint"),
    ],
)
async def test_bad_requests_are_4xx_naming_the_field(
    jp_fetch, method, path, body, status, field
) -> None:
    kwargs: dict[str, Any] = {"method": method}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    code, error = await api_error(jp_fetch("mlops", "api", *path, **kwargs))
    assert (code, error["field"]) == (status, field), error


class Load:
    """Clients calling an endpoint in a loop from threads; counts statuses and versions."""

    def __init__(
        self, url: str, rows: list[dict[str, float]], token: str | None, clients: int = 4
    ) -> None:
        self.url = url
        self.rows = rows
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.stop = threading.Event()
        self.statuses: Counter[int] = Counter()
        self.versions: Counter[str] = Counter()
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30, headers=self.headers) as client:
            while not self.stop.is_set():
                try:
                    answer = client.post("/invocations", json={"dataframe_records": self.rows})
                    status, version = answer.status_code, answer.headers.get("x-model-version")
                except httpx.HTTPError as exc:
                    status, version = 0, None
                    with self._lock:
                        self.failures.append(repr(exc))
                with self._lock:
                    self.statuses[status] += 1
                    self.versions[str(version)] += 1


async def wait_for(predicate: Any, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.2)


async def test_deploy_promote_rollback_restart_stop(jp_fetch, mlops_store: Path, data) -> None:
    X, y = data
    v1 = mlops.register_model(LogisticRegression().fit(X, y), "clf", X=X)
    mlops.register_model(DecisionTreeClassifier(max_depth=3).fit(X, y), "clf", X=X)
    mlops.set_model_alias("clf", "champion", v1.version)
    endpoint = await call(jp_fetch, "POST", "endpoints", body={"model": "clf@champion"})
    assert endpoint["state"] == "running" and endpoint["serving_version"] == 1
    assert endpoint["url"].startswith("http://127.0.0.1:")
    url = endpoint["url"]
    token = (await call(jp_fetch, "GET", "endpoints", "clf", "token"))["token"]
    rows = X.iloc[:5].to_dict(orient="records")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as client:
        answer = await client.post("/invocations", json={"dataframe_records": rows})
    assert answer.json()["predictions"] == mlops.load_model("clf/1").predict(X.iloc[:5]).tolist()

    with Load(url, rows, token) as load:
        await asyncio.sleep(0.5)
        promoted = await call(jp_fetch, "POST", "endpoints", "clf", "promote", body={"version": 2})
        assert promoted["serving_version"] == 2
        await asyncio.sleep(0.5)
        rolled = await call(jp_fetch, "POST", "endpoints", "clf", "rollback")
        assert rolled["serving_version"] == 1
        await asyncio.sleep(0.5)
    assert load.failures == [] and set(load.statuses) == {200}, (load.statuses, load.failures)
    assert load.versions["1"] > 0 and load.versions["2"] > 0, load.versions
    assert mlops.get_model_version("clf", alias="champion").version == 1

    stats = await call(jp_fetch, "GET", "endpoints", "clf", "stats")
    assert stats["reachable"] and stats["requests"] >= sum(load.statuses.values())
    assert stats["errors"] == 0 and stats["latency_p50_ms"] is not None

    old_pid = endpoint["pid"]
    os.kill(old_pid, signal.SIGKILL)

    async def restarted() -> bool:
        current = await call(jp_fetch, "GET", "endpoints", "clf")
        return current["state"] == "running" and current["pid"] not in (None, old_pid)

    await wait_for(restarted, 240)
    current = await call(jp_fetch, "GET", "endpoints", "clf")
    assert current["restarts"] == 1
    async with httpx.AsyncClient(base_url=url) as client:
        assert (await client.get("/health")).json()["version"] == 1

    stopped = await call(jp_fetch, "POST", "endpoints", "clf", "stop")
    assert stopped["state"] == "stopped"
    async with httpx.AsyncClient(base_url=url) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("/health")
    code, _error = await api_error(jp_fetch("mlops", "api", "models", "clf", method="DELETE"))
    assert code == 409
    await call(jp_fetch, "DELETE", "endpoints", "clf")
    listing = await call(jp_fetch, "GET", "endpoints")
    assert listing["endpoints"] == []


def process_environment(pid: int) -> dict[str, str]:
    """The environment a process started with, from /proc."""
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


async def test_endpoints_need_their_token_by_default_and_rotate_it(
    jp_fetch, mlops_store: Path, data, monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = data
    mlops.register_model(LogisticRegression().fit(X, y), "secure", X=X)
    secrets = ["MLFLOW_TRACKING_TOKEN", "JUPYTERHUB_API_TOKEN", "AWS_SECRET_ACCESS_KEY"]
    for name in secrets:
        monkeypatch.setenv(name, f"secret-{name}")
    assert os.environ.get("JUPYTER_MLOPS_SERVER_TOKEN")  # the server exports it for kernels
    endpoint = await call(jp_fetch, "POST", "endpoints", body={"model": "secure/1", "name": "sec"})
    # The endpoint process holds its own token file's path and the store, no server credential.
    environ = process_environment(endpoint["pid"])
    for name in ["JUPYTER_MLOPS_SERVER_TOKEN", "JUPYTER_MLOPS_SERVER_URL", *secrets]:
        assert name not in environ, name
    assert not [v for v in environ.values() if v.startswith("secret-")]
    assert environ["JUPYTER_MLOPS_DATA_DIR"] == str(mlops_store)
    assert environ["JUPYTER_MLOPS_ENDPOINT_TOKEN_FILE"].endswith("/sec/token")
    assert endpoint["auth"] is True  # nobody asked for it
    token = (await call(jp_fetch, "GET", "endpoints", "sec", "token"))["token"]
    assert token and mlops.get_endpoint("sec").token == token
    assert token not in repr(mlops.get_endpoint("sec"))
    folder = mlops_store / "serving" / "endpoints"
    assert oct((folder / "sec" / "token").stat().st_mode & 0o777) == "0o600"
    assert oct((folder / "sec" / "endpoint.log").stat().st_mode & 0o777) == "0o600"
    assert oct((folder / "sec").stat().st_mode & 0o777) == "0o700"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    body = {"instances": X.iloc[:2].to_numpy().tolist()}
    records = X.iloc[:2].to_dict(orient="records")
    calls = [
        ("POST", "/invocations", body),
        ("POST", "/predict", records),
        ("GET", "/version", None),
        ("GET", "/schema", None),
        ("GET", "/metrics", None),
    ]
    async with httpx.AsyncClient(base_url=endpoint["url"]) as client:
        for method, path, payload in calls:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}):
                answer = await client.request(method, path, json=payload, headers=headers)
                assert answer.status_code == 401, (path, headers, answer.text)
                assert answer.json()["error"] == "unauthorized", path
        assert (await client.get("/health")).json()["status"] == "ok"  # readiness stays open
        good = {"Authorization": f"Bearer {token}"}
        for method, path, payload in calls:
            answer = await client.request(method, path, json=payload, headers=good)
            assert answer.status_code == 200, (path, answer.text)

        # The server's own calls carry the token: its live figures count those requests.
        stats = await call(jp_fetch, "GET", "endpoints", "sec", "stats")
        assert stats["reachable"] and stats["requests"] >= 2, stats

        rotated = (await call(jp_fetch, "POST", "endpoints", "sec", "token"))["token"]
        assert rotated not in (None, token)
        assert mlops.get_endpoint("sec").token == rotated
        answer = await client.post("/invocations", json=body, headers=good)
        assert answer.status_code == 401
        fresh = {"Authorization": f"Bearer {rotated}"}
        assert (await client.post("/invocations", json=body, headers=fresh)).status_code == 200
    assert oct((folder / "sec" / "token").stat().st_mode & 0o777) == "0o600"
    await call(jp_fetch, "DELETE", "endpoints", "sec")


async def test_an_endpoint_deployed_without_auth_is_open_until_given_a_token(
    jp_fetch, mlops_store: Path, data
) -> None:
    X, y = data
    mlops.register_model(LogisticRegression().fit(X, y), "open", X=X)
    body = {"model": "open/1", "name": "open", "auth": False}
    endpoint = await call(jp_fetch, "POST", "endpoints", body=body)
    assert endpoint["auth"] is False and mlops.get_endpoint("open").token is None
    payload = {"instances": X.iloc[:2].to_numpy().tolist()}
    async with httpx.AsyncClient(base_url=endpoint["url"]) as client:
        assert (await client.post("/invocations", json=payload)).status_code == 200
        token = (await call(jp_fetch, "POST", "endpoints", "open", "token"))["token"]
        assert (await call(jp_fetch, "GET", "endpoints", "open"))["auth"] is True
        assert (await client.post("/invocations", json=payload)).status_code == 401
        headers = {"Authorization": f"Bearer {token}"}
        answer = await client.post("/invocations", json=payload, headers=headers)
        assert answer.status_code == 200
    await call(jp_fetch, "DELETE", "endpoints", "open")
