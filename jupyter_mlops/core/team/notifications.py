"""Notifications: events queued in the store (an outbox), delivered off the request path.

`notify(session, event, text, **payload)` adds an event row in the caller's own transaction
(an event of a change that rolls back is never sent), whatever the process: the server, a
kernel, a job run. The server's `Dispatcher` (a daemon thread) claims new events (a
conditional update, so two servers on one store never both take one), makes one delivery per
configured channel that wants the event, and sends them: webhooks get a JSON body with a
Slack-compatible `text` field, signed with HMAC-SHA256 (`X-MLOps-Signature: sha256=<hex>`,
key from the environment variable the channel names); email goes through SMTP. A failed
delivery is retried with exponential back-off, then marked failed; it never fails or blocks
the action that caused it. `deliveries` is the delivery log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import smtplib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..clock import now_ms as _now_ms
from ..db import Database
from ..periodic import Periodic
from .identity import current_actor
from .settings import Channel, TeamSettings, get_settings
from .tables import DeliveryRow, EventRow

log = logging.getLogger(__name__)

EVENTS = (
    "job.run.succeeded",
    "job.run.failed",
    "monitor.drift_alert",
    "approval.requested",
    "approval.approved",
    "approval.rejected",
    "endpoint.failed",
    "endpoint.restarted",
    "model.version_registered",
)
SIGNATURE_HEADER = "X-MLOps-Signature"
MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 1.0
TIMEOUT_S = 10.0
SEND_LEASE_S = 60.0
# `sending` is due again once its lease ran out (the dispatcher that took it died).
_DUE_STATES = ("pending", "sending")


def notify(session: Session, event: str, text: str, **payload: Any) -> None:
    """Queue `event` (one of `EVENTS`) with a one-line human `text` and a JSON payload, in the
    caller's transaction. Cheap: nothing is sent here."""
    session.add(
        EventRow(
            time=_now_ms(),
            event=event,
            user=current_actor().name,
            text=text,
            payload=json.dumps(payload, default=str, sort_keys=True),
            dispatched=0,
        )
    )


def notify_now(database: Database, event: str, text: str, **payload: Any) -> None:
    """`notify` in a session of its own; a store error is logged, never raised (the caller's
    action already happened)."""
    try:
        with database.session(write=True) as session:
            notify(session, event, text, **payload)
    except Exception:  # a notification must never fail what caused it
        log.warning("could not queue the %s notification", event, exc_info=True)


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body`: `sha256=<hex HMAC-SHA256>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    """One event to one channel, as the delivery log shows it."""

    id: int
    event_id: int
    event: str
    channel: str
    target: str
    state: str
    attempts: int
    last_error: str | None
    delivered_at: int | None


def deliveries(database: Database, limit: int = 100) -> list[Delivery]:
    """The delivery log, newest first."""
    with database.session() as session:
        rows = session.scalars(
            select(DeliveryRow).order_by(DeliveryRow.id.desc()).limit(max(1, min(limit, 500)))
        ).all()
        return [
            Delivery(
                r.id,
                r.event_id,
                r.event,
                r.channel,
                r.target,
                r.state,
                r.attempts,
                r.last_error,
                r.delivered_at,
            )
            for r in rows
        ]


def _body(event: EventRow) -> dict[str, Any]:
    return {
        "text": f"[jupyter-mlops] {event.text}",
        "event": event.event,
        "user": event.user,
        "time": event.time,
        "payload": json.loads(event.payload),
    }


def send_webhook(channel: Channel, body: dict[str, Any]) -> None:
    """POST the signed JSON body; any non-2xx answer or network error raises."""
    data = json.dumps(body, sort_keys=True).encode()
    request = urllib.request.Request(channel.url, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    secret = os.environ.get(channel.secret_env, "") if channel.secret_env else ""
    if secret:
        request.add_header(SIGNATURE_HEADER, sign(secret, data))
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
        if not 200 <= answer.status < 300:
            raise OSError(f"webhook answered {answer.status}")


def send_email(channel: Channel, body: dict[str, Any]) -> None:
    """Send the event by SMTP to the channel's recipients."""
    message = EmailMessage()
    message["Subject"] = body["text"]
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.to)
    message.set_content(
        f"{body['text']}\n\nby {body['user']}\n\n{json.dumps(body['payload'], indent=2)}\n"
    )
    with smtplib.SMTP(channel.smtp_host, channel.smtp_port, timeout=TIMEOUT_S) as smtp:
        if channel.starttls:
            smtp.starttls()
        if channel.username:
            smtp.login(channel.username, os.environ.get(channel.password_env, ""))
        smtp.send_message(message)


