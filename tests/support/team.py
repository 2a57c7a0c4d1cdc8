"""Helpers for team tests: a webhook receiver and an SMTP server on loopback ports, and an
identity provider that names users by their token."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from jupyter_server.auth.identity import IdentityProvider, User
from traitlets import Dict

from .processes import ServerProcess, only_mlops_extension, python_module
from .skops_cache import seed_skops_cache

REPO_ROOT = Path(__file__).resolve().parents[2]


class TokenUsersIdentityProvider(IdentityProvider):
    """Each token in `users` authenticates as its user (`Authorization: token <t>`): several
    named users on one test server, as JupyterHub's users are on theirs."""

    users = Dict(help="token -> user name").tag(config=True)

    def get_user(self, handler: Any) -> User | None:
        """The user whose token the request carries, else nobody."""
        header = handler.request.headers.get("Authorization", "")
        _scheme, _, token = header.partition(" ")
        token = token.strip() or handler.get_argument("token", "")
        name = self.users.get(token)
        if not name:
            return None
        handler._token_authenticated = True  # a token client: no XSRF cookie to check
        return User(username=name)


@dataclass
class WebhookReceiver:
    """What a webhook got: each request's body and signature header."""

    url: str = ""
    received: list[tuple[dict[str, Any], str | None, bytes]] = field(default_factory=list)
    fail_first: int = 0

    def events(self) -> list[str]:
        """The event names received, in order."""
        return [body["event"] for body, _sig, _raw in self.received]

    def verify(self, secret: str) -> bool:
        """Whether every received body carries a valid HMAC-SHA256 signature."""
        for _body, signature, raw in self.received:
            expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
            if signature is None or not hmac.compare_digest(signature, expected):
                return False
        return True


@contextmanager
def webhook_receiver(fail_first: int = 0) -> Iterator[WebhookReceiver]:
    """An HTTP server on 127.0.0.1 recording POSTs; the first `fail_first` answer 500."""
    receiver = WebhookReceiver(fail_first=fail_first)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.received.append(
                    (json.loads(raw), self.headers.get("X-MLOps-Signature"), raw)
                )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    """Messages an SMTP server received: (recipients, subject)."""

    port: int = 0
    messages: list[tuple[list[str], str]] = field(default_factory=list)

    def subjects(self) -> list[str]:
        """Subjects received, in order."""
        return [subject for _to, subject in self.messages]


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    from .ports import free_port

    mailbox = Mailbox()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = message_from_bytes(envelope.content)
            mailbox.messages.append((list(envelope.rcpt_tos), str(message["Subject"])))
            return "250 OK"

    mailbox.port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


class TeamServer(ServerProcess):
    """`jupyter server` in a subprocess whose tokens name its users, on a given store (the
    SQLite store in `store_dir`, or the database at `db_url` with artifacts in `store_dir`)."""

    stop_timeout = 30.0

    def __init__(
        self,
        home: Path,
        store_dir: Path,
        users: dict[str, str],
        mlops: dict[str, Any],
        db_url: str | None = None,
    ) -> None:
        from .ports import free_port

        self.home = home
        self.store_dir = store_dir
        self.db_url = db_url  # None: the SQLite store in `store_dir`
        self.users = users
        self.mlops = mlops
        self.port = free_port()
        self.endpoint_base_port = free_port(span=20)  # its endpoints' own (tests/support/ports.py)
        super().__init__(home / "server.log")

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, owner: str, timeout: float = 120) -> TeamServer:
        """Start as `owner`'s server (its kernels and jobs act as them) and wait for it."""
        seed_skops_cache(self.store_dir)
        config_dir = self.home / "config"
        config_dir.mkdir(parents=True, exist_ok=True)
        (self.home / "root").mkdir(exist_ok=True)
        config = {
            "ServerApp": {
                "identity_provider_class": f"{__name__}.TokenUsersIdentityProvider",
                "ip": "127.0.0.1",
                "port": self.port,
                "port_retries": 0,
                "root_dir": str(self.home / "root"),
                "open_browser": False,
                "jpserver_extensions": only_mlops_extension(),
            },
            "TokenUsersIdentityProvider": {"users": self.users, "token": "server-own-token"},
            # No warm spare endpoint process: no team test is about it, and it costs ~2.4 s CPU.
            "MLOpsApp": {
                "jobs_scheduler": False,
                "monitoring_ticker": False,
                "serving_warm_spare": False,
                **self.mlops,
            },
        }
        (config_dir / "jupyter_server_config.json").write_text(json.dumps(config))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(config_dir),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTER_MLOPS_DATA_DIR=str(self.store_dir),
            JUPYTER_MLOPS_USER=owner,
            JUPYTER_MLOPS_SERVING_BASE_PORT=str(self.endpoint_base_port),
            PYTHONPATH=os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]),
        )
        env.pop("JUPYTER_MLOPS_DB_URL", None)
        if self.db_url is not None:
            env["JUPYTER_MLOPS_DB_URL"] = self.db_url
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*python_module("jupyter_server"), "--allow-root"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        token = next(iter(self.users))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter server exited early:\n{self.log()}")
            try:
                if self.call(token, "GET", "whoami")[0] == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter server did not answer in {timeout}s:\n{self.log()}")

    def call(
        self, token: str, method: str, path: str, body: Any = None, absolute: bool = False
    ) -> tuple[int, Any]:
        """`method` on `/mlops/api/<path>` (or `/<path>` when `absolute`) as the token's user."""
        url = f"{self.url}/{path}" if absolute else f"{self.url}/mlops/api/{path}"
        answer = httpx.request(
            method,
            url,
            json=body,
            headers={"Authorization": f"token {token}"},
            timeout=300,
        )
        return answer.status_code, answer.json() if answer.content else None
