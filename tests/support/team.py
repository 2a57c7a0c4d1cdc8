"""Helpers for team tests: a webhook receiver and an SMTP server on loopback ports, and an
identity provider that names users by their token."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jupyter_server.auth.identity import IdentityProvider, User
from traitlets import Dict


class TokenUsersIdentityProvider(IdentityProvider):
    """Each token in `users` authenticates as its user (`Authorization: token <t>`): several
    named users on one test server, as JupyterHub's users are on theirs."""

    users = Dict(help="token -> user name").tag(config=True)

    def get_user(self, handler: Any) -> User | None:  # type: ignore[override]
        """The user whose token the request carries, else nobody."""
        header = handler.request.headers.get("Authorization", "")
        _scheme, _, token = header.partition(" ")
        token = token.strip() or handler.get_argument("token", "")
        name = self.users.get(token)
        return User(username=name) if name else None


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

    from .serving import free_port

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