SENDERS: dict[str, Callable[[Channel, dict[str, Any]], None]] = {
    "webhook": send_webhook,
    "email": send_email,
}


class Dispatcher:
    """Claims queued events, fans them out to channels and delivers them, in a daemon thread."""

    def __init__(
        self,
        database: Database,
        settings: Callable[[], TeamSettings] = get_settings,
        interval: float = 1.0,
    ) -> None:
        self.database = database
        self.settings = settings
        self.interval = interval
        self._periodic: Periodic | None = None

    def start(self) -> None:
        """Start delivering in the background (a pass now, then every `interval`)."""
        self._periodic = Periodic(
            "mlops-notifications",
            self.run_once,
            self.interval,
            immediately=True,
            logger=log,
            join_timeout_s=TIMEOUT_S + 5,
        ).start()

    def stop(self) -> None:
        """Stop the thread (deliveries left pending are taken by the next dispatcher)."""
        if self._periodic is not None:
            self._periodic.stop()

    def run_once(self) -> int:
        """Claim new events and send every due delivery once; returns how many were sent."""
        channels = self.settings().channels
        self._claim(channels)
        return self._send_due(channels)

    def _claim(self, channels: tuple[Channel, ...]) -> None:
        if not channels:
            # A server without channels (a teammate's default Lab) must not take events from
            # the shared outbox: they would be marked dispatched with no delivery at all.
            return
        with self.database.session() as session:
            ids = session.scalars(
                select(EventRow.id).where(EventRow.dispatched == 0).order_by(EventRow.id).limit(100)
            ).all()
        for event_id in ids:
            with self.database.session(write=True) as session:
                claimed = session.execute(  # type: ignore[attr-defined]
                    update(EventRow)
                    .where(EventRow.id == event_id, EventRow.dispatched == 0)
                    .values(dispatched=1)
                ).rowcount
                if not claimed:
                    continue  # another server's dispatcher took it
                event = session.get(EventRow, event_id)
                assert event is not None
                for channel in channels:
                    if channel.wants(event.event):
                        session.add(
                            DeliveryRow(
                                event_id=event_id,
                                event=event.event,
                                channel=channel.kind,
                                target=channel.target,
                                state="pending",
                                attempts=0,
                                next_attempt=0,
                            )
                        )

    def _send_due(self, channels: tuple[Channel, ...]) -> int:
        by_target = {(c.kind, c.target): c for c in channels}
        sent = 0
        with self.database.session() as session:
            due = session.execute(
                select(
                    DeliveryRow.id, DeliveryRow.event_id, DeliveryRow.channel, DeliveryRow.target
                )
                .where(DeliveryRow.state.in_(_DUE_STATES), DeliveryRow.next_attempt <= _now_ms())
                .order_by(DeliveryRow.id)
                .limit(100)
            ).all()
        for delivery_id, event_id, kind, target in due:
            channel = by_target.get((kind, target))
            if channel is None or not self._take(delivery_id):
                continue  # configured in another server, or taken by another dispatcher
            with self.database.session() as session:
                event = session.get(EventRow, event_id)
                body = _body(event) if event is not None else None
            error: str | None = None
            if body is not None:
                try:
                    SENDERS[kind](channel, body)
                except Exception as exc:  # any failure is logged and retried, never raised
                    error = f"{type(exc).__name__}: {exc}"[:1000]
            self._record(delivery_id, error if body is not None else "event missing")
            sent += error is None and body is not None
        return sent

    def _take(self, delivery_id: int) -> bool:
        """Take a due delivery for one send (a conditional update: two dispatchers on one store
        never both send it); a taker that dies leaves it due again after `SEND_LEASE_S`."""
        now = _now_ms()
        with self.database.session(write=True) as session:
            taken = session.execute(  # type: ignore[attr-defined]
                update(DeliveryRow)
                .where(
                    DeliveryRow.id == delivery_id,
                    DeliveryRow.state.in_(_DUE_STATES),
                    DeliveryRow.next_attempt <= now,
                )
                .values(state="sending", next_attempt=now + int(SEND_LEASE_S * 1000))
            ).rowcount
        return bool(taken)

    def _record(self, delivery_id: int, error: str | None) -> None:
        with self.database.session(write=True) as session:
            row = session.get(DeliveryRow, delivery_id)
            if row is None:
                return
            row.attempts += 1
            if error is None:
                row.state, row.delivered_at, row.last_error = "delivered", _now_ms(), None
                return
            row.last_error = error
            if row.attempts >= MAX_ATTEMPTS:
                row.state = "failed"
            else:
                row.state = "pending"
                delay = BACKOFF_BASE_S * 2 ** (row.attempts - 1)
                row.next_attempt = _now_ms() + int(delay * 1000)
