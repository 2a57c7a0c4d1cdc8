"""Schemathesis over GET /mlops/api/openapi.json against a real server: no route answers 5xx,
and every 2xx body matches the response schema its operation declares.

Every operation is fuzzed with inputs that break its schema (negative mode); the read-only GETs
also with inputs that follow it. Writes get negative inputs only, so the fuzzer never starts a
cluster, a job or an endpoint for real. Derandomized, so a failure replays.

Two sizes: the regular suite walks `EXAMPLES` per operation and mode (well under a few minutes
on CI's two cores); the nightly-sized walk (`JUPYTER_MLOPS_FUZZ_EXAMPLES=50` or more, skipped
with a reason otherwise) walks that many. `tests/app/test_rest_corpus.py` and
`tests/app/test_oddities_corpus.py` keep the exact inputs that once gave 500s.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import pytest

from ..support.lab import LabServer

schemathesis = pytest.importorskip("schemathesis")
requests = pytest.importorskip("requests")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.core.failures import Failure, FailureGroup  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

# Four cases per operation and mode still put every operation of the document through both
# modes, and reach 2xx on the same operations as eight did (the client's case generation is
# most of the cost); the nightly walk below goes deep.
EXAMPLES = 4
NIGHTLY_ENV = "JUPYTER_MLOPS_FUZZ_EXAMPLES"
NIGHTLY_MINIMUM = 50


@dataclass
class Walk:
    """What one walk over every operation saw."""

    operations: int = 0
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    schema_mismatches: list[str] = field(default_factory=list)
    by_status: dict[int, int] = field(default_factory=dict)
    answered_2xx: set[str] = field(default_factory=set)

    def figures(self, examples: int, elapsed: float) -> str:
        """One line for the log: the numbers a report quotes."""
        return (
            f"fuzzed {self.operations} operations, {examples} examples per operation and mode: "
            f"{self.requests} requests in {elapsed:.0f} s, {len(self.server_errors)} x 5xx, "
            f"{len(self.schema_mismatches)} 2xx bodies off their schema; statuses "
            f"{dict(sorted(self.by_status.items()))}"
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("fuzz-home")
    root = tmp_path_factory.mktemp("fuzz-root")
    (root / "data.csv").write_text("a,b\n1,x\n2,y\n")
    lab = LabServer(root, home, ui=False).start()
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


def _schema_mismatch(case: Any, response: Any) -> str | None:
    """Why a 2xx JSON body does not match its declared schema (None when it does)."""
    content_type = next(
        (
            " ".join(values)
            for name, values in response.headers.items()
            if name.lower() == "content-type"
        ),
        "",
    )
    if not content_type.startswith("application/json"):
        return None  # downloads and dashboards: declared as binary, nothing to validate
    try:
        case.validate_response(response, checks=[response_schema_conformance])
    except (Failure, FailureGroup) as failure:
        return " ".join(str(failure).split())[:400]
    return None


def walk(server: LabServer, examples: int) -> Walk:
    """Every operation of the server's document, `examples` cases per operation and mode."""
    schema = schemathesis.openapi.from_dict(_document(server))
    session = requests.Session()
    session.headers["Authorization"] = f"token {server.token}"
    base_url = f"{server.url}/mlops/api"
    seen = Walk()
    operations = [result.ok() for result in schema.get_all_operations()]
    seen.operations = len(operations)
    for operation in operations:
        modes = [GenerationMode.NEGATIVE]
        if operation.method.lower() == "get":
            modes.insert(0, GenerationMode.POSITIVE)
        for mode in modes:

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                seen.requests += 1
                response = case.call(base_url=base_url, session=session, timeout=60)
                status = response.status_code
                seen.by_status[status] = seen.by_status.get(status, 0) + 1
                shown = (
                    f"{status} {case.method} {response.request.url} "
                    f"body={str(case.body)[:200]!r}: {response.text[:300]}"
                )
                if status >= 500:
                    seen.server_errors.append(shown)
                elif 200 <= status < 300:
                    seen.answered_2xx.add(f"{case.method} {case.path}")
                    why = _schema_mismatch(case, response)
                    if why is not None:
                        seen.schema_mismatches.append(f"{shown}\n    {why}")

            check()
    return seen


def _assert_clean(seen: Walk) -> None:
    assert not seen.server_errors, f"{len(seen.server_errors)} server errors:\n" + "\n".join(
        seen.server_errors[:30]
    )
    assert not seen.schema_mismatches, (
        f"{len(seen.schema_mismatches)} 2xx bodies off their declared schema:\n"
        + "\n".join(seen.schema_mismatches[:30])
    )


@pytest.mark.timeout(900)  # a few minutes on two busy cores; the suite's default is 300 s
@pytest.mark.slow
def test_no_route_answers_a_server_error_and_every_2xx_matches_its_schema(
    server: LabServer,
) -> None:
    started = time.monotonic()
    seen = walk(server, EXAMPLES)
    print(seen.figures(EXAMPLES, time.monotonic() - started))
    assert seen.operations >= 15
    # The walk reached the handlers: the list and read-only routes answered 2xx.
    assert len(seen.answered_2xx) >= 15, sorted(seen.answered_2xx)
    _assert_clean(seen)


def test_the_schema_check_catches_a_body_off_its_declared_schema(server: LabServer) -> None:
    """The conformance check above is wired to this server's document: a real 2xx passes it,
    the same response with a field of the wrong type does not."""
    schema = schemathesis.openapi.from_dict(_document(server))
    case = schema["/experiments"]["GET"].Case()
    session = requests.Session()
    session.headers["Authorization"] = f"token {server.token}"
    response = case.call(base_url=f"{server.url}/mlops/api", session=session, timeout=60)
    assert response.status_code == 200
    assert _schema_mismatch(case, response) is None
    body = response.json()
    body["experiments"] = "not a list"
    edited = type(response)(
        status_code=response.status_code,
        headers=response.headers,
        content=json.dumps(body).encode(),
        request=response.request,
        elapsed=response.elapsed,
        verify=response.verify,
    )
    why = _schema_mismatch(case, edited)
    assert why is not None and "not a list" in why


@pytest.mark.slow
@pytest.mark.timeout(4 * 3600)  # the nightly walk is long on two cores; a hang still ends
def test_nightly_sized_walk(server: LabServer) -> None:
    wanted = os.environ.get(NIGHTLY_ENV, "")
    if not wanted:
        pytest.skip(
            f"nightly-sized fuzzing: set {NIGHTLY_ENV}={NIGHTLY_MINIMUM} (or more) to walk every "
            f"operation with that many examples per mode (the regular suite walks {EXAMPLES})"
        )
    examples = int(wanted)
    assert examples >= NIGHTLY_MINIMUM, f"{NIGHTLY_ENV} is at least {NIGHTLY_MINIMUM}"
    started = time.monotonic()
    seen = walk(server, examples)
    print(seen.figures(examples, time.monotonic() - started))
    _assert_clean(seen)
