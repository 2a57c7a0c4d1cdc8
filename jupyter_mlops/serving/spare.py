"""A warm spare endpoint process: `jupyter-mlops serve --spare`.

Most of an endpoint's cold start is its own imports (the CLI and the store, uvicorn and
Starlette, numpy, pandas, scikit-learn, scipy and skops), not its model. The supervisor
(`spare_pool`) keeps one process that has done those imports and waits on its stdin for one JSON
instruction (`Instruction`): which endpoint, where, with how many workers, the environment
variables to add, whether to start a session, and the log. The process then becomes that
endpoint: it points its stdout and stderr at the endpoint's log (0600), reads /dev/null as
stdin, adds the variables, calls `setsid` for a persistent endpoint (what `start_new_session`
does for a process started cold) and runs `jupyter-mlops serve --endpoint NAME ...` in-process
through the same `cli.main`: the same record read, allow-list and hash checks before the model
is loaded, and exit codes.

Only variables read at run time may be added this way: the supervisor starts the spare with
the endpoint's environment less its additions (`endpoint_env.endpoint_environment` of the
server's, nothing extra), and hands an endpoint to it only when that is still the environment
it would start the endpoint with (`SparePool`). The additions are the token file
(`$JUPYTER_MLOPS_ENDPOINT_TOKEN_FILE`, read by `EndpointAuth.from_environment` when `serve`
runs) and the pickle switch (`$JUPYTER_MLOPS_ENDPOINT_ALLOW_PICKLE`, read by
`mlflow_pickle.pickle_allowed` when a version is loaded): neither is read at import.

End of stdin without an instruction (the server closed the pipe, or died) ends the spare with
status 0: a spare never outlives its server.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from .endpoint_files import open_private_log

READY_LINE = "jupyter-mlops: spare ready"
# What `serve --endpoint` imports on its way to its first answer, the model's own modules aside
# (they are named by its file and imported when it is loaded).
WARM_MODULES = (
    "jupyter_mlops.serving.endpoint_app", "jupyter_mlops.serving.self_registration",
    "jupyter_mlops.serving.model_source", "jupyter_mlops.serving.api",
    "jupyter_mlops.serving.worker_count", "jupyter_mlops.serving.payloads",
    "jupyter_mlops.serving.model_call", "jupyter_mlops.serving.endpoint_metrics",
    "jupyter_mlops.model_format", "jupyter_mlops.model_format.mlflow_pickle",
    "uvicorn", "uvicorn.config", "uvicorn.server", "uvicorn.protocols.http.auto",
    "uvicorn.protocols.websockets.auto", "uvicorn.lifespan.on", "uvicorn.loops.auto",
    "numpy", "pandas", "sklearn.base",
)  # fmt: skip


@dataclass
class Instruction:
    """What the supervisor tells a spare to become (one JSON line on its stdin)."""

    endpoint: str
    host: str
    port: int
    workers: int
    restarts: int
    log: str
    new_session: bool = False
    env: dict[str, str] = field(default_factory=dict)

    def to_line(self) -> bytes:
        """The instruction as the one line the spare reads."""
        return json.dumps(asdict(self)).encode() + b"\n"

    def arguments(self) -> list[str]:
        """`jupyter-mlops` arguments of the endpoint, as the supervisor starts it cold."""
        return serve_arguments(self.endpoint, self.host, self.port, self.workers, self.restarts)


def serve_arguments(endpoint: str, host: str, port: int, workers: int, restarts: int) -> list[str]:
    """The `jupyter-mlops` arguments that run endpoint `endpoint` (cold or from a spare)."""
    return [
        "serve", "--endpoint", endpoint, "--host", host, "--port", str(port),
        "--workers", str(workers), "--restarts", str(restarts),
    ]  # fmt: skip


def warm_imports() -> None:
    """Import what an endpoint imports before it reads its record and loads its model: the
    modules above, the store's SQLAlchemy dialect (its URL is in the environment the spare
    shares with the endpoint; nothing is connected) and skops with its trust lists from the
    cache (`skops_import`)."""
    from sqlalchemy.engine import make_url

    from ..core.config import resolve_db_url
    from ..model_format.skops_import import skops_io
    from .endpoint_app import _import_app_modules

    for name in WARM_MODULES:
        importlib.import_module(name)
    with contextlib.suppress(ImportError):  # uvicorn's loop where installed (not on Windows)
        importlib.import_module("uvloop")
    _import_app_modules()
    make_url(resolve_db_url()).get_dialect()  # the SQLite dialect alone was ~20% of the rest
    skops_io()


def read_instruction(stream: IO[bytes]) -> Instruction | None:
    """The instruction on `stream`, or None at its end without one."""
    line = stream.readline()
    if not line.strip():
        return None
    return Instruction(**json.loads(line))


def become(instruction: Instruction) -> None:
    """Take the endpoint's log, stdin, environment and session (see the module docstring)."""
    sys.stdout.flush()
    sys.stderr.flush()
    log = open_private_log(Path(instruction.log))
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.environ.update(instruction.env)
    if instruction.new_session:
        os.setsid()
    sys.argv = [sys.argv[0], *instruction.arguments()]


def run_spare() -> int:
    """`serve --spare`: import, wait for an instruction, then serve as `serve --endpoint`
    would (its exit status); 0 when stdin ends first."""
    started = time.perf_counter()
    warm_imports()
    # In the spare's own log until it becomes an endpoint: what a waiting spare costs to start.
    took = time.perf_counter() - started
    print(f"{READY_LINE} (pid {os.getpid()}, {took:.2f} s of imports)", flush=True)
    instruction = read_instruction(sys.stdin.buffer)
    if instruction is None:
        return 0
    become(instruction)
    from ..cli import main

    return main(instruction.arguments())
