"""An endpoint process keeps its row in the store (`registrations`), whatever runs it.

`serve` starts a `SelfRegistration` before uvicorn and stops it after: a first row at once
(health `loading`), then a beat every `heartbeat_s` (`core.periodic.Periodic`), each probing the
process's own `GET /health` (so the row says what a load balancer would see, for one worker or
many) and writing the answer; on a clean exit the row is marked `stopped`. A store that cannot
be reached costs a warning (once per cause), never the endpoint.

Which store: the one the process serves from; an endpoint serving `--model-dir` (a Docker
image) has none unless `$JUPYTER_MLOPS_DB_URL` names one. The URL it advertises is
`--advertise-url`, else `$JUPYTER_MLOPS_ENDPOINT_URL` (a container knows its address only from
outside), else `http://HOST:PORT` (the machine's name when bound to every interface).
`$JUPYTER_MLOPS_ENDPOINT_HEARTBEAT_S` sets the interval (default 10 s);
`$JUPYTER_MLOPS_ENDPOINT_REGISTER=0` turns registration off.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.clock import now_ms
from ..core.config import DB_URL_ENV
from ..core.periodic import Periodic
from .endpoint_client import NO_ANSWER
from .endpoint_config import EndpointConfig
from .registrations import Registration, mark_stopped, record

log = logging.getLogger("jupyter_mlops.serving.endpoint")

URL_ENV = "JUPYTER_MLOPS_ENDPOINT_URL"
HEARTBEAT_ENV = "JUPYTER_MLOPS_ENDPOINT_HEARTBEAT_S"
REGISTER_ENV = "JUPYTER_MLOPS_ENDPOINT_REGISTER"
DEFAULT_HEARTBEAT_S = 10.0
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def advertised_url(host: str, port: int, explicit: str | None = None) -> str:
    """The URL callers reach the endpoint at (see the module docstring)."""
    chosen = explicit or os.environ.get(URL_ENV)
    if chosen:
        return chosen.rstrip("/")
    shown = socket.gethostname() if host in _ANY_ADDRESS else host
    return f"http://{_bracketed(shown)}:{port}"


class SelfRegistration:
    """The heartbeat of one endpoint process (see the module docstring)."""

    def __init__(self, database: Any, first: Registration, probe_url: str) -> None:
        self.database = database
        self.current = first
        self.probe_url = probe_url
        self._beats = Periodic(
            "endpoint-heartbeat", self.beat, lambda: self.current.heartbeat_s, logger=log
        )
        self._problem = ""
        self._was_ok = False

    def start(self) -> None:
        """Write the first row and start beating."""
        self._write(self.current)
        self._beats.start()

    def stop(self) -> None:
        """Stop beating and mark the row stopped (a clean exit)."""
        self._beats.stop(timeout=10)
        try:
            mark_stopped(self.database, self.current.name, self.current.url, self.current.pid)
        except Exception as exc:  # the endpoint is exiting anyway: say why the row stays
            log.warning("endpoint could not mark itself stopped in the store: %s", exc)

    def beat(self) -> None:
        """Probe `/health` and write what it said."""
        health, version = self._probe()
        self.current = replace(
            self.current,
            health=health,
            version=version if version is not None else self.current.version,
            state="running",
            heartbeat_time=now_ms(),
        )
        self._write(self.current)

    def _probe(self) -> tuple[str, int | None]:
        try:
            with urllib.request.urlopen(self.probe_url, timeout=5) as answer:
                body = json.loads(answer.read())
            self._was_ok = True
            return "ok", body.get("version")
        except urllib.error.HTTPError as exc:
            return ("loading" if exc.code == 503 else f"http {exc.code}"), None
        except NO_ANSWER:
            # Not listening yet (uvicorn starting, the model loading) or no longer answering.
            return ("unreachable" if self._was_ok else "loading"), None

    def _write(self, registration: Registration) -> None:
        try:
            record(self.database, registration)
            self._problem = ""
        except Exception as exc:  # keep serving; say so once per cause
            if str(exc) != self._problem:
                log.warning("endpoint could not register itself in the store: %s", exc)
            self._problem = str(exc)


def _model_of(config: EndpointConfig) -> tuple[str, str | None]:
    """The model name and alias the process serves, as known before the model loads."""
    if config.model_dir is not None:
        meta_path = Path(config.model_dir) / "endpoint.json"
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        return str(meta.get("name", Path(config.model_dir).name)), None
    from .api import get_registry

    if config.endpoint:
        endpoint = get_registry().get_endpoint(config.endpoint)
        return endpoint.model_name, endpoint.alias
    from .model_uri import parse_ref

    ref = parse_ref(config.model)
    return ref.name, ref.alias


def for_process(
    config: EndpointConfig, host: str, port: int, auth: bool, advertise_url: str | None = None
) -> SelfRegistration | None:
    """The registration of this endpoint process, or None (turned off, or no store to use)."""
    if os.environ.get(REGISTER_ENV, "1") == "0":
        return None
    if config.model_dir is not None and not os.environ.get(DB_URL_ENV):
        return None  # a self-contained image: no store of its own to speak of
    try:
        from ..core.store import get_database

        database = get_database()
        model_name, alias = _model_of(config)
        heartbeat_s = float(os.environ.get(HEARTBEAT_ENV) or DEFAULT_HEARTBEAT_S)
    except Exception as exc:  # the endpoint serves without being listed
        log.warning("endpoint will not register itself in the store: %s", exc)
        return None
    now = now_ms()
    first = Registration(
        name=config.log_name or config.endpoint or model_name,
        url=advertised_url(host, port, advertise_url),
        model_name=model_name,
        alias=alias,
        version=None,
        runner="server" if config.endpoint else "external",
        hostname=socket.gethostname(),
        pid=os.getpid(),
        auth=auth,
        state="running",
        health="loading",
        started_time=now,
        heartbeat_time=now,
        heartbeat_s=max(heartbeat_s, 0.1),
    )
    probe = f"http://{_bracketed(_ANY_ADDRESS.get(host, host))}:{port}/health"
    return SelfRegistration(database, first, probe)
