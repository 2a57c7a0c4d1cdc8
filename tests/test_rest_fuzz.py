"""Schemathesis over GET /mlops/api/openapi.json against a real server: no route answers 5xx.

Every operation is fuzzed with inputs that break its schema (negative mode); the read-only GETs
also with inputs that follow it. Writes get negative inputs only, so the fuzzer never starts a
cluster, a job or an endpoint for real. Bounded (`EXAMPLES` per operation and mode, derandomized)
to stay well under a minute or two on CI's two cores. `tests/test_rest_corpus.py` keeps the
exact inputs that once gave 500s.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest

from .support.lab import LabServer

schemathesis = pytest.importorskip("schemathesis")
requests = pytest.importorskip("requests")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

EXAMPLES = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("fuzz-home")
    root = tmp_path_factory.mktemp("fuzz-root")
    (root / "data.csv").write_text("a,b\n1,x\n2,y\n")
    lab = LabServer(root, home).start()
    yield lab
    lab.stop()


def _document(server: LabServer) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{server.url}/mlops/api/openapi.json",
        headers={"Authorization": f"token {server.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        document: dict[str, Any] = json.loads(response.read())
    return document


def test_no_route_answers_a_server_error(server: LabServer) -> None:
    document = _document(server)
    schema = schemathesis.openapi.from_dict(document)
    session = requests.Session()
    session.headers["Authorization"] = f"token {server.token}"
    base_url = f"{server.url}/mlops/api"
    failures: list[str] = []
    calls = 0
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        modes = [GenerationMode.NEGATIVE]
        if operation.method.lower() == "get":
            modes.insert(0, GenerationMode.POSITIVE)
        for mode in modes:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                nonlocal calls
                calls += 1
                response = case.call(base_url=base_url, session=session, timeout=60)
                if response.status_code >= 500:
                    failures.append(
                        f"{response.status_code} {case.method} {response.request.url} "
                        f"body={str(case.body)[:200]!r}: {response.text[:300]}"
                    )

            check()
    elapsed = time.monotonic() - started
    print(f"fuzzed {len(operations)} operations with {calls} requests in {elapsed:.0f} s")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:30])
